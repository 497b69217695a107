using System.Text.Json;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Walls;

/// <summary>
/// The video walls and what they show. Names are unique; every change of the state is saved with the version it was
/// made from, so two consoles never overwrite each other's change unseen (the loser is told to try again).
/// </summary>
public sealed class VideoWallStore(Database database, TimeProvider time)
{
    public const int MaxWalls = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row
    {
        public long Id { get; init; }

        public required string Name { get; init; }

        public int ScreenRows { get; init; }

        public int ScreenColumns { get; init; }

        public required string State { get; init; }

        public long Version { get; init; }

        public required string CreatedBy { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public VideoWall ToWall() => new(
            Id, Name, ScreenRows, ScreenColumns, JsonSerializer.Deserialize<WallState>(State, Json) ?? WallLayout.New(ScreenRows * ScreenColumns), Version, CreatedBy, CreatedAt, UpdatedAt);
    }

    private const string Columns = "id, name, screen_rows, screen_columns, state, version, created_by, created_at, updated_at";

    public async Task<IReadOnlyList<VideoWall>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM video_walls ORDER BY name", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToWall())];
    }

    public async Task<VideoWall?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM video_walls WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToWall();
    }

    /// <summary>Creates an empty wall; null when the name is taken or there are <see cref="MaxWalls"/> walls.</summary>
    public async Task<VideoWall?> CreateAsync(string name, int rows, int columns, string createdBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM video_walls", cancellationToken: cancellationToken)) >= MaxWalls)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var state = WallLayout.New(rows * columns);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO video_walls (name, screen_rows, screen_columns, state, version, created_by, created_at, updated_at)
            VALUES (@name, @rows, @columns, @state, 1, @createdBy, @now, @now) ON CONFLICT (name) DO NOTHING RETURNING id
            """,
            new { name, rows, columns, state = JsonSerializer.Serialize(state, Json), createdBy, now },
            cancellationToken: cancellationToken));
        return id is null ? null : new VideoWall(id.Value, name, rows, columns, state, 1, createdBy, now, now);
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM video_walls", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Saves a wall's name, size and state if it is still at <paramref name="expectedVersion"/>: the saved wall, or
    /// null when it is gone or changed meanwhile. Throws <see cref="WallNameTakenException"/> when the name is taken.
    /// </summary>
    public async Task<VideoWall?> SaveAsync(VideoWall wall, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wall);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM video_walls WHERE name = @Name AND id <> @Id", new { wall.Name, wall.Id }, transaction, cancellationToken: cancellationToken)) > 0)
        {
            throw new WallNameTakenException(wall.Name);
        }

        var now = time.GetUtcNow();
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE video_walls SET name = @Name, screen_rows = @Rows, screen_columns = @Columns, state = @state, version = version + 1, updated_at = @now
            WHERE id = @Id AND version = @expectedVersion
            """,
            new { wall.Name, wall.Rows, wall.Columns, state = JsonSerializer.Serialize(wall.State, Json), now, wall.Id, expectedVersion },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return changed == 1 ? wall with { Version = expectedVersion + 1, UpdatedAt = now } : null;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM video_walls WHERE id = @id", new { id }, cancellationToken: cancellationToken)) == 1;
    }
}

/// <summary>Another wall already has this name.</summary>
public sealed class WallNameTakenException : Exception
{
    public WallNameTakenException()
    {
    }

    public WallNameTakenException(string message)
        : base(message)
    {
    }

    public WallNameTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

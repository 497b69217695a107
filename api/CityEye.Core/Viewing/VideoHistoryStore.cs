using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>Something a user watched: a device live, or a recorded range of it.</summary>
public sealed record VideoHistoryEntry
{
    public long Id { get; init; }

    public long DeviceId { get; init; }

    /// <summary><c>live</c> or <c>playback</c>.</summary>
    public required string Mode { get; init; }

    public DateTimeOffset? RangeFrom { get; init; }

    public DateTimeOffset? RangeTo { get; init; }

    public DateTimeOffset ViewedAt { get; init; }
}

/// <summary>
/// Each user's viewing history (VI-9): the latest <see cref="Keep"/> things watched, newest first. Watching the same
/// device live again within a minute updates the entry instead of adding one.
/// </summary>
public sealed class VideoHistoryStore(Database database, TimeProvider time)
{
    public const int Keep = 200;

    public async Task AddAsync(string username, long deviceId, string mode, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var latest = await connection.QuerySingleOrDefaultAsync<VideoHistoryEntry>(new CommandDefinition(
            "SELECT id, device_id, mode, range_from, range_to, viewed_at FROM video_history WHERE username = @username ORDER BY id DESC LIMIT 1",
            new { username },
            transaction,
            cancellationToken: cancellationToken));
        if (latest is not null && mode == "live" && latest.Mode == "live" && latest.DeviceId == deviceId && now - latest.ViewedAt < TimeSpan.FromMinutes(1))
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE video_history SET viewed_at = @now WHERE id = @id", new { now, id = latest.Id }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO video_history (username, device_id, mode, range_from, range_to, viewed_at) VALUES (@username, @deviceId, @mode, @from, @to, @now)",
                new { username, deviceId, mode, from, to, now },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM video_history WHERE username = @username
                    AND id NOT IN (SELECT id FROM video_history WHERE username = @username ORDER BY id DESC LIMIT @keep)
                """,
                new { username, keep = Keep },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A page of the user's history, newest first, and how many entries there are.</summary>
    public async Task<(int Total, IReadOnlyList<VideoHistoryEntry> Items)> ListAsync(string username, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM video_history WHERE username = @username", new { username }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<VideoHistoryEntry>(new CommandDefinition(
            "SELECT id, device_id, mode, range_from, range_to, viewed_at FROM video_history WHERE username = @username ORDER BY id DESC LIMIT @limit OFFSET @offset",
            new { username, limit, offset },
            cancellationToken: cancellationToken));
        return (total, [.. items]);
    }

    public async Task<int> ClearAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM video_history WHERE username = @username", new { username }, cancellationToken: cancellationToken));
    }
}

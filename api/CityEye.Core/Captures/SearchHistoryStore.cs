using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Captures;

/// <summary>One remembered search: its kind, a one-line summary, the request to run it again, and the query image.</summary>
public sealed record SearchHistoryEntry
{
    public long Id { get; init; }

    /// <summary>image, attributes or vehicle.</summary>
    public required string Kind { get; init; }

    public required string Summary { get; init; }

    /// <summary>The search's parameters as JSON (what the SPA sends again).</summary>
    public required string Request { get; init; }

    /// <summary>Blob reference of an uploaded query image.</summary>
    public string? Image { get; init; }

    public int Results { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Each user's latest searches (VC-11): only the newest <see cref="Keep"/> are kept.</summary>
public sealed class SearchHistoryStore(Database database, TimeProvider time)
{
    public const int Keep = 20;

    public async Task<long> AddAsync(string username, SearchHistoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO capture_search_history (username, kind, summary, request, image, results, created_at) VALUES (@username, @Kind, @Summary, @Request, @Image, @Results, @now) RETURNING id",
                    new { username, entry.Kind, entry.Summary, entry.Request, entry.Image, entry.Results, now = time.GetUtcNow() },
                    transaction,
                    cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    DELETE FROM capture_search_history WHERE username = @username
                        AND id NOT IN (SELECT id FROM capture_search_history WHERE username = @username ORDER BY id DESC LIMIT @keep)
                    """,
                    new { username, keep = Keep },
                    transaction,
                    cancellationToken: cancellationToken));
                return id;
            },
            cancellationToken);
    }

    /// <summary>The user's remembered searches, newest first.</summary>
    public async Task<IReadOnlyList<SearchHistoryEntry>> ListAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<SearchHistoryEntry>(new CommandDefinition(
            "SELECT id, kind, summary, request, image, results, created_at FROM capture_search_history WHERE username = @username ORDER BY id DESC LIMIT @keep",
            new { username, keep = Keep },
            cancellationToken: cancellationToken))];
    }

    public async Task<SearchHistoryEntry?> GetAsync(string username, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SearchHistoryEntry>(new CommandDefinition(
            "SELECT id, kind, summary, request, image, results, created_at FROM capture_search_history WHERE username = @username AND id = @id",
            new { username, id },
            cancellationToken: cancellationToken));
    }

    public async Task<int> ClearAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM capture_search_history WHERE username = @username", new { username }, cancellationToken: cancellationToken));
    }
}

using System.Data.Common;
using Dapper;

namespace CityEye.Core.Storage;

/// <summary>A change waiting to be sent on (to the search index, the city cascade).</summary>
public sealed record OutboxMessage
{
    public long Id { get; init; }

    public string Topic { get; init; } = string.Empty;

    public string EntityType { get; init; } = string.Empty;

    public string EntityKey { get; init; } = string.Empty;

    public string? Payload { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public int Attempts { get; init; }
}

/// <summary>
/// The transactional outbox: a change and its outbox row commit together, so a consumer (indexer, cascade) that
/// drains the table sees every committed change exactly once per consumer pass and none that rolled back.
/// </summary>
public static class OutboxWriter
{
    public static Task WriteAsync(
        DbConnection connection,
        DbTransaction transaction,
        string topic,
        string entityType,
        string entityKey,
        string? payload,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox (topic, entity_type, entity_key, payload, created_at, attempts)
            VALUES (@topic, @entityType, @entityKey, @payload, @now, 0)
            """,
            new { topic, entityType, entityKey, payload, now },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>The oldest unprocessed messages, for a consumer to handle and then mark.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> PendingAsync(Database database, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxMessage>(new CommandDefinition(
            """
            SELECT id, topic, entity_type, entity_key, payload, created_at, attempts
            FROM outbox WHERE processed_at IS NULL ORDER BY id LIMIT @take
            """,
            new { take },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

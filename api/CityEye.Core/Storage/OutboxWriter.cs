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
    /// <summary>Advisory-lock key that orders outbox writers on PostgreSQL.</summary>
    private const long OutboxLockKey = 0x43_69_74_79_45_79_65;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbTransaction, object> Locked = [];

    public static async Task WriteAsync(
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
        ArgumentNullException.ThrowIfNull(transaction);
        if (connection is Npgsql.NpgsqlConnection && !Locked.TryGetValue(transaction, out _))
        {
            // PostgreSQL hands out identity values at insert but shows rows at commit: a transaction that takes an id
            // and commits late would appear behind a consumer's cursor. Outbox writers therefore take one lock until
            // they commit, so outbox ids become visible in order (SQLite has a single writer anyway).
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = OutboxLockKey }, transaction, cancellationToken: cancellationToken));
            Locked.AddOrUpdate(transaction, Locked);
        }

        await connection.ExecuteAsync(new CommandDefinition(
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

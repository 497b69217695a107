using Dapper;

namespace CityEye.Core.Storage;

/// <summary>
/// Reads the outbox for one consumer (search indexer, cascade) from that consumer's cursor. The cursor moves only
/// after the consumer has durably handled the messages, so a crash re-delivers them (consumers are idempotent).
/// </summary>
/// <remarks>
/// On PostgreSQL, identity values are taken at insert but become visible at commit, so a row with a lower id can
/// appear after a higher one was read. The cursor therefore stops before any gap in the ids until the gap is
/// <see cref="GapPatience"/> old (a rolled-back insert leaves a gap for ever).
/// </remarks>
public sealed class OutboxReader(Database database, TimeProvider time)
{
    public static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(30);

    public async Task<long?> CursorAsync(string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT last_id FROM outbox_cursors WHERE consumer = @consumer", new { consumer }, cancellationToken: cancellationToken));
    }

    public async Task SetCursorAsync(string consumer, long lastId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox_cursors (consumer, last_id, updated_at) VALUES (@consumer, @lastId, @now)
            ON CONFLICT (consumer) DO UPDATE SET last_id = @lastId, updated_at = @now
            """,
            new { consumer, lastId, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    public async Task<long> MaxIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(id) FROM outbox", cancellationToken: cancellationToken)) ?? 0;
    }

    /// <summary>
    /// Messages after <paramref name="cursor"/> (every topic, in id order), and how far the cursor may move once they
    /// are handled.
    /// </summary>
    public async Task<(IReadOnlyList<OutboxMessage> Messages, long SafeCursor)> ReadAsync(long cursor, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxMessage>(new CommandDefinition(
            """
            SELECT id, topic, entity_type, entity_key, payload, created_at, attempts
            FROM outbox WHERE id > @cursor ORDER BY id LIMIT @take
            """,
            new { cursor, take },
            cancellationToken: cancellationToken))).ToList();
        var safe = cursor;
        var settled = time.GetUtcNow() - GapPatience;
        foreach (var row in rows)
        {
            if (row.Id != safe + 1 && row.CreatedAt > settled)
            {
                break;
            }

            safe = row.Id;
        }

        return (rows, safe);
    }
}

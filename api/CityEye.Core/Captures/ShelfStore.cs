using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Captures;

/// <summary>Whether a staged capture is confirmed to be the target or only suspected (the default).</summary>
public static class ShelfStatus
{
    public const string Suspected = "suspected";
    public const string Confirmed = "confirmed";

    public static bool IsKnown(string? status) => status is Suspected or Confirmed;
}

/// <summary>A capture on the staging shelf (or in one of its archives).</summary>
public sealed record ShelfItem
{
    public long Id { get; init; }

    public long CaptureId { get; init; }

    public required string CaptureType { get; init; }

    public required string Status { get; init; }

    public string Note { get; init; } = string.Empty;

    public DateTimeOffset AddedAt { get; init; }

    public long? ArchiveId { get; init; }
}

/// <summary>A saved shelf: its name and how many captures it holds.</summary>
public sealed record ShelfArchive
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public int ItemCount { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The staging shelf of search results (VC-12 to VC-14): each user's current shelf of captures marked confirmed or
/// suspected, saved into named archives (which empties the shelf), restored from them, and deleted.
/// </summary>
public sealed class ShelfStore(Database database, TimeProvider time)
{
    public const int MaxItems = 1_000;

    /// <summary>The user's current shelf (archiveId null) or one archive, oldest addition first.</summary>
    public async Task<IReadOnlyList<ShelfItem>> ItemsAsync(string username, long? archiveId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ShelfItem>(new CommandDefinition(
            $"SELECT id, capture_id, capture_type, status, note, added_at, archive_id FROM capture_shelf WHERE username = @username AND {(archiveId is null ? "archive_id IS NULL" : "archive_id = @archiveId")} ORDER BY added_at, id",
            new { username, archiveId },
            cancellationToken: cancellationToken))];
    }

    /// <summary>Stages captures (those already on the shelf keep their status); -1 when the shelf would exceed <see cref="MaxItems"/>.</summary>
    public async Task<int> AddAsync(string username, IReadOnlyList<(long Id, string Type)> captures, string status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(captures);
        return await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_shelf WHERE username = @username AND archive_id IS NULL", new { username }, transaction, cancellationToken: cancellationToken));
                if (count + captures.Count > MaxItems)
                {
                    return -1;
                }

                var now = time.GetUtcNow();
                var added = 0;
                foreach (var (id, type) in captures)
                {
                    added += await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO capture_shelf (username, capture_id, capture_type, status, note, added_at, archive_id)
                        VALUES (@username, @id, @type, @status, '', @now, NULL)
                        ON CONFLICT (username, capture_id) WHERE archive_id IS NULL DO NOTHING
                        """,
                        new { username, id, type, status, now },
                        transaction,
                        cancellationToken: cancellationToken));
                }

                return added;
            },
            cancellationToken);
    }

    /// <summary>Changes the status (and note) of a capture on the current shelf; false when it is not there.</summary>
    public async Task<bool> UpdateAsync(string username, long captureId, string status, string? note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE capture_shelf SET status = @status, note = COALESCE(@note, note) WHERE username = @username AND capture_id = @captureId AND archive_id IS NULL",
            new { username, captureId, status, note },
            cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Takes captures off the current shelf.</summary>
    public async Task<int> RemoveAsync(string username, IReadOnlyList<long> captureIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM capture_shelf WHERE username = @username AND archive_id IS NULL AND {database.InList("capture_id", "ids")}",
            new { username, ids = captureIds.ToArray() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Saves the current shelf as a named archive and empties the shelf; null when the shelf is empty.</summary>
    public async Task<ShelfArchive?> ArchiveAsync(string username, string name, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_shelf WHERE username = @username AND archive_id IS NULL", new { username }, transaction, cancellationToken: cancellationToken));
                if (count == 0)
                {
                    return null;
                }

                var now = time.GetUtcNow();
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO capture_shelf_archives (username, name, item_count, created_at) VALUES (@username, @name, @count, @now) RETURNING id",
                    new { username, name, count, now },
                    transaction,
                    cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE capture_shelf SET archive_id = @id WHERE username = @username AND archive_id IS NULL", new { username, id }, transaction, cancellationToken: cancellationToken));
                return new ShelfArchive { Id = id, Name = name, ItemCount = count, CreatedAt = now };
            },
            cancellationToken);

    public async Task<IReadOnlyList<ShelfArchive>> ArchivesAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ShelfArchive>(new CommandDefinition(
            "SELECT id, name, item_count, created_at FROM capture_shelf_archives WHERE username = @username ORDER BY id DESC",
            new { username },
            cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Puts an archive's captures back on the current shelf (those already there keep their shelf entry) and removes
    /// the archive; null when it is not the user's, -1 when the shelf would exceed <see cref="MaxItems"/>.
    /// </summary>
    public async Task<int?> RestoreAsync(string username, long archiveId, CancellationToken cancellationToken) =>
        await database.InTransactionAsync<int?>(
            async (connection, transaction) =>
            {
                var owned = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_shelf_archives WHERE id = @archiveId AND username = @username", new { archiveId, username }, transaction, cancellationToken: cancellationToken));
                if (owned == 0)
                {
                    return null;
                }

                var current = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_shelf WHERE username = @username AND archive_id IS NULL", new { username }, transaction, cancellationToken: cancellationToken));
                var archived = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_shelf WHERE archive_id = @archiveId", new { archiveId }, transaction, cancellationToken: cancellationToken));
                if (current + archived > MaxItems)
                {
                    return -1;
                }

                var restored = await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE capture_shelf SET archive_id = NULL WHERE archive_id = @archiveId
                        AND capture_id NOT IN (SELECT capture_id FROM capture_shelf WHERE username = @username AND archive_id IS NULL)
                    """,
                    new { archiveId, username },
                    transaction,
                    cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM capture_shelf_archives WHERE id = @archiveId", new { archiveId }, transaction, cancellationToken: cancellationToken));
                return restored;
            },
            cancellationToken);

    /// <summary>Deletes an archive and its captures; false when it is not the user's.</summary>
    public async Task<bool> DeleteArchiveAsync(string username, long archiveId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM capture_shelf_archives WHERE id = @archiveId AND username = @username", new { archiveId, username }, cancellationToken: cancellationToken)) > 0;
    }
}

using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Captures;

/// <summary>A user's favourite group of captures with how many it holds.</summary>
public sealed record FavouriteGroup
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public int Count { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A capture in a favourite group.</summary>
public sealed record Favourite(long GroupId, long CaptureId, string CaptureType, DateTimeOffset AddedAt);

/// <summary>
/// Favourite groups of captures (VC-10): each user's own groups (names unique per user), captures added to, removed
/// from and copied between them. Every method takes the owner so that nobody reaches another user's groups.
/// </summary>
public sealed class CaptureFavouriteStore(Database database, TimeProvider time)
{
    public const int MaxGroups = 100;
    public const int MaxPerGroup = 5_000;

    public async Task<IReadOnlyList<FavouriteGroup>> GroupsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<FavouriteGroup>(new CommandDefinition(
            """
            SELECT g.id, g.name, g.created_at, (SELECT COUNT(*) FROM capture_favourites f WHERE f.group_id = g.id) AS count
            FROM capture_favourite_groups g WHERE g.username = @username ORDER BY g.created_at, g.id
            """,
            new { username },
            cancellationToken: cancellationToken))];
    }

    /// <summary>Creates a group; null when the user already has one of that name, or too many.</summary>
    public async Task<FavouriteGroup?> CreateGroupAsync(string username, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM capture_favourite_groups WHERE username = @username", new { username }, cancellationToken: cancellationToken));
        if (count >= MaxGroups)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "INSERT INTO capture_favourite_groups (username, name, created_at) VALUES (@username, @name, @now) ON CONFLICT (username, name) DO NOTHING RETURNING id",
            new { username, name, now },
            cancellationToken: cancellationToken));
        return id is null ? null : new FavouriteGroup { Id = id.Value, Name = name, CreatedAt = now };
    }

    /// <summary>Renames a group; false when it is not the user's or the name is taken.</summary>
    public async Task<bool?> RenameGroupAsync(string username, long groupId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return null;
        }

        var taken = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM capture_favourite_groups WHERE username = @username AND name = @name AND id <> @groupId", new { username, name, groupId }, cancellationToken: cancellationToken));
        if (taken > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE capture_favourite_groups SET name = @name WHERE id = @groupId", new { name, groupId }, cancellationToken: cancellationToken));
        return true;
    }

    public async Task<bool> DeleteGroupAsync(string username, long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM capture_favourite_groups WHERE id = @groupId AND username = @username", new { username, groupId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The captures of a group, newest first; null when the group is not the user's.</summary>
    public async Task<(int Total, IReadOnlyList<Favourite> Items)?> ItemsAsync(string username, long groupId, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return null;
        }

        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM capture_favourites WHERE group_id = @groupId", new { groupId }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<Favourite>(new CommandDefinition(
            "SELECT group_id, capture_id, capture_type, added_at FROM capture_favourites WHERE group_id = @groupId ORDER BY added_at DESC, capture_id DESC LIMIT @limit OFFSET @offset",
            new { groupId, limit, offset },
            cancellationToken: cancellationToken));
        return (total, items.ToList());
    }

    /// <summary>
    /// Adds captures to a group (those already in it are left alone); returns how many were added, or null when the
    /// group is not the user's, or -1 when the group would exceed <see cref="MaxPerGroup"/>.
    /// </summary>
    public async Task<int?> AddAsync(string username, long groupId, IReadOnlyList<(long Id, string Type)> captures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(captures);
        return await database.InTransactionAsync<int?>(
            async (connection, transaction) =>
            {
                if (!await OwnsAsync(connection, username, groupId, cancellationToken, transaction))
                {
                    return null;
                }

                var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capture_favourites WHERE group_id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken));
                if (count + captures.Count > MaxPerGroup)
                {
                    return -1;
                }

                var now = time.GetUtcNow();
                var added = 0;
                foreach (var (id, type) in captures)
                {
                    added += await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO capture_favourites (group_id, capture_id, capture_type, added_at) VALUES (@groupId, @id, @type, @now) ON CONFLICT (group_id, capture_id) DO NOTHING",
                        new { groupId, id, type, now },
                        transaction,
                        cancellationToken: cancellationToken));
                }

                return added;
            },
            cancellationToken);
    }

    /// <summary>Removes captures from a group; null when the group is not the user's.</summary>
    public async Task<int?> RemoveAsync(string username, long groupId, IReadOnlyList<long> captureIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return null;
        }

        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM capture_favourites WHERE group_id = @groupId AND {database.InList("capture_id", "ids")}",
            new { groupId, ids = captureIds.ToArray() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Copies every capture of one group into another of the same user; null when either is not theirs.</summary>
    public async Task<int?> CopyAsync(string username, long fromGroupId, long toGroupId, CancellationToken cancellationToken)
    {
        var source = await ItemsAsync(username, fromGroupId, 0, MaxPerGroup, cancellationToken);
        if (source is null)
        {
            return null;
        }

        return await AddAsync(username, toGroupId, [.. source.Value.Items.Select(i => (i.CaptureId, i.CaptureType))], cancellationToken);
    }

    private static async Task<bool> OwnsAsync(System.Data.Common.DbConnection connection, string username, long groupId, CancellationToken cancellationToken, System.Data.Common.DbTransaction? transaction = null) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM capture_favourite_groups WHERE id = @groupId AND username = @username", new { groupId, username }, transaction, cancellationToken: cancellationToken)) > 0;
}

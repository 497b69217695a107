using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>A user's favourite group of devices, with its devices in the user's order.</summary>
public sealed record VideoFavouriteGroup(long Id, string Name, DateTimeOffset CreatedAt, IReadOnlyList<long> DeviceIds);

/// <summary>
/// Favourite groups of devices (VI-8, VI-16): each user's own groups (names unique per user), devices added to and
/// removed from them, played or patrolled from the player. Every method takes the owner, so nobody reaches another
/// user's groups; which devices the user may watch is checked when they are played.
/// </summary>
public sealed class VideoFavouriteStore(Database database, TimeProvider time)
{
    public const int MaxGroups = 50;
    public const int MaxPerGroup = 200;

    private sealed record GroupRow
    {
        public long Id { get; init; }

        public required string Name { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed record MemberRow
    {
        public long GroupId { get; init; }

        public long DeviceId { get; init; }
    }

    public async Task<IReadOnlyList<VideoFavouriteGroup>> GroupsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var groups = (await connection.QueryAsync<GroupRow>(new CommandDefinition(
            "SELECT id, name, created_at FROM video_favourite_groups WHERE username = @username ORDER BY created_at, id", new { username }, cancellationToken: cancellationToken))).ToList();
        var members = (await connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT f.group_id, f.device_id FROM video_favourites f JOIN video_favourite_groups g ON g.id = f.group_id
            WHERE g.username = @username ORDER BY f.group_id, f.position, f.device_id
            """,
            new { username },
            cancellationToken: cancellationToken))).ToLookup(m => m.GroupId, m => m.DeviceId);
        return [.. groups.Select(g => new VideoFavouriteGroup(g.Id, g.Name, g.CreatedAt, [.. members[g.Id]]))];
    }

    /// <summary>Creates a group; null when the user already has one of that name or <see cref="MaxGroups"/> groups.</summary>
    public async Task<VideoFavouriteGroup?> CreateAsync(string username, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM video_favourite_groups WHERE username = @username", new { username }, cancellationToken: cancellationToken));
        if (count >= MaxGroups)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "INSERT INTO video_favourite_groups (username, name, created_at) VALUES (@username, @name, @now) ON CONFLICT (username, name) DO NOTHING RETURNING id",
            new { username, name, now },
            cancellationToken: cancellationToken));
        return id is null ? null : new VideoFavouriteGroup(id.Value, name, now, []);
    }

    /// <summary>Renames a group: null when it is not the user's, false when the name is taken.</summary>
    public async Task<bool?> RenameAsync(string username, long groupId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return null;
        }

        var taken = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM video_favourite_groups WHERE username = @username AND name = @name AND id <> @groupId", new { username, name, groupId }, cancellationToken: cancellationToken));
        if (taken > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition("UPDATE video_favourite_groups SET name = @name WHERE id = @groupId", new { name, groupId }, cancellationToken: cancellationToken));
        return true;
    }

    public async Task<bool> DeleteAsync(string username, long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM video_favourites WHERE group_id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM video_favourite_groups WHERE id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Replaces the devices of a group (in this order, duplicates dropped): null when the group is not the user's,
    /// false when there would be more than <see cref="MaxPerGroup"/>.
    /// </summary>
    public async Task<bool?> SetDevicesAsync(string username, long groupId, IReadOnlyList<long> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var distinct = deviceIds.Distinct().ToList();
        if (distinct.Count > MaxPerGroup)
        {
            return false;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await OwnsAsync(connection, username, groupId, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM video_favourites WHERE group_id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO video_favourites (group_id, device_id, position, added_at) VALUES (@groupId, @deviceId, @position, @now)",
            distinct.Select((deviceId, position) => new { groupId, deviceId, position, now }),
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<bool> OwnsAsync(System.Data.Common.DbConnection connection, string username, long groupId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM video_favourite_groups WHERE id = @groupId AND username = @username", new { username, groupId }, cancellationToken: cancellationToken)) > 0;
}

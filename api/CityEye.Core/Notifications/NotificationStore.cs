using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Notifications;

/// <summary>A message in a user's in-app notification centre.</summary>
public sealed record Notification
{
    public long Id { get; init; }

    public long UserId { get; init; }

    /// <summary>What it is about (e.g. <c>audit.unit</c>, <c>audit.summary</c>); the SPA picks an icon by it.</summary>
    public string Kind { get; init; } = string.Empty;

    public string Title { get; init; } = string.Empty;

    public string Body { get; init; } = string.Empty;

    /// <summary>SPA path that shows the details.</summary>
    public string? Link { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>The in-app notification centre: messages per user, read or unread.</summary>
public sealed class NotificationStore(Database database, TimeProvider time)
{
    /// <summary>Notifications older than this are removed when new ones are written.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>Writes one notification to each of <paramref name="userIds"/>; returns how many were written.</summary>
    public async Task<int> AddAsync(IEnumerable<long> userIds, string kind, string title, string body, string? link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var written = 0;
            foreach (var userId in userIds.Distinct())
            {
                written += await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO notifications (user_id, kind, title, body, link, created_at) VALUES (@userId, @kind, @title, @body, @link, @now)",
                    new { userId, kind, title, body, link, now },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM notifications WHERE created_at < @cutoff", new { cutoff = now - Retention }, transaction, cancellationToken: cancellationToken));
            return written;
        }, cancellationToken);
    }

    /// <summary>A user's notifications, newest first, with the total and the unread count.</summary>
    public async Task<(IReadOnlyList<Notification> Items, int Total, int Unread)> ListAsync(long userId, bool unreadOnly, int skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var filter = unreadOnly ? " AND read_at IS NULL" : string.Empty;
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM notifications WHERE user_id = @userId" + filter, new { userId }, cancellationToken: cancellationToken));
        var unread = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM notifications WHERE user_id = @userId AND read_at IS NULL", new { userId }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<Notification>(new CommandDefinition(
            $"SELECT id, user_id, kind, title, body, link, created_at, read_at FROM notifications WHERE user_id = @userId{filter} ORDER BY id DESC LIMIT @take OFFSET @skip",
            new { userId, skip, take },
            cancellationToken: cancellationToken));
        return (items.ToList(), total, unread);
    }

    /// <summary>Marks the user's notifications <paramref name="ids"/> (or all, when null) read; returns how many changed.</summary>
    public async Task<int> MarkReadAsync(long userId, IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var now = time.GetUtcNow();
        return ids is null
            ? await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE notifications SET read_at = @now WHERE user_id = @userId AND read_at IS NULL", new { userId, now }, cancellationToken: cancellationToken))
            : await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE notifications SET read_at = @now WHERE user_id = @userId AND read_at IS NULL AND {database.InList("id", "ids")}",
                new { userId, now, ids = ids.ToArray() },
                cancellationToken: cancellationToken));
    }

    /// <summary>Enabled users of <paramref name="organisationId"/> who hold <paramref name="permission"/>.</summary>
    public async Task<IReadOnlyList<long>> UsersOfUnitAsync(long organisationId, string permission, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT DISTINCT u.id FROM users u
            JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id AND r.enabled = @enabled
            JOIN role_permissions rp ON rp.role_id = r.id
            WHERE u.organisation_id = @organisationId AND u.enabled = @enabled AND rp.permission = @permission
            """,
            new { organisationId, permission, enabled = true },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Enabled users who hold <paramref name="permission"/> and see every device of the district.</summary>
    public async Task<IReadOnlyList<long>> DistrictUsersWithAsync(string permission, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT DISTINCT u.id FROM users u
            JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id AND r.enabled = @enabled
            JOIN role_permissions rp ON rp.role_id = r.id
            WHERE u.enabled = @enabled AND rp.permission = @permission AND EXISTS (
                SELECT 1 FROM user_roles dr JOIN roles d ON d.id = dr.role_id AND d.enabled = @enabled
                JOIN role_device_grants g ON g.role_id = d.id AND g.kind = @all WHERE dr.user_id = u.id)
            """,
            new { permission, enabled = true, all = Auth.DeviceGrantKinds.All },
            cancellationToken: cancellationToken))).ToList();
    }
}

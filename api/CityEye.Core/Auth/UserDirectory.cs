using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>A user as the user list shows it.</summary>
public sealed record UserListItem
{
    public long Id { get; init; }

    public required string Username { get; init; }

    public required string DisplayName { get; init; }

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    public bool Enabled { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    public DateTimeOffset? ValidFrom { get; init; }

    public DateTimeOffset? ValidUntil { get; init; }

    public int MaxStreams { get; init; }

    public string? Phone { get; init; }

    public string? PoliceNumber { get; init; }

    public DateTimeOffset? LastLoginAt { get; init; }

    public bool Online { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Display names of the user's roles, comma-separated in role order.</summary>
    public string RoleNames { get; init; } = string.Empty;
}

/// <summary>Filter of the user list; every part optional.</summary>
public sealed record UserFilter(
    string? Text = null,
    long? OrganisationId = null,
    long? RoleId = null,
    bool? Enabled = null,
    bool? Valid = null,
    bool? Online = null);

/// <summary>Users by state (UM-5).</summary>
public sealed record UserCounts(int Total, int Online, int Offline, int Enabled, int Disabled, int Valid, int Expired);

/// <summary>What editing a user changes (user name and password are changed elsewhere).</summary>
public sealed record UserEdit(
    string DisplayName,
    long OrganisationId,
    bool Enabled,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    int MaxStreams,
    string? Phone,
    string? PoliceNumber);

/// <summary>
/// User management (UM-1 to UM-6): the user list with filters and paging, counts by state, edits, deletion, role
/// assignment one by one and in batches. Everything is limited to the units an administrator manages
/// (<c>managedUnits</c>: null for every unit).
/// </summary>
public sealed class UserDirectory(Database database, TimeProvider time, UserStore users, AccessIntegrity? integrity = null)
{
    /// <summary>The units an administrator of <paramref name="organisationId"/> manages: it and every unit below it.</summary>
    public async Task<IReadOnlyList<long>> UnitsBelowAsync(long organisationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            """
            WITH RECURSIVE reach (id) AS (
                SELECT id FROM organisations WHERE id = @organisationId
                UNION
                SELECT o.id FROM organisations o JOIN reach r ON o.parent_id = r.id
            )
            SELECT id FROM reach ORDER BY id
            """,
            new { organisationId },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>The name of an organisation, or null when there is none with that id.</summary>
    public async Task<string?> OrganisationNameAsync(long organisationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT name FROM organisations WHERE id = @organisationId", new { organisationId }, cancellationToken: cancellationToken));
    }

    /// <summary>Organisation ids by code, for imports.</summary>
    public async Task<IReadOnlyDictionary<string, long>> OrganisationCodesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, long)>(new CommandDefinition("SELECT code, id FROM organisations", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<UserListItem> Items, int Total)> ListAsync(UserFilter filter, IReadOnlyList<long>? managedUnits, int skip, int take, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, managedUnits);
        parameters.Add("skip", skip);
        parameters.Add("take", take);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM users u" + where, parameters, cancellationToken: cancellationToken));
        var items = (await connection.QueryAsync<UserListItem>(new CommandDefinition(
            $"""
            SELECT u.id, u.username, u.display_name, u.organisation_id, o.name AS organisation_name, u.enabled, u.locked_until,
                   u.valid_from, u.valid_until, u.max_streams, u.phone, u.police_number, u.last_login_at, u.created_at,
                   CASE WHEN {OnlineCondition} THEN 1 ELSE 0 END AS online
            FROM users u JOIN organisations o ON o.id = u.organisation_id
            {where}
            ORDER BY u.username LIMIT @take OFFSET @skip
            """,
            parameters,
            cancellationToken: cancellationToken))).ToList();
        if (items.Count == 0)
        {
            return (items, total);
        }

        var ids = items.Select(i => i.Id).ToArray();
        var roles = (await connection.QueryAsync<(long, string)>(new CommandDefinition(
            $"SELECT ur.user_id, r.display_name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE {database.InList("ur.user_id", "ids")} ORDER BY r.kind, r.id",
            new { ids },
            cancellationToken: cancellationToken))).ToLookup(r => r.Item1, r => r.Item2);
        return (items.Select(i => i with { RoleNames = string.Join(", ", roles[i.Id]) }).ToList(), total);
    }

    public async Task<UserCounts> CountsAsync(IReadOnlyList<long>? managedUnits, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(new UserFilter(), managedUnits);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(int, int, int, int)>(new CommandDefinition(
            $"""
            SELECT COUNT(*),
                   COALESCE(SUM(CASE WHEN {OnlineCondition} THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN u.enabled = @yes THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN {ValidCondition} THEN 1 ELSE 0 END), 0)
            FROM users u{where}
            """,
            parameters,
            cancellationToken: cancellationToken));
        var (total, online, enabled, valid) = row;
        return new UserCounts(total, online, total - online, enabled, total - enabled, valid, total - valid);
    }

    /// <summary>Role ids of a user, ascending.</summary>
    public async Task<IReadOnlyList<long>> RoleIdsAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT role_id FROM user_roles WHERE user_id = @userId ORDER BY role_id", new { userId }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Edits a user and replaces its roles in one transaction; disabling ends its sessions.</summary>
    /// <returns>False when there is no such user.</returns>
    public async Task<bool> UpdateAsync(long userId, UserEdit edit, IReadOnlyList<long> roleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(roleIds);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await (integrity?.RequireIntactAsync(connection, transaction, [userId], [], cancellationToken) ?? Task.CompletedTask);
            var now = time.GetUtcNow();
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE users SET display_name = @DisplayName, organisation_id = @OrganisationId, enabled = @Enabled,
                       valid_from = @ValidFrom, valid_until = @ValidUntil, max_streams = @MaxStreams, phone = @Phone,
                       police_number = @PoliceNumber, updated_at = @now
                WHERE id = @userId
                """,
                new { userId, edit.DisplayName, edit.OrganisationId, edit.Enabled, edit.ValidFrom, edit.ValidUntil, edit.MaxStreams, edit.Phone, edit.PoliceNumber, now },
                transaction,
                cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return false;
            }

            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO user_roles (user_id, role_id) VALUES (@userId, @roleId)",
                roleIds.Distinct().Select(roleId => new { userId, roleId }),
                transaction,
                cancellationToken: cancellationToken));
            if (!edit.Enabled)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL", new { userId, now }, transaction, cancellationToken: cancellationToken));
            }

            await (integrity?.SealUsersAsync(connection, transaction, [userId], cancellationToken) ?? Task.CompletedTask);
            return true;
        }, cancellationToken);
    }

    /// <summary>Deletes a user with its sessions, tokens and grants.</summary>
    public async Task<bool> DeleteAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Grants <paramref name="grant"/> and revokes <paramref name="revoke"/> for every user of <paramref name="userIds"/>
    /// in one transaction (a role both granted and revoked is revoked).
    /// </summary>
    /// <returns>Role assignments added and removed.</returns>
    public async Task<(int Added, int Removed)> BatchRolesAsync(IReadOnlyList<long> userIds, IReadOnlyList<long> grant, IReadOnlyList<long> revoke, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(revoke);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await (integrity?.RequireIntactAsync(connection, transaction, userIds, [], cancellationToken) ?? Task.CompletedTask);
            var added = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO user_roles (user_id, role_id) VALUES (@userId, @roleId) ON CONFLICT DO NOTHING",
                userIds.Distinct().SelectMany(userId => grant.Except(revoke).Distinct().Select(roleId => new { userId, roleId })),
                transaction,
                cancellationToken: cancellationToken));
            var removed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM user_roles WHERE user_id = @userId AND role_id = @roleId",
                userIds.Distinct().SelectMany(userId => revoke.Distinct().Select(roleId => new { userId, roleId })),
                transaction,
                cancellationToken: cancellationToken));
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET updated_at = @now WHERE id = @userId", userIds.Distinct().Select(userId => new { userId, now }), transaction, cancellationToken: cancellationToken));
            await (integrity?.SealUsersAsync(connection, transaction, userIds, cancellationToken) ?? Task.CompletedTask);
            return (added, removed);
        }, cancellationToken);
    }

    /// <summary>The users of <paramref name="userIds"/> that exist, with their organisation.</summary>
    public async Task<IReadOnlyDictionary<long, long>> OrganisationsOfAsync(IEnumerable<long> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.Distinct().ToArray();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var result = new Dictionary<long, long>();
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var (id, organisation) in await connection.QueryAsync<(long, long)>(new CommandDefinition(
                $"SELECT id, organisation_id FROM users WHERE {database.InList("id", "chunk")}", new { chunk }, cancellationToken: cancellationToken)))
            {
                result[id] = organisation;
            }
        }

        return result;
    }

    /// <summary>
    /// One user's effective permissions with their sources (UM-6): function permissions, device grants (with the
    /// devices each reaches) and services, each with the enabled role it comes from; disabled roles are listed apart.
    /// </summary>
    public async Task<EffectivePermissions?> EffectiveAsync(long userId, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var roles = (await connection.QueryAsync<(long, string, string, string, bool)>(new CommandDefinition(
            "SELECT r.id, r.name, r.display_name, r.kind, r.enabled FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = @userId ORDER BY r.kind, r.id",
            new { userId },
            cancellationToken: cancellationToken))).ToList();
        var permissions = (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            """
            SELECT rp.permission, r.display_name FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN role_permissions rp ON rp.role_id = r.id
            WHERE ur.user_id = @userId AND r.enabled = @yes AND r.kind = @function ORDER BY rp.permission, r.id
            """,
            new { userId, yes = true, function = RoleKinds.Function },
            cancellationToken: cancellationToken))).GroupBy(p => p.Item1).Select(g => new SourcedItem(g.Key, g.Select(x => x.Item2).ToList())).ToList();
        var services = (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            """
            SELECT rs.service, r.display_name FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN role_services rs ON rs.role_id = r.id
            WHERE ur.user_id = @userId AND r.enabled = @yes AND r.kind = @service ORDER BY rs.service, r.id
            """,
            new { userId, yes = true, service = RoleKinds.Service },
            cancellationToken: cancellationToken))).GroupBy(p => p.Item1).Select(g => new SourcedItem(g.Key, g.Select(x => x.Item2).ToList())).ToList();
        var grants = await RoleStore.UserGrantsAsync(connection, userId, cancellationToken);
        var sourcedGrants = new List<SourcedGrant>();
        foreach (var group in grants.GroupBy(g => g.Grant))
        {
            var (scope, _) = await DeviceGrantResolver.ResolveAsync(connection, database, [group.Key], cancellationToken);
            sourcedGrants.Add(new SourcedGrant(group.Key, await CountDevicesAsync(connection, scope, cancellationToken), group.Select(g => g.Role).Distinct().ToList()));
        }

        var (total, _) = await DeviceGrantResolver.ResolveAsync(connection, database, grants.Select(g => g.Grant), cancellationToken);
        var reach = grants.Count == 0 ? 0 : await CountDevicesAsync(connection, total, cancellationToken);
        return new EffectivePermissions(
            user,
            roles.Select(r => new RoleRef(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5)).ToList(),
            permissions,
            sourcedGrants,
            total.IsAll,
            reach,
            services);
    }

    private async Task<int> CountDevicesAsync(System.Data.Common.DbConnection connection, DeviceScope scope, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM devices d WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));

    private const string OnlineCondition =
        "EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > @now AND s.last_seen_at > @idleSince)";

    private const string ValidCondition = "((u.valid_until IS NULL OR u.valid_until > @now) AND (u.valid_from IS NULL OR u.valid_from <= @now))";

    /// <summary>A session unused this long no longer counts as online (the default idle timeout).</summary>
    public TimeSpan OnlineIdle { get; set; } = TimeSpan.FromMinutes(30);

    private (string Where, DynamicParameters Parameters) Where(UserFilter filter, IReadOnlyList<long>? managedUnits)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var now = time.GetUtcNow();
        var parameters = new DynamicParameters(new { now, idleSince = now - OnlineIdle, yes = true });
        var clauses = new List<string>();
        if (managedUnits is not null)
        {
            clauses.Add(managedUnits.Count == 0 ? "1 = 0" : database.InList("u.organisation_id", "managedUnits"));
            parameters.Add("managedUnits", managedUnits.ToArray());
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            clauses.Add("(u.username LIKE @text ESCAPE '\\' OR LOWER(u.display_name) LIKE @text ESCAPE '\\' OR LOWER(u.phone) LIKE @text ESCAPE '\\' OR LOWER(u.police_number) LIKE @text ESCAPE '\\')");
            parameters.Add("text", "%" + RoleStore.EscapeLike(filter.Text.Trim().ToLowerInvariant()) + "%");
        }

        if (filter.OrganisationId is { } organisation)
        {
            clauses.Add("""
                u.organisation_id IN (WITH RECURSIVE reach (id) AS (
                    SELECT id FROM organisations WHERE id = @organisation
                    UNION SELECT o.id FROM organisations o JOIN reach r ON o.parent_id = r.id) SELECT id FROM reach)
                """);
            parameters.Add("organisation", organisation);
        }

        if (filter.RoleId is { } role)
        {
            clauses.Add("EXISTS (SELECT 1 FROM user_roles fr WHERE fr.user_id = u.id AND fr.role_id = @role)");
            parameters.Add("role", role);
        }

        if (filter.Enabled is { } enabled)
        {
            clauses.Add("u.enabled = @enabled");
            parameters.Add("enabled", enabled);
        }

        if (filter.Valid is { } valid)
        {
            clauses.Add(valid ? ValidCondition : "NOT " + ValidCondition);
        }

        if (filter.Online is { } online)
        {
            clauses.Add(online ? OnlineCondition : "NOT " + OnlineCondition);
        }

        return (clauses.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", clauses), parameters);
    }
}

/// <summary>A permission or service and the enabled roles it comes from.</summary>
public sealed record SourcedItem(string Code, IReadOnlyList<string> Roles);

/// <summary>A device grant, the devices it reaches now, and the enabled device roles it comes from.</summary>
public sealed record SourcedGrant(DeviceGrant Grant, int Devices, IReadOnlyList<string> Roles);

/// <summary>A role of a user.</summary>
public sealed record RoleRef(long Id, string Name, string DisplayName, string Kind, bool Enabled);

/// <summary>One user's effective permissions (UM-6).</summary>
public sealed record EffectivePermissions(
    UserAccount User,
    IReadOnlyList<RoleRef> Roles,
    IReadOnlyList<SourcedItem> Permissions,
    IReadOnlyList<SourcedGrant> DeviceGrants,
    bool AllDevices,
    int DeviceCount,
    IReadOnlyList<SourcedItem> Services);

using System.Data.Common;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>A role as lists and editors show it.</summary>
public sealed record RoleSummary
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public string Description { get; init; } = string.Empty;

    public required string Kind { get; init; }

    public bool Enabled { get; init; }

    /// <summary>Its holders must sign in with a certificate and their password.</summary>
    public bool RequireCertificate { get; init; }

    /// <summary>Shipped with CityEye (seeded once; otherwise an ordinary role).</summary>
    public bool BuiltIn { get; init; }

    public int UserCount { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A role with everything it grants.</summary>
public sealed record RoleDetail(RoleSummary Role, IReadOnlyList<string> Permissions, IReadOnlyList<DeviceGrant> DeviceGrants, IReadOnlyList<string> Services);

/// <summary>What creating or replacing a role writes.</summary>
public sealed record RoleDraft(
    string Name,
    string DisplayName,
    string Description,
    string Kind,
    bool Enabled,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<DeviceGrant> DeviceGrants,
    IReadOnlyList<string> Services,
    bool RequireCertificate = false);

/// <summary>Filter of the role list.</summary>
public sealed record RoleFilter(string? Text = null, string? Kind = null, bool? Enabled = null);

/// <summary>
/// Function, device and service roles (UM-7) in the system of record, the seeding of the shipped roles, and the
/// resolution of device grants into a <see cref="DeviceScope"/>.
/// </summary>
public sealed class RoleStore(Database database, TimeProvider time, AccessIntegrity? integrity = null)
{
    private static readonly string[] GrantTables = ["role_permissions", "role_device_grants", "role_services"];

    private const string SelectSummary = """
        SELECT r.id, r.name, r.display_name, r.description, r.kind, r.enabled, r.require_certificate, r.built_in,
               (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS user_count,
               r.created_at, COALESCE(r.updated_at, r.created_at) AS updated_at
        FROM roles r
        """;

    /// <summary>
    /// Writes the shipped roles, each role and each of its grants once: what an administrator later changes or
    /// deletes stays so, and a grant added by a newer version reaches the role at the next start.
    /// </summary>
    public async Task EnsureShippedAsync(IEnumerable<Role> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
        {
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                var now = time.GetUtcNow();
                var changed = false;
                async Task<bool> FirstTimeAsync(string item) => changed |= await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO role_seeds (role_name, item) VALUES (@name, @item) ON CONFLICT DO NOTHING",
                    new { name = role.Name, item },
                    transaction,
                    cancellationToken: cancellationToken)) == 1;

                // A shipped role changed in the database is not re-sealed by a grant this version adds (that would bless it).
                var existing = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT id FROM roles WHERE name = @Name", new { role.Name }, transaction, cancellationToken: cancellationToken));
                var intactBefore = existing is null || integrity is null || await integrity.IsRoleIntactAsync(connection, transaction, existing.Value, cancellationToken);
                if (await FirstTimeAsync("role"))
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO roles (name, display_name, description, built_in, created_at, kind, enabled, updated_at)
                        VALUES (@Name, @DisplayName, @Description, @yes, @now, @Kind, @yes, @now) ON CONFLICT (name) DO NOTHING
                        """,
                        new { role.Name, role.DisplayName, role.Description, role.Kind, yes = true, now },
                        transaction,
                        cancellationToken: cancellationToken));
                }

                var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT id FROM roles WHERE name = @Name", new { role.Name }, transaction, cancellationToken: cancellationToken));

                foreach (var permission in role.Permissions)
                {
                    if (await FirstTimeAsync("perm:" + permission) && id is not null)
                    {
                        await InsertPermissionsAsync(connection, transaction, id.Value, [permission], cancellationToken);
                    }
                }

                foreach (var grant in role.DeviceGrants ?? [])
                {
                    if (await FirstTimeAsync($"grant:{grant.Kind}:{grant.Value}") && id is not null)
                    {
                        await InsertGrantsAsync(connection, transaction, id.Value, [grant], cancellationToken);
                    }
                }

                foreach (var service in role.Services ?? [])
                {
                    if (await FirstTimeAsync("service:" + service) && id is not null)
                    {
                        await InsertServicesAsync(connection, transaction, id.Value, [service], cancellationToken);
                    }
                }

                // Sealed only when this start wrote something: re-sealing unchanged rows would bless changes made in the database.
                if (changed && intactBefore && id is not null)
                {
                    await SealAsync(connection, transaction, id.Value, cancellationToken);
                }

                return 0;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// Once, on a node upgraded from before service roles: API tokens now need a service role, so every administrator
    /// and every owner of a live token gets <see cref="BuiltInRoles.AllServices"/> (what their tokens could call
    /// before); administrators narrow it afterwards.
    /// </summary>
    public async Task<int> GrantServicesToExistingTokenOwnersOnceAsync(CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var first = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO role_seeds (role_name, item) VALUES (@role, @item) ON CONFLICT DO NOTHING",
                new { role = BuiltInRoles.AllServices, item = "upgrade:token-owners" },
                transaction,
                cancellationToken: cancellationToken)) == 1;
            if (!first)
            {
                return 0;
            }

            var granted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO user_roles (user_id, role_id)
                SELECT DISTINCT u.id, s.id FROM users u JOIN roles s ON s.name = @services
                WHERE EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL)
                   OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles a ON a.id = ur.role_id WHERE ur.user_id = u.id AND a.name = @administrator)
                ON CONFLICT DO NOTHING
                """,
                new { services = BuiltInRoles.AllServices, administrator = BuiltInRoles.Administrator },
                transaction,
                cancellationToken: cancellationToken));
            if (integrity is not null && granted > 0)
            {
                var holders = await connection.QueryAsync<long>(new CommandDefinition(
                    "SELECT ur.user_id FROM user_roles ur JOIN roles s ON s.id = ur.role_id WHERE s.name = @services",
                    new { services = BuiltInRoles.AllServices }, transaction, cancellationToken: cancellationToken));
                await integrity.SealUsersAsync(connection, transaction, holders, cancellationToken);
            }

            return granted;
        }, cancellationToken);
    }

    public async Task<(IReadOnlyList<RoleSummary> Items, int Total)> ListAsync(RoleFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var clauses = new List<string>();
        var parameters = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            clauses.Add("(LOWER(r.name) LIKE @text ESCAPE '\\' OR LOWER(r.display_name) LIKE @text ESCAPE '\\' OR LOWER(r.description) LIKE @text ESCAPE '\\')");
            parameters.Add("text", "%" + EscapeLike(filter.Text.Trim().ToLowerInvariant()) + "%");
        }

        if (filter.Kind is not null)
        {
            clauses.Add("r.kind = @kind");
            parameters.Add("kind", filter.Kind);
        }

        if (filter.Enabled is not null)
        {
            clauses.Add("r.enabled = @enabled");
            parameters.Add("enabled", filter.Enabled.Value);
        }

        var where = clauses.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", clauses);
        parameters.Add("skip", skip);
        parameters.Add("take", take);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM roles r" + where, parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<RoleSummary>(new CommandDefinition(
            SelectSummary + where + " ORDER BY r.kind, r.id LIMIT @take OFFSET @skip", parameters, cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }

    public async Task<RoleDetail?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Roles by id (unknown ids are left out).</summary>
    public async Task<IReadOnlyList<RoleDetail>> GetManyAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var result = new List<RoleDetail>();
        foreach (var id in ids.Distinct())
        {
            if (await GetAsync(connection, null, id, cancellationToken) is { } role)
            {
                result.Add(role);
            }
        }

        return result;
    }

    public async Task<long?> FindIdAsync(string nameOrDisplayName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM roles WHERE name = @value OR display_name = @value ORDER BY id LIMIT 1", new { value = nameOrDisplayName.Trim() }, cancellationToken: cancellationToken));
    }

    /// <summary>True when another role than <paramref name="exceptId"/> has this name or display name.</summary>
    public async Task<(bool Name, bool DisplayName)> TakenAsync(string name, string displayName, long? exceptId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT name, display_name FROM roles WHERE (name = @name OR display_name = @displayName) AND id <> @except",
            new { name, displayName, except = exceptId ?? 0 },
            cancellationToken: cancellationToken))).ToList();
        return (rows.Any(r => r.Item1 == name), rows.Any(r => r.Item2 == displayName));
    }

    public async Task<long> CreateAsync(RoleDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO roles (name, display_name, description, built_in, created_at, kind, enabled, updated_at, require_certificate)
                VALUES (@Name, @DisplayName, @Description, @no, @now, @Kind, @Enabled, @now, @RequireCertificate) RETURNING id
                """,
                new { draft.Name, draft.DisplayName, draft.Description, draft.Kind, draft.Enabled, no = false, now, draft.RequireCertificate },
                transaction,
                cancellationToken: cancellationToken));
            await WriteGrantsAsync(connection, transaction, id, draft, cancellationToken);
            await SealAsync(connection, transaction, id, cancellationToken);
            return id;
        }, cancellationToken);
    }

    /// <summary>Replaces a role's fields and grants (its kind never changes).</summary>
    /// <returns>False when there is no such role.</returns>
    public async Task<bool> UpdateAsync(long id, RoleDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE roles SET name = @Name, display_name = @DisplayName, description = @Description, enabled = @Enabled, require_certificate = @RequireCertificate, updated_at = @now WHERE id = @id",
                new { id, draft.Name, draft.DisplayName, draft.Description, draft.Enabled, draft.RequireCertificate, now = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return false;
            }

            foreach (var table in GrantTables)
            {
                await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE role_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            }

            await WriteGrantsAsync(connection, transaction, id, draft, cancellationToken);
            await SealAsync(connection, transaction, id, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<bool> SetEnabledAsync(long id, bool enabled, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await (integrity?.RequireIntactAsync(connection, transaction, [], [id], cancellationToken) ?? Task.CompletedTask);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE roles SET enabled = @enabled, updated_at = @now WHERE id = @id",
                new { id, enabled, now = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken)) == 1;
            await SealAsync(connection, transaction, id, cancellationToken);
            return changed;
        }, cancellationToken);
    }

    private Task SealAsync(DbConnection connection, DbTransaction transaction, long roleId, CancellationToken cancellationToken) =>
        integrity?.SealRolesAsync(connection, transaction, [roleId], cancellationToken) ?? Task.CompletedTask;

    /// <summary>Deletes a role no user holds.</summary>
    /// <returns>The users still holding it (nothing deleted), 0 when deleted, null when there is no such role.</returns>
    public async Task<int?> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<int?>(async (connection, transaction) =>
        {
            var holders = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM user_roles WHERE role_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            if (holders > 0)
            {
                return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM roles WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)) == 0 ? null : holders;
            }

            var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM roles WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return deleted == 0 ? null : 0;
        }, cancellationToken);
    }

    /// <summary>How many holders of a role belong to units outside <paramref name="units"/>.</summary>
    public async Task<int> HoldersOutsideAsync(long roleId, IReadOnlyList<long> units, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(units);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            units.Count == 0
                ? "SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = @roleId"
                : $"SELECT COUNT(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id = @roleId AND NOT ({database.InList("u.organisation_id", "units")})",
            new { roleId, units = units.ToArray() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Users holding a role, by user name.</summary>
    public async Task<IReadOnlyList<(long Id, string Username, string DisplayName, string OrganisationName)>> UsersAsync(long roleId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long, string, string, string)>(new CommandDefinition(
            """
            SELECT u.id, u.username, u.display_name, o.name FROM user_roles ur JOIN users u ON u.id = ur.user_id
            JOIN organisations o ON o.id = u.organisation_id WHERE ur.role_id = @roleId ORDER BY u.username LIMIT @take
            """,
            new { roleId, take },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Every device grant of the enabled device roles of a user.</summary>
    internal static async Task<IReadOnlyList<(long RoleId, string Role, DeviceGrant Grant)>> UserGrantsAsync(DbConnection connection, long userId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(long, string, string, string)>(new CommandDefinition(
            """
            SELECT r.id, r.display_name, g.kind, g.value FROM user_roles ur JOIN roles r ON r.id = ur.role_id
            JOIN role_device_grants g ON g.role_id = r.id
            WHERE ur.user_id = @userId AND r.enabled = @yes AND r.kind = @kind ORDER BY r.id, g.kind, g.value
            """,
            new { userId, yes = true, kind = RoleKinds.Device },
            cancellationToken: cancellationToken))).Select(r => (r.Item1, r.Item2, new DeviceGrant(r.Item3, r.Item4))).ToList();

    internal static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static async Task<RoleDetail?> GetAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var role = await connection.QuerySingleOrDefaultAsync<RoleSummary>(new CommandDefinition(SelectSummary + " WHERE r.id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (role is null)
        {
            return null;
        }

        var permissions = await connection.QueryAsync<string>(new CommandDefinition("SELECT permission FROM role_permissions WHERE role_id = @id ORDER BY permission", new { id }, transaction, cancellationToken: cancellationToken));
        var grants = await connection.QueryAsync<(string, string)>(new CommandDefinition("SELECT kind, value FROM role_device_grants WHERE role_id = @id ORDER BY kind, value", new { id }, transaction, cancellationToken: cancellationToken));
        var services = await connection.QueryAsync<string>(new CommandDefinition("SELECT service FROM role_services WHERE role_id = @id ORDER BY service", new { id }, transaction, cancellationToken: cancellationToken));
        return new RoleDetail(role, permissions.ToList(), grants.Select(g => new DeviceGrant(g.Item1, g.Item2)).ToList(), services.ToList());
    }

    private static async Task WriteGrantsAsync(DbConnection connection, DbTransaction transaction, long id, RoleDraft draft, CancellationToken cancellationToken)
    {
        await InsertPermissionsAsync(connection, transaction, id, draft.Kind == RoleKinds.Function ? draft.Permissions : [], cancellationToken);
        await InsertGrantsAsync(connection, transaction, id, draft.Kind == RoleKinds.Device ? draft.DeviceGrants : [], cancellationToken);
        await InsertServicesAsync(connection, transaction, id, draft.Kind == RoleKinds.Service ? draft.Services : [], cancellationToken);
    }

    private static Task<int> InsertPermissionsAsync(DbConnection connection, DbTransaction transaction, long id, IEnumerable<string> permissions, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO role_permissions (role_id, permission) VALUES (@id, @permission) ON CONFLICT DO NOTHING",
            permissions.Distinct(StringComparer.Ordinal).Select(permission => new { id, permission }),
            transaction,
            cancellationToken: cancellationToken));

    private static Task<int> InsertGrantsAsync(DbConnection connection, DbTransaction transaction, long id, IEnumerable<DeviceGrant> grants, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO role_device_grants (role_id, kind, value) VALUES (@id, @Kind, @Value) ON CONFLICT DO NOTHING",
            grants.Distinct().Select(g => new { id, g.Kind, g.Value }),
            transaction,
            cancellationToken: cancellationToken));

    private static Task<int> InsertServicesAsync(DbConnection connection, DbTransaction transaction, long id, IEnumerable<string> services, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO role_services (role_id, service) VALUES (@id, @service) ON CONFLICT DO NOTHING",
            services.Distinct(StringComparer.Ordinal).Select(service => new { id, service }),
            transaction,
            cancellationToken: cancellationToken));
}

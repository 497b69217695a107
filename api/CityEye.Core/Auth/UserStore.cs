using System.Data.Common;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>Users, roles and their grants in the system of record.</summary>
public sealed class UserStore(Database database, TimeProvider time)
{
    private const string SelectUser = """
        SELECT u.id, u.username, u.display_name, u.organisation_id, o.name AS organisation_name, u.password_hash,
               u.enabled, u.device_scope, u.failed_logins, u.locked_until, u.valid_until, u.last_login_at,
               u.created_at, u.updated_at
        FROM users u
        JOIN organisations o ON o.id = u.organisation_id
        """;

    public static string Normalise(string username) => username.Trim().ToLowerInvariant();

    public async Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            SelectUser + " WHERE u.username = @username",
            new { username = Normalise(username) },
            cancellationToken: cancellationToken));
    }

    public async Task<UserAccount?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            SelectUser + " WHERE u.id = @id",
            new { id },
            cancellationToken: cancellationToken));
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken));
    }

    /// <summary>Roles, effective permissions and device reach of an enabled user.</summary>
    public async Task<UserPrincipalData?> GetPrincipalAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetPrincipalAsync(connection, userId, cancellationToken);
    }

    internal static async Task<UserPrincipalData?> GetPrincipalAsync(DbConnection connection, long userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT u.id, u.username, u.display_name, u.organisation_id, o.name AS organisation_name, u.password_hash,
                   u.enabled, u.device_scope
            FROM users u JOIN organisations o ON o.id = u.organisation_id
            WHERE u.id = @userId;
            SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = @userId ORDER BY r.name;
            SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
            WHERE ur.user_id = @userId ORDER BY rp.permission;
            """;
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken));
        var user = await grid.ReadSingleOrDefaultAsync<UserAccount>();
        var roles = (await grid.ReadAsync<string>()).ToList();
        var permissions = (await grid.ReadAsync<string>()).ToList();
        if (user is null)
        {
            return null;
        }

        return new UserPrincipalData(user.Id, user.Username, user.DisplayName, user.OrganisationId, user.OrganisationName, roles, permissions, user.DeviceScope);
    }

    /// <summary>Creates or updates a role and replaces its permissions.</summary>
    public async Task<long> UpsertRoleAsync(Role role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        var unknown = role.Permissions.Where(p => !Permissions.All.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown permissions: {string.Join(", ", unknown)}", nameof(role));
        }

        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO roles (name, display_name, description, built_in, created_at)
                VALUES (@Name, @DisplayName, @Description, @BuiltIn, @now)
                ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, description = excluded.description
                RETURNING id
                """,
                new { role.Name, role.DisplayName, role.Description, role.BuiltIn, now = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM role_permissions WHERE role_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO role_permissions (role_id, permission) VALUES (@id, @permission)",
                role.Permissions.Distinct(StringComparer.Ordinal).Select(permission => new { id, permission }),
                transaction,
                cancellationToken: cancellationToken));
            return id;
        }, cancellationToken);
    }

    /// <summary>Creates a user with its roles and device grants in one transaction.</summary>
    public async Task<long> CreateAsync(NewUser user, PasswordHasher hasher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(hasher);
        var hash = hasher.Hash(user.Password);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO users (username, display_name, organisation_id, password_hash, enabled, device_scope,
                                   failed_logins, valid_until, created_at, updated_at)
                VALUES (@username, @DisplayName, @OrganisationId, @hash, @Enabled, @scope, 0, @ValidUntil, @now, @now)
                RETURNING id
                """,
                new { username = Normalise(user.Username), user.DisplayName, user.OrganisationId, hash, user.Enabled, scope = user.DeviceScope.ToString(), user.ValidUntil, now },
                transaction,
                cancellationToken: cancellationToken));

            foreach (var roleName in user.Roles)
            {
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO user_roles (user_id, role_id) SELECT @id, r.id FROM roles r WHERE r.name = @roleName",
                    new { id, roleName },
                    transaction,
                    cancellationToken: cancellationToken));
                if (inserted == 0)
                {
                    throw new ArgumentException($"Unknown role '{roleName}'.", nameof(user));
                }
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO user_device_organisations (user_id, organisation_id) VALUES (@id, @organisationId)",
                (user.DeviceOrganisationIds ?? []).Distinct().Select(organisationId => new { id, organisationId }),
                transaction,
                cancellationToken: cancellationToken));
            return id;
        }, cancellationToken);
    }

    public async Task SetEnabledAsync(long userId, bool enabled, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET enabled = @enabled, updated_at = @now WHERE id = @userId",
            new { userId, enabled, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Counts a failed sign-in; the attempt that reaches <paramref name="maxAttempts"/> locks the account until
    /// <paramref name="lockedUntil"/> and resets the count. One statement, so concurrent failures are all counted.
    /// </summary>
    /// <returns>The lock end if this failure locked the account.</returns>
    public async Task<DateTimeOffset?> RecordFailedLoginAsync(long userId, int maxAttempts, DateTimeOffset lockedUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var remaining = await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            """
            UPDATE users
            SET failed_logins = CASE WHEN failed_logins + 1 >= @maxAttempts THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= @maxAttempts THEN @lockedUntil ELSE locked_until END
            WHERE id = @userId
            RETURNING failed_logins
            """,
            new { userId, maxAttempts, lockedUntil },
            cancellationToken: cancellationToken));
        return remaining == 0 ? lockedUntil : null;
    }

    public async Task RecordSuccessfulLoginAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = @now WHERE id = @userId",
            new { userId, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The devices the user may see: all, or those of the granted organisations and their sub-organisations. An
    /// unknown user sees nothing.
    /// </summary>
    public async Task<DeviceScope> GetDeviceScopeAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var scope = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT device_scope FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
        if (scope is null)
        {
            return DeviceScope.None;
        }

        if (scope == nameof(DeviceReach.All))
        {
            return DeviceScope.All;
        }

        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            """
            WITH RECURSIVE reach (id) AS (
                SELECT organisation_id FROM user_device_organisations WHERE user_id = @userId
                UNION
                SELECT o.id FROM organisations o JOIN reach r ON o.parent_id = r.id
            )
            SELECT id FROM reach ORDER BY id
            """,
            new { userId },
            cancellationToken: cancellationToken));
        return DeviceScope.Organisations(ids);
    }
}

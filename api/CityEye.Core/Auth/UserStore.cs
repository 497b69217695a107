using System.Data.Common;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>Users, roles and their grants in the system of record. With <paramref name="integrity"/> (always in the
/// node) every change of a user's access-control information is sealed with HMAC-SM3 and every principal is checked.</summary>
public sealed class UserStore(Database database, TimeProvider time, AccessIntegrity? integrity = null)
{
    private const string SelectUser = """
        SELECT u.id, u.username, u.display_name, u.organisation_id, o.name AS organisation_name, u.password_hash,
               u.enabled, u.locked_until, u.valid_from, u.valid_until, u.last_login_at, u.password_changed_at,
               u.must_change_password, u.max_streams, u.phone, u.police_number,
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
        return await GetPrincipalAsync(connection, userId, integrity, cancellationToken);
    }

    /// <summary>
    /// The principal of a user; with <paramref name="integrity"/> the user and its roles are checked first: a user
    /// whose row does not match its seal has no principal, a role that does not match contributes nothing.
    /// </summary>
    internal static async Task<UserPrincipalData?> GetPrincipalAsync(DbConnection connection, long userId, AccessIntegrity? integrity, CancellationToken cancellationToken)
    {
        var check = integrity is null ? AccessCheck.Unchecked : await integrity.CheckAsync(connection, userId, cancellationToken);
        if (!check.UserIntact)
        {
            return null;
        }

        const string sql = """
            SELECT u.id, u.username, u.display_name, u.organisation_id, o.name AS organisation_name, u.password_hash,
                   u.enabled, u.must_change_password
            FROM users u JOIN organisations o ON o.id = u.organisation_id
            WHERE u.id = @userId;
            SELECT r.id, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = @userId AND r.enabled = @yes ORDER BY r.name;
            SELECT rp.role_id, rp.permission FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN role_permissions rp ON rp.role_id = r.id
            WHERE ur.user_id = @userId AND r.enabled = @yes AND r.kind = @function ORDER BY rp.permission;
            SELECT rs.role_id, rs.service FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN role_services rs ON rs.role_id = r.id
            WHERE ur.user_id = @userId AND r.enabled = @yes AND r.kind = @service ORDER BY rs.service;
            """;
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { userId, yes = true, function = RoleKinds.Function, service = RoleKinds.Service }, cancellationToken: cancellationToken));
        var user = await grid.ReadSingleOrDefaultAsync<UserAccount>();
        var roles = (await grid.ReadAsync<(long RoleId, string Name)>()).Where(r => !check.RefusedRoles.Contains(r.RoleId)).Select(r => r.Name).ToList();
        var permissions = (await grid.ReadAsync<(long RoleId, string Value)>()).Where(r => !check.RefusedRoles.Contains(r.RoleId)).Select(r => r.Value).Distinct().ToList();
        var services = (await grid.ReadAsync<(long RoleId, string Value)>()).Where(r => !check.RefusedRoles.Contains(r.RoleId)).Select(r => r.Value).Distinct().ToList();
        if (user is null)
        {
            return null;
        }

        return new UserPrincipalData(user.Id, user.Username, user.DisplayName, user.OrganisationId, user.OrganisationName, roles, permissions, services, user.MustChangePassword);
    }

    /// <summary>Creates a user with its roles in one transaction.</summary>
    public async Task<long> CreateAsync(NewUser user, PasswordHasher hasher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(hasher);
        return await CreateWithHashAsync(user, hasher.Hash(user.Password), cancellationToken);
    }

    /// <summary>Creates a user whose password was hashed already (on the hashing threads).</summary>
    public async Task<long> CreateWithHashAsync(NewUser user, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO users (username, display_name, organisation_id, password_hash, enabled, valid_from,
                                   valid_until, created_at, updated_at, password_changed_at, must_change_password,
                                   max_streams, phone, police_number)
                VALUES (@username, @DisplayName, @OrganisationId, @hash, @Enabled, @ValidFrom, @ValidUntil, @now, @now, @now,
                        @MustChangePassword, @MaxStreams, @Phone, @PoliceNumber)
                RETURNING id
                """,
                new { username = Normalise(user.Username), user.DisplayName, user.OrganisationId, hash, user.Enabled, user.ValidFrom, user.ValidUntil, now, user.MustChangePassword, user.MaxStreams, user.Phone, user.PoliceNumber },
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

            await SealAsync(connection, transaction, userId: id, cancellationToken);
            return id;
        }, cancellationToken);
    }

    /// <summary>Enables or disables a user; disabling ends every session of the user at once.</summary>
    /// <returns>False when there is no such user.</returns>
    public async Task<bool> SetEnabledAsync(long userId, bool enabled, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await RequireIntactAsync(connection, transaction, userId, cancellationToken);
            var now = time.GetUtcNow();
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET enabled = @enabled, updated_at = @now WHERE id = @userId",
                new { userId, enabled, now },
                transaction,
                cancellationToken: cancellationToken));
            if (!enabled)
            {
                await EndSessionsAsync(connection, transaction, userId, null, now, cancellationToken);
            }

            await SealAsync(connection, transaction, userId, cancellationToken);
            return changed == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// An administrator's lock (until <paramref name="until"/>, or until unlocked when null): the user cannot sign in
    /// and every session ends at once; API tokens stop working while it lasts.
    /// </summary>
    public async Task<bool> LockAsync(long userId, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET locked_until = @until, updated_at = @now WHERE id = @userId",
                new { userId, until = until ?? DateTimeOffset.MaxValue.AddYears(-1), now },
                transaction,
                cancellationToken: cancellationToken));
            await EndSessionsAsync(connection, transaction, userId, null, now, cancellationToken);
            return changed == 1;
        }, cancellationToken);
    }

    /// <summary>Lifts an administrator's lock.</summary>
    public async Task<bool> UnlockAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET locked_until = NULL, updated_at = @now WHERE id = @userId",
            new { userId, now = time.GetUtcNow() },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The current and earlier password hashes, newest first (for the password history rule).</summary>
    public async Task<IReadOnlyList<string>> PasswordHashesAsync(long userId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var hashes = await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            SELECT password_hash FROM (
                SELECT password_hash, 1 AS rank, 0 AS id FROM users WHERE id = @userId
                UNION ALL
                SELECT password_hash, 2 AS rank, id FROM password_history WHERE user_id = @userId
            ) h ORDER BY rank, id DESC LIMIT @take
            """,
            new { userId, take = Math.Max(take, 1) },
            cancellationToken: cancellationToken));
        return hashes.ToList();
    }

    /// <summary>
    /// Sets a new password hash, keeps the old one in the history, and ends the user's other sessions (all of them
    /// when <paramref name="keepSessionHash"/> is null). <paramref name="mustChange"/> forces a change at the next
    /// sign-in (an administrator's reset).
    /// </summary>
    public async Task SetPasswordAsync(long userId, string hash, bool mustChange, string? keepSessionHash, int historyToKeep, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await RequireIntactAsync(connection, transaction, userId, cancellationToken);
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO password_history (user_id, password_hash, changed_at) SELECT id, password_hash, @now FROM users WHERE id = @userId",
                new { userId, now },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM password_history WHERE user_id = @userId AND id NOT IN (
                    SELECT id FROM password_history WHERE user_id = @userId ORDER BY id DESC LIMIT @keep)
                """,
                new { userId, keep = Math.Max(historyToKeep, 1) },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET password_hash = @hash, password_changed_at = @now, must_change_password = @mustChange, updated_at = @now WHERE id = @userId",
                new { userId, hash, now, mustChange },
                transaction,
                cancellationToken: cancellationToken));
            await EndSessionsAsync(connection, transaction, userId, keepSessionHash, now, cancellationToken);
            await SealAsync(connection, transaction, userId, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Marks that the user must change the password before doing anything else (expired password).</summary>
    public async Task RequirePasswordChangeAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET must_change_password = @yes WHERE id = @userId",
            new { userId, yes = true },
            cancellationToken: cancellationToken));
    }

    /// <summary>Whether an enabled role of the user requires certificate sign-in (with the password).</summary>
    public async Task<bool> RequiresCertificateAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = @userId AND r.enabled = @yes AND r.require_certificate = @yes",
            new { userId, yes = true }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task RecordSuccessfulLoginAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET last_login_at = @now WHERE id = @userId",
            new { userId, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    private Task RequireIntactAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken cancellationToken) =>
        integrity?.RequireIntactAsync(connection, transaction, [userId], [], cancellationToken) ?? Task.CompletedTask;

    private Task SealAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken cancellationToken) =>
        integrity?.SealUsersAsync(connection, transaction, [userId], cancellationToken) ?? Task.CompletedTask;

    private static Task<int> EndSessionsAsync(DbConnection connection, DbTransaction transaction, long userId, string? keepSessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL AND id_hash <> @keep",
            new { userId, now, keep = keepSessionHash ?? string.Empty },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// The devices the user may see: the union of the device sets of the user's enabled device roles (organisations
    /// and business groups with everything below them, regions, single devices). No device role, no device.
    /// </summary>
    public async Task<DeviceScope> GetDeviceScopeAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var check = integrity is null ? AccessCheck.Unchecked : await integrity.CheckAsync(connection, userId, cancellationToken);
        if (!check.UserIntact)
        {
            return DeviceScope.None;
        }

        var grants = (await RoleStore.UserGrantsAsync(connection, userId, cancellationToken)).Where(g => !check.RefusedRoles.Contains(g.RoleId)).ToList();
        return grants.Count == 0 ? DeviceScope.None : (await DeviceGrantResolver.ResolveAsync(connection, database, grants.Select(g => g.Grant), cancellationToken)).Scope;
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CityEye.Core.Keys;
using CityEye.Core.Storage;
using CityEye.Crypto;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>A user or role whose stored access-control information does not match its HMAC-SM3.</summary>
/// <param name="Table">users or roles.</param>
/// <param name="Id">The row.</param>
/// <param name="Name">The user name or role name as stored now.</param>
/// <param name="Problem">macMismatch (changed outside CityEye) or unsealed (added outside CityEye).</param>
public sealed record IntegrityFinding(string Table, long Id, string Name, string Problem);

/// <summary>The result of checking every user and role.</summary>
public sealed record AccessIntegrityReport(DateTimeOffset CheckedAt, int Users, int Roles, IReadOnlyList<IntegrityFinding> Findings)
{
    public bool Intact => Findings.Count == 0;
}

/// <summary>A change of a user or role whose stored seal does not match: saving it would bless a change made outside
/// CityEye, so the write is refused (HTTP 409 <c>auth.integrityFailed</c>) until the row is reviewed.</summary>
public sealed class AccessIntegrityException(IntegrityFinding finding)
    : Exception($"{finding.Table} {finding.Id} \"{finding.Name}\" fails its integrity check ({finding.Problem}); it is not changed.")
{
    public IntegrityFinding Finding { get; } = finding;
}

/// <summary>What a principal check found: whether the user row is intact, and which of its roles are not.</summary>
public sealed record AccessCheck(bool UserIntact, IReadOnlySet<long> RefusedRoles)
{
    public static readonly AccessCheck Unchecked = new(true, new HashSet<long>());
}

/// <summary>
/// Integrity of access-control information (CR-3, GB/T 39786 level 3): each user row carries an HMAC-SM3 over its
/// name, unit, credential, state, validity, stream limit and role assignments, and each role over its name, kind,
/// state, permissions, device grants and services, under the key store's integrity key. CityEye's own writes re-seal
/// the rows they change in the same transaction; a row changed or added directly in the database no longer matches.
/// Whenever a principal is loaded the user and its roles are checked: a tampered user is refused, a tampered role
/// contributes nothing, and each finding goes to the security log.
/// </summary>
public sealed class AccessIntegrity(Database database, KeyStore keys, SecurityEventLog events, TimeProvider clock)
{
    private const string SealedSetting = "crypto.access-sealed";
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<(string Table, long Id, string? Mac), DateTimeOffset> _reported = new();

    /// <summary>On the first start with this feature, seals every existing user and role (they predate it); afterwards
    /// an unsealed row is a finding. Returns how many rows it sealed.</summary>
    public async Task<int> SealExistingOnceAsync(CancellationToken cancellationToken)
    {
        // The key first, outside the transaction: creating it takes a connection of its own.
        await KeyAsync(cancellationToken);
        var integrityKey = (await keys.ListAsync(cancellationToken)).Where(k => k.Purpose == KeyPurposes.Integrity).MinBy(k => k.Version);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM settings WHERE key = @key", new { key = SealedSetting }, transaction, cancellationToken: cancellationToken)) > 0)
            {
                return 0;
            }

            // Existing rows are sealed only by the start that made the integrity key: a marker deleted later (with the
            // seals of rows changed in the database) must not make the next start bless them.
            if (integrityKey is not null && clock.GetUtcNow() - integrityKey.CreatedAt > TimeSpan.FromMinutes(10))
            {
                await events.WriteAsync("integrity.accessControl", null, null, null,
                    $"the marker {SealedSetting} is missing although the integrity key exists since {integrityKey.CreatedAt:O}; unsealed rows stay findings", cancellationToken);
                return 0;
            }

            var users = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM users WHERE integrity_mac IS NULL", transaction: transaction, cancellationToken: cancellationToken))).ToList();
            var roles = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM roles WHERE integrity_mac IS NULL", transaction: transaction, cancellationToken: cancellationToken))).ToList();
            await SealUsersAsync(connection, transaction, users, cancellationToken);
            await SealRolesAsync(connection, transaction, roles, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (@key, @value, @now, 'system')",
                new { key = SealedSetting, value = $"{users.Count} users, {roles.Count} roles", now = clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            return users.Count + roles.Count;
        }, cancellationToken);
    }

    /// <summary>Recomputes and stores the seal of these users (after CityEye changed them).</summary>
    public async Task SealUsersAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<long> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var key = await KeyAsync(cancellationToken);
        var (users, roles) = await ReadUsersAsync(connection, transaction, ids, cancellationToken);
        foreach (var user in users)
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET integrity_mac = @mac WHERE id = @id",
                new { id = user.Id, mac = Mac(key, UserContent(user, roles[user.Id])) }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Recomputes and stores the seal of these roles (after CityEye changed them).</summary>
    public async Task SealRolesAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<long> roleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ids = roleIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var key = await KeyAsync(cancellationToken);
        foreach (var role in await ReadRolesAsync(connection, transaction, ids, cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE roles SET integrity_mac = @mac WHERE id = @id",
                new { id = role.Row.Id, mac = Mac(key, RoleContent(role)) }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// Refuses (throws <see cref="AccessIntegrityException"/>) when any of these users or roles no longer matches its
    /// seal; writes call it inside their transaction before changing the rows, so a routine change (enable, password
    /// reset, a role toggle) never re-seals, and so blesses, a change made in the database.
    /// </summary>
    public async Task RequireIntactAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<long> userIds, IEnumerable<long> roleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var key = await KeyAsync(cancellationToken);
        var users = userIds.Distinct().ToList();
        if (users.Count > 0)
        {
            var (rows, roles) = await ReadUsersAsync(connection, transaction, users, cancellationToken);
            foreach (var user in rows)
            {
                if (Problem(key, user.IntegrityMac, UserContent(user, roles[user.Id])) is { } problem)
                {
                    var finding = new IntegrityFinding("users", user.Id, user.Username, problem);
                    await ReportAsync([finding], "before a change", cancellationToken);
                    throw new AccessIntegrityException(finding);
                }
            }
        }

        var roleList = roleIds.Distinct().ToList();
        foreach (var role in await ReadRolesAsync(connection, transaction, roleList, cancellationToken))
        {
            if (Problem(key, role.Row.IntegrityMac, RoleContent(role)) is { } problem)
            {
                var finding = new IntegrityFinding("roles", role.Row.Id, role.Row.Name, problem);
                await ReportAsync([finding], "before a change", cancellationToken);
                throw new AccessIntegrityException(finding);
            }
        }
    }

    /// <summary>Whether a role matches its seal (a role without rows yet counts as intact).</summary>
    public async Task<bool> IsRoleIntactAsync(DbConnection connection, DbTransaction? transaction, long roleId, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        var roles = await ReadRolesAsync(connection, transaction, [roleId], cancellationToken);
        return roles.Count == 0 || Problem(key, roles[0].Row.IntegrityMac, RoleContent(roles[0])) is null;
    }

    /// <summary>Checks a user and its roles as a principal is loaded; reports what does not match.</summary>
    public async Task<AccessCheck> CheckAsync(DbConnection connection, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var key = await KeyAsync(cancellationToken);
        var (users, roleIds) = await ReadUsersAsync(connection, null, [userId], cancellationToken);
        if (users.Count == 0)
        {
            return AccessCheck.Unchecked;
        }

        var findings = new List<IntegrityFinding>();
        var user = users[0];
        if (Problem(key, user.IntegrityMac, UserContent(user, roleIds[userId])) is { } userProblem)
        {
            findings.Add(new IntegrityFinding("users", user.Id, user.Username, userProblem));
        }

        var refused = new HashSet<long>();
        foreach (var role in await ReadRolesAsync(connection, null, roleIds[userId], cancellationToken))
        {
            if (Problem(key, role.Row.IntegrityMac, RoleContent(role)) is { } roleProblem)
            {
                refused.Add(role.Row.Id);
                findings.Add(new IntegrityFinding("roles", role.Row.Id, role.Row.Name, roleProblem));
            }
        }

        await ReportAsync(findings, $"while loading user {user.Username}", cancellationToken);
        return new AccessCheck(findings.All(f => f.Table != "users"), refused);
    }

    /// <summary>Checks every user and role (the integrity report).</summary>
    public async Task<AccessIntegrityReport> ScanAsync(CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var userIds = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM users ORDER BY id", cancellationToken: cancellationToken))).ToList();
        var roleIds = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM roles ORDER BY id", cancellationToken: cancellationToken))).ToList();
        var findings = new List<IntegrityFinding>();
        foreach (var chunk in userIds.Chunk(500))
        {
            var (users, roles) = await ReadUsersAsync(connection, null, chunk, cancellationToken);
            findings.AddRange(users
                .Select(u => Problem(key, u.IntegrityMac, UserContent(u, roles[u.Id])) is { } p ? new IntegrityFinding("users", u.Id, u.Username, p) : null)
                .OfType<IntegrityFinding>());
        }

        foreach (var chunk in roleIds.Chunk(500))
        {
            findings.AddRange((await ReadRolesAsync(connection, null, chunk, cancellationToken))
                .Select(r => Problem(key, r.Row.IntegrityMac, RoleContent(r)) is { } p ? new IntegrityFinding("roles", r.Row.Id, r.Row.Name, p) : null)
                .OfType<IntegrityFinding>());
        }

        await ReportAsync(findings, "by the integrity check", cancellationToken);
        return new AccessIntegrityReport(clock.GetUtcNow(), userIds.Count, roleIds.Count, findings);
    }

    private async Task ReportAsync(IReadOnlyList<IntegrityFinding> findings, string context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var finding in findings)
        {
            var key = (finding.Table, finding.Id, (string?)finding.Problem);
            if (_reported.TryGetValue(key, out var last) && now - last < ReportEvery)
            {
                continue;
            }

            _reported[key] = now;
            await events.WriteAsync("integrity.accessControl", null, finding.Table == "users" ? finding.Id : null, null,
                $"{finding.Table} {finding.Id} \"{finding.Name}\": {(finding.Problem == "unsealed" ? "no HMAC-SM3 (added outside CityEye)" : "HMAC-SM3 mismatch (changed outside CityEye)")}, found {context}; refused",
                cancellationToken);
        }
    }

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken) => (await keys.ActiveAsync(KeyPurposes.Integrity, cancellationToken)).Material;

    private static string? Problem(byte[] key, string? stored, string content)
    {
        if (stored is null)
        {
            return "unsealed";
        }

        var expected = Encoding.ASCII.GetBytes(Mac(key, content));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(stored)) ? null : "macMismatch";
    }

    private static string Mac(byte[] key, string content) =>
        Convert.ToHexStringLower(Sm3Hash.Hmac(key, Encoding.UTF8.GetBytes("cityeye-access-v1\u001e" + content)));

    private static string Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string UserContent(UserRow u, IReadOnlyList<long> roleIds) => string.Join('\u001f',
        "user", u.Id.ToString(CultureInfo.InvariantCulture), u.Username, u.OrganisationId.ToString(CultureInfo.InvariantCulture), u.PasswordHash,
        u.Enabled ? "1" : "0", Time(u.ValidFrom), Time(u.ValidUntil), u.MaxStreams.ToString(CultureInfo.InvariantCulture),
        string.Join(',', roleIds.Order().Select(id => id.ToString(CultureInfo.InvariantCulture))));

    private static string RoleContent(RoleParts r) => string.Join('\u001f',
        "role", r.Row.Id.ToString(CultureInfo.InvariantCulture), r.Row.Name, r.Row.Kind, r.Row.Enabled ? "1" : "0",
        string.Join(',', r.Permissions.Order(StringComparer.Ordinal)),
        string.Join(',', r.Grants.Order(StringComparer.Ordinal)),
        string.Join(',', r.Services.Order(StringComparer.Ordinal)))
        // Added after the first seals: only when set, so the seals of roles without it stay as they were.
        + (r.Row.RequireCertificate ? "\u001frequire-certificate" : string.Empty);

    private async Task<(IReadOnlyList<UserRow> Users, IReadOnlyDictionary<long, IReadOnlyList<long>> Roles)> ReadUsersAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var users = (await connection.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT id, username, organisation_id, password_hash, enabled, valid_from, valid_until, max_streams, integrity_mac FROM users WHERE {database.InList("id", "ids")}",
            new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken))).ToList();
        var links = await connection.QueryAsync<(long UserId, long RoleId)>(new CommandDefinition(
            $"SELECT user_id, role_id FROM user_roles WHERE {database.InList("user_id", "ids")}", new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken));
        var byUser = links.ToLookup(l => l.UserId, l => l.RoleId);
        return (users, users.ToDictionary(u => u.Id, u => (IReadOnlyList<long>)[.. byUser[u.Id]]));
    }

    private async Task<IReadOnlyList<RoleParts>> ReadRolesAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var parameters = new { ids = ids.ToArray() };
        var roles = await connection.QueryAsync<RoleRow>(new CommandDefinition(
            $"SELECT id, name, kind, enabled, require_certificate, integrity_mac FROM roles WHERE {database.InList("id", "ids")}", parameters, transaction, cancellationToken: cancellationToken));
        var permissions = (await connection.QueryAsync<(long RoleId, string Value)>(new CommandDefinition(
            $"SELECT role_id, permission FROM role_permissions WHERE {database.InList("role_id", "ids")}", parameters, transaction, cancellationToken: cancellationToken))).ToLookup(p => p.RoleId, p => p.Value);
        var grants = (await connection.QueryAsync<(long RoleId, string Kind, string Value)>(new CommandDefinition(
            $"SELECT role_id, kind, value FROM role_device_grants WHERE {database.InList("role_id", "ids")}", parameters, transaction, cancellationToken: cancellationToken))).ToLookup(g => g.RoleId, g => g.Kind + "=" + g.Value);
        var services = (await connection.QueryAsync<(long RoleId, string Value)>(new CommandDefinition(
            $"SELECT role_id, service FROM role_services WHERE {database.InList("role_id", "ids")}", parameters, transaction, cancellationToken: cancellationToken))).ToLookup(s => s.RoleId, s => s.Value);
        return [.. roles.Select(r => new RoleParts(r, [.. permissions[r.Id]], [.. grants[r.Id]], [.. services[r.Id]]))];
    }

    private sealed record UserRow
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public long OrganisationId { get; init; }
        public string PasswordHash { get; init; } = "";
        public bool Enabled { get; init; }
        public DateTimeOffset? ValidFrom { get; init; }
        public DateTimeOffset? ValidUntil { get; init; }
        public int MaxStreams { get; init; }
        public string? IntegrityMac { get; init; }
    }

    private sealed record RoleRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public bool Enabled { get; init; }
        public bool RequireCertificate { get; init; }
        public string? IntegrityMac { get; init; }
    }

    private sealed record RoleParts(RoleRow Row, IReadOnlyList<string> Permissions, IReadOnlyList<string> Grants, IReadOnlyList<string> Services);
}

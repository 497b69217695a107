using CityEye.Core.Auth;
using CityEye.Core.Keys;
using CityEye.Core.Tests.Storage;
using Dapper;

namespace CityEye.Core.Tests.Keys;

/// <summary>HMAC-SM3 seals on users and roles (SQLite and PostgreSQL): CityEye's own changes stay valid, a row changed
/// or added in the database is refused where it is used and reported.</summary>
public sealed class AccessIntegrityTests
{
    private sealed record Setup(AccessIntegrity Integrity, UserStore Users, RoleStore Roles, SessionStore Sessions, SecurityEventLog Events, long Investigator, long Organisation);

    private static async Task<Setup> SetUpAsync(TestStore store, CancellationToken ct)
    {
        var keys = new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time);
        var events = new SecurityEventLog(store.Database, store.Time);
        var integrity = new AccessIntegrity(store.Database, keys, events, store.Time);
        await integrity.SealExistingOnceAsync(ct);
        var roles = new RoleStore(store.Database, store.Time, integrity);
        await BuiltInRoles.EnsureAsync(roles, ct);
        long organisation;
        await using (var connection = await store.Database.OpenConnectionAsync(ct))
        {
            organisation = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO organisations (code, name, kind, created_at) VALUES ('310118000000', '青浦分局', 'Bureau', @now) RETURNING id", new { now = store.Time.GetUtcNow() }, cancellationToken: ct));
        }

        var users = new UserStore(store.Database, store.Time, integrity);
        var investigator = await users.CreateWithHashAsync(new NewUser("zhang", "张三", organisation, "unused", [BuiltInRoles.Investigator, BuiltInRoles.AllDevices]), "hash-1", ct);
        return new Setup(integrity, users, roles, new SessionStore(store.Database, store.Time, integrity), events, investigator, organisation);
    }

    private static async Task ExecuteAsync(TestStore store, string sql, object? parameters, CancellationToken ct)
    {
        await using var connection = await store.Database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Changes_through_CityEye_stay_sealed(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var s = await SetUpAsync(store, ct);
        await s.Users.SetEnabledAsync(s.Investigator, false, ct);
        await s.Users.SetEnabledAsync(s.Investigator, true, ct);
        await s.Users.SetPasswordAsync(s.Investigator, "hash-2", false, null, 5, ct);
        var role = await s.Roles.FindIdAsync(BuiltInRoles.Investigator, ct);
        await s.Roles.SetEnabledAsync(role!.Value, true, ct);
        var directory = new UserDirectory(store.Database, store.Time, s.Users, s.Integrity);
        await directory.BatchRolesAsync([s.Investigator], [(await s.Roles.FindIdAsync(BuiltInRoles.Auditor, ct))!.Value], [], ct);

        var report = await s.Integrity.ScanAsync(ct);
        Assert.True(report.Intact, string.Join("; ", report.Findings));
        Assert.Equal(1, report.Users);
        Assert.Equal(BuiltInRoles.All.Count, report.Roles);
        var principal = await s.Users.GetPrincipalAsync(s.Investigator, ct);
        Assert.Contains(Permissions.AuditView, principal!.Permissions);
        Assert.True((await s.Users.GetDeviceScopeAsync(s.Investigator, ct)).IsAll);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_role_changed_in_the_database_grants_nothing_and_is_reported(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var s = await SetUpAsync(store, ct);
        var investigatorRole = (await s.Roles.FindIdAsync(BuiltInRoles.Investigator, ct))!.Value;

        // Someone with database access gives the investigator role user management.
        await ExecuteAsync(store, "INSERT INTO role_permissions (role_id, permission) VALUES (@id, @permission)", new { id = investigatorRole, permission = Permissions.UsersManage }, ct);
        var principal = await s.Users.GetPrincipalAsync(s.Investigator, ct);
        Assert.NotNull(principal);
        Assert.DoesNotContain(Permissions.UsersManage, principal.Permissions);
        Assert.DoesNotContain(Permissions.CapturesView, principal.Permissions);
        Assert.DoesNotContain(BuiltInRoles.Investigator, principal.Roles);
        Assert.Contains(BuiltInRoles.AllDevices, principal.Roles);

        var report = await s.Integrity.ScanAsync(ct);
        Assert.Equal([new IntegrityFinding("roles", investigatorRole, BuiltInRoles.Investigator, "macMismatch")], report.Findings);
        var events = await s.Events.RecentAsync(10, ct);
        Assert.Contains(events, e => e.Event == "integrity.accessControl" && e.Detail!.Contains("roles " + investigatorRole, StringComparison.Ordinal));

        // A device role widened in the database grants no devices any more.
        var allDevices = (await s.Roles.FindIdAsync(BuiltInRoles.AllDevices, ct))!.Value;
        await ExecuteAsync(store, "UPDATE roles SET enabled = @no WHERE id = @id", new { id = allDevices, no = false }, ct);
        await ExecuteAsync(store, "UPDATE roles SET enabled = @yes WHERE id = @id", new { id = allDevices, yes = true }, ct);
        Assert.True((await s.Users.GetDeviceScopeAsync(s.Investigator, ct)).IsAll);
        await ExecuteAsync(store, "INSERT INTO role_device_grants (role_id, kind, value) VALUES (@id, 'organisation', '999')", new { id = allDevices }, ct);
        Assert.True((await s.Users.GetDeviceScopeAsync(s.Investigator, ct)).IsEmpty);

        // A routine change (a toggle) of a tampered role is refused, so it cannot bless the change; an administrator's
        // full save of the role (the review: the editor shows and replaces every grant) seals it again.
        var refused = await Assert.ThrowsAsync<AccessIntegrityException>(() => s.Roles.SetEnabledAsync(investigatorRole, true, ct));
        Assert.Equal(("roles", investigatorRole), (refused.Finding.Table, refused.Finding.Id));
        var detail = (await s.Roles.GetAsync(investigatorRole, ct))!;
        await s.Roles.UpdateAsync(investigatorRole, new RoleDraft(detail.Role.Name, detail.Role.DisplayName, detail.Role.Description, detail.Role.Kind, true, detail.Permissions, detail.DeviceGrants, detail.Services), ct);
        Assert.Contains(Permissions.UsersManage, (await s.Users.GetPrincipalAsync(s.Investigator, ct))!.Permissions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_user_row_changed_or_added_in_the_database_has_no_principal(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var s = await SetUpAsync(store, ct);
        var session = await s.Sessions.CreateAsync(s.Investigator, TimeSpan.FromHours(1), "127.0.0.1", "test", null, 5, ct);
        Assert.NotNull(await s.Sessions.ValidateAsync(session, TimeSpan.FromMinutes(30), true, ct));

        // A password hash swapped in the database (to sign in as the user) ends the user's access at once.
        await ExecuteAsync(store, "UPDATE users SET password_hash = 'attacker-hash' WHERE id = @id", new { id = s.Investigator }, ct);
        Assert.Null(await s.Users.GetPrincipalAsync(s.Investigator, ct));
        Assert.Null(await s.Sessions.ValidateAsync(session, TimeSpan.FromMinutes(30), true, ct));
        Assert.True((await s.Users.GetDeviceScopeAsync(s.Investigator, ct)).IsEmpty);

        // A user inserted directly carries no seal.
        await ExecuteAsync(store, "INSERT INTO users (username, display_name, organisation_id, password_hash, enabled, created_at, updated_at) VALUES ('ghost', 'ghost', @organisation, 'x', @yes, @now, @now)",
            new { organisation = s.Organisation, yes = true, now = store.Time.GetUtcNow() }, ct);
        var findings = (await s.Integrity.ScanAsync(ct)).Findings;
        Assert.Contains(new IntegrityFinding("users", s.Investigator, "zhang", "macMismatch"), findings);
        Assert.Contains(findings, f => f.Name == "ghost" && f.Problem == "unsealed");

        // A password reset or an edit of the tampered user is refused rather than sealing the swapped hash.
        await Assert.ThrowsAsync<AccessIntegrityException>(() => s.Users.SetPasswordAsync(s.Investigator, "hash-3", false, null, 5, ct));
        await Assert.ThrowsAsync<AccessIntegrityException>(() => s.Users.SetEnabledAsync(s.Investigator, false, ct));
        var directory = new UserDirectory(store.Database, store.Time, s.Users, s.Integrity);
        await Assert.ThrowsAsync<AccessIntegrityException>(() => directory.BatchRolesAsync([s.Investigator], [], [], ct));

        // A role assignment removed in the database is a change of the user's seal too.
        var other = await s.Users.CreateWithHashAsync(new NewUser("li", "李四", s.Organisation, "unused", [BuiltInRoles.Investigator]), "hash-9", ct);
        Assert.NotNull(await s.Users.GetPrincipalAsync(other, ct));
        await ExecuteAsync(store, "DELETE FROM user_roles WHERE user_id = @id", new { id = other }, ct);
        Assert.Null(await s.Users.GetPrincipalAsync(other, ct));
    }
}

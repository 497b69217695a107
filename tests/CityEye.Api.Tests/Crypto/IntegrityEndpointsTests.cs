using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Crypto;

/// <summary>
/// Integrity of access-control data through the real node: a role or user changed directly in the database is refused
/// where it is used (no permission from the role; no sign-in or session for the user), named in the integrity report
/// and written to the security log; CityEye's own changes stay valid. Checkpoints of the log chain are signed on demand.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class IntegrityEndpointsTests(ApiFactory factory)
{
    private async Task ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await factory.Services.GetRequiredService<Database>().OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    [Fact]
    public async Task A_role_and_a_user_changed_in_the_database_are_refused_and_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var roles = factory.Services.GetRequiredService<RoleStore>();
        var users = factory.Services.GetRequiredService<UserStore>();
        var roleId = await roles.CreateAsync(new RoleDraft($"tamper-{suffix}", $"篡改测试{suffix}", "integrity test", RoleKinds.Function, true, [Permissions.DashboardView], [], []), ct);
        var bureau = (await factory.Services.GetRequiredService<UserDirectory>().OrganisationCodesAsync(ct)).Values.Min();
        var userId = await users.CreateAsync(new NewUser($"tamper{suffix}", "篡改测试用户", bureau, "Tamper#2026x", [$"tamper-{suffix}"]), new PasswordHasher(5000), ct);
        try
        {
            using var victim = await factory.SignInAsync($"tamper{suffix}", "Tamper#2026x", ct);
            Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync(Url("/api/dashboard/summary"), ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await victim.GetAsync(Url("/api/users"), ct)).StatusCode);

            // Someone with database access adds user management to the role: the role now grants nothing at all.
            await ExecuteAsync("INSERT INTO role_permissions (role_id, permission) VALUES (@roleId, @permission)", new { roleId, permission = Permissions.UsersManage }, ct);
            Assert.Equal(HttpStatusCode.Forbidden, (await victim.GetAsync(Url("/api/users"), ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await victim.GetAsync(Url("/api/dashboard/summary"), ct)).StatusCode);
            var me = await victim.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
            Assert.DoesNotContain(me.GetProperty("roles").EnumerateArray(), r => r.GetString() == $"tamper-{suffix}");

            using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
            var report = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/crypto/integrity"), ct);
            var access = report.GetProperty("accessControl");
            Assert.False(access.GetProperty("intact").GetBoolean());
            Assert.False(report.GetProperty("intact").GetBoolean());
            var finding = Assert.Single(access.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetInt64() == roleId && f.GetProperty("table").GetString() == "roles");
            Assert.Equal("macMismatch", finding.GetProperty("problem").GetString());
            Assert.True(access.GetProperty("users").GetInt32() >= 6);

            // A user row changed in the database: the session ends and a sign-in with the right password is refused with its own code.
            await ExecuteAsync("UPDATE users SET max_streams = 64 WHERE id = @userId", new { userId }, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, (await victim.GetAsync(Url("/api/auth/me"), ct)).StatusCode);
            using var anonymous = factory.CreateClient();
            using var login = await anonymous.PostAsJsonAsync(Url("/api/auth/login"), new { username = $"tamper{suffix}", password = "Tamper#2026x" }, ct);
            await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Forbidden, "auth.integrityFailed", ct);

            var events = await factory.Services.GetRequiredService<SecurityEventLog>().RecentAsync(200, ct);
            Assert.Contains(events, e => e.Event == "integrity.accessControl" && e.Detail!.Contains($"roles {roleId}", StringComparison.Ordinal));
            Assert.Contains(events, e => e.Event == "integrity.accessControl" && e.Detail!.Contains($"users {userId}", StringComparison.Ordinal));
            Assert.Contains(events, e => e.Event == "login.integrity" && e.UserId == userId);

            // The executables part: the test host runs from a folder no manifest covers (mode warn).
            Assert.Equal("unsigned", report.GetProperty("executables").GetProperty("state").GetString());
        }
        finally
        {
            await ExecuteAsync("DELETE FROM users WHERE id = @userId", new { userId }, ct);
            await ExecuteAsync("DELETE FROM roles WHERE id = @roleId", new { roleId }, ct);
        }

        using var admin = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        var clean = await admin.GetFromJsonAsync<JsonElement>(Url("/api/crypto/integrity"), ct);
        Assert.True(clean.GetProperty("accessControl").GetProperty("intact").GetBoolean(), clean.GetProperty("accessControl").ToString());
    }

    [Fact]
    public async Task Checkpoints_are_signed_on_demand_and_verify()
    {
        var ct = TestContext.Current.CancellationToken;
        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        await auditor.GetAsync(Url("/api/organisations"), ct);
        using var first = await auditor.PostAsync(Url("/api/crypto/integrity/checkpoint"), null, ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var checkpoint = await first.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(checkpoint.GetProperty("sequence").GetInt64() > 0);
        Assert.Equal(64, checkpoint.GetProperty("hash").GetString()!.Length);

        var report = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/crypto/integrity"), ct);
        var logs = report.GetProperty("logs");
        Assert.True(logs.GetProperty("intact").GetBoolean(), logs.ToString());
        Assert.True(logs.GetProperty("checkpoints").GetProperty("checked").GetInt32() >= 1);
        Assert.True(logs.GetProperty("checkpoints").GetProperty("latestSequence").GetInt64() >= checkpoint.GetProperty("sequence").GetInt64());

        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.GetAsync(Url("/api/crypto/integrity"), ct)).StatusCode);
    }
}

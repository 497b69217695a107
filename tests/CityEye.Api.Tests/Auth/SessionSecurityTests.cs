using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Organisations;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Auth;

/// <summary>CSRF defence, the password-change gate and scoped API tokens, over the real API.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class SessionSecurityTests(ApiFactory factory)
{
    private static readonly string[] UnknownScope = ["no.such.permission"];

    [Fact]
    public async Task CookieRequests_WithoutTheHeaderOrFromAnotherOrigin_Are403AndLogged_BearerIsExempt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("admin", "Admin#2026", ct);

        async Task<HttpResponseMessage> PostAsync(string path, Action<HttpRequestHeaders> headers, object? body = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = JsonContent.Create(body ?? new { }) };
            headers(request.Headers);
            return await client.SendAsync(request, ct);
        }

        client.DefaultRequestHeaders.Remove("X-CityEye-Request");
        using var noHeader = await PostAsync("/api/auth/tokens", _ => { }, new { name = "x" });
        using var otherPort = await PostAsync("/api/auth/tokens", h => { h.Add("X-CityEye-Request", "1"); h.Add("Origin", "http://localhost:5999"); }, new { name = "x" });
        using var sameSite = await PostAsync("/api/auth/tokens", h => { h.Add("X-CityEye-Request", "1"); h.Add("Sec-Fetch-Site", "same-site"); }, new { name = "x" });
        using var own = await PostAsync("/api/auth/tokens", h => { h.Add("X-CityEye-Request", "1"); h.Add("Sec-Fetch-Site", "same-origin"); h.Add("Origin", "http://localhost"); }, new { name = "csrf-test", scopes = new[] { Permissions.DashboardView, Permissions.ApiTokensManage } });

        foreach (var refused in new[] { noHeader, otherPort, sameSite })
        {
            Assert.Equal("auth.crossSiteRequest", (await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, ct)).GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal("no-store", own.Headers.CacheControl?.ToString());
        var secret = (await own.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
        var events = await factory.Services.GetRequiredService<SecurityEventLog>().RecentAsync(50, ct);
        Assert.Contains(events, e => e.Event == "request.cross-site" && e.Detail!.Contains("Origin http://localhost:5999", StringComparison.Ordinal));

        // A bearer token needs no CSRF header: it is not sent by browsers on their own.
        using var bearer = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        bearer.DefaultRequestHeaders.Remove("X-CityEye-Request");
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var child = await bearer.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "child", expiresInDays = 30, scopes = new[] { Permissions.DashboardView } }, ct);
        Assert.Equal(HttpStatusCode.Created, child.StatusCode);
    }

    [Fact]
    public async Task ApiTokens_CarryOnlyTheirScopes_CannotWidenThemOrOutliveTheirParent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var created = await admin.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "scoped", expiresInDays = 10, scopes = new[] { Permissions.ApiTokensManage, Permissions.OrganisationsView } }, ct);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
        using var bearer = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        using var allowed = await bearer.GetAsync(Url("/api/organisations"), ct);
        using var outside = await bearer.GetAsync(Url("/api/dashboard/summary"), ct);
        using var widen = await bearer.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "wider", expiresInDays = 5, scopes = new[] { Permissions.UsersManage } }, ct);
        using var outlive = await bearer.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "longer", expiresInDays = 30, scopes = new[] { Permissions.OrganisationsView } }, ct);
        using var unknown = await admin.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "bad", scopes = UnknownScope }, ct);
        var mine = await bearer.GetFromJsonAsync<JsonElement>(Url("/api/auth/tokens"), ct);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await ProblemAssert.IsProblemAsync(outside, HttpStatusCode.Forbidden, ct);
        Assert.Equal("token.scopeNotHeld", (await ProblemAssert.IsProblemAsync(widen, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal("token.outlivesParent", (await ProblemAssert.IsProblemAsync(outlive, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal("field.unknownValue", (await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        // The token sees only itself among its user's many tokens.
        Assert.Single(mine.EnumerateArray());
    }

    [Fact]
    public async Task PasswordReset_ForcesAChangeBeforeAnythingElse_AndEndsTheUsersSessions()
    {
        var ct = TestContext.Current.CancellationToken;
        var users = factory.Services.GetRequiredService<UserStore>();
        var bureau = (await factory.Services.GetRequiredService<OrganisationStore>().FindByCodeAsync("310118000000", ct))!.Id;
        var id = await users.CreateAsync(new NewUser("resetme", "重置测试", bureau, "Before#2026", [BuiltInRoles.Investigator]), factory.Services.GetRequiredService<PasswordHasher>(), ct);
        using var user = await factory.SignInAsync("resetme", "Before#2026", ct);
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);

        using var weak = await admin.PostAsJsonAsync(Url($"/api/users/{id}/password-reset"), new { newPassword = "short" }, ct);
        using var reset = await admin.PostAsJsonAsync(Url($"/api/users/{id}/password-reset"), new { newPassword = "Reset#20261" }, ct);
        using var oldSession = await user.GetAsync(Url("/api/auth/me"), ct);
        using var again = await factory.SignInAsync("resetme", "Reset#20261", ct);
        using var gated = await again.GetAsync(Url("/api/dashboard/summary"), ct);
        var me = await again.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
        using var reused = await again.PostAsJsonAsync(Url("/api/auth/password"), new { currentPassword = "Reset#20261", newPassword = "Reset#20261" }, ct);
        using var changed = await again.PostAsJsonAsync(Url("/api/auth/password"), new { currentPassword = "Reset#20261", newPassword = "After#20262" }, ct);
        using var open = await again.GetAsync(Url("/api/dashboard/summary"), ct);

        Assert.Equal("password.tooShort", (await ProblemAssert.IsProblemAsync(weak, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await ProblemAssert.IsProblemAsync(oldSession, HttpStatusCode.Unauthorized, ct);
        Assert.Equal("auth.passwordChangeRequired", (await ProblemAssert.IsProblemAsync(gated, HttpStatusCode.Forbidden, ct)).GetProperty("code").GetString());
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());
        Assert.Equal("password.reused", (await ProblemAssert.IsProblemAsync(reused, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("mustChangePassword").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task AdministratorLock_EndsSessions_RefusesPastTimesAndOneself()
    {
        var ct = TestContext.Current.CancellationToken;
        var users = factory.Services.GetRequiredService<UserStore>();
        var bureau = (await factory.Services.GetRequiredService<OrganisationStore>().FindByCodeAsync("310118000000", ct))!.Id;
        var id = await users.CreateAsync(new NewUser("lockedout", "锁定", bureau, "Locked#2026", [BuiltInRoles.Investigator]), factory.Services.GetRequiredService<PasswordHasher>(), ct);
        using var user = await factory.SignInAsync("lockedout", "Locked#2026", ct);
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var adminId = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct)).GetProperty("id").GetInt64();

        using var past = await admin.PostAsJsonAsync(Url($"/api/users/{id}/lock"), new { until = TimeProvider.System.GetUtcNow().AddMinutes(-1) }, ct);
        using var self = await admin.PostAsJsonAsync(Url($"/api/users/{adminId}/lock"), new { until = (DateTimeOffset?)null }, ct);
        using var locked = await admin.PostAsJsonAsync(Url($"/api/users/{id}/lock"), new { until = (DateTimeOffset?)null }, ct);
        using var session = await user.GetAsync(Url("/api/auth/me"), ct);
        using var client = factory.CreateClient();
        using var login = await client.PostAsJsonAsync(Url("/api/auth/login"), new { username = "lockedout", password = "Locked#2026" }, ct);

        Assert.Equal("field.notInFuture", (await ProblemAssert.IsProblemAsync(past, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal("user.self", (await ProblemAssert.IsProblemAsync(self, HttpStatusCode.Conflict, ct)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        await ProblemAssert.IsProblemAsync(session, HttpStatusCode.Unauthorized, ct);
        Assert.Equal("auth.invalidCredentials", (await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Unauthorized, ct)).GetProperty("code").GetString());
    }
}

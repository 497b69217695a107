using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Devices;
using CityEye.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Logs;

[Collection(ApiFixtureGroup.Name)]
public sealed class LogEndpointsTests(ApiFactory factory)
{
    private static readonly string[] DevicesScope = ["devices.view"];

    [Fact]
    public async Task EveryApiCall_IsLogged_WithWhoWhatAndHow_SearchableExportedAndChained()
    {
        var ct = TestContext.Current.CancellationToken;
        var since = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(-1);
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var marker = "logtest" + Guid.NewGuid().ToString("N")[..8];
        (await admin.GetAsync(Url($"/api/devices/search?q={marker}"), ct)).Dispose();
        var hit = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=zjj&pageSize=1"), ct)).GetProperty("items")[0].GetProperty("id").GetInt64();
        (await admin.GetAsync(Url($"/api/devices/{hit}"), ct)).Dispose();

        // The SPA's background header skips only its badge polls; on any other request it changes nothing.
        var hiddenMarker = "bgpoll" + Guid.NewGuid().ToString("N")[..8];
        using (var hidden = new HttpRequestMessage(HttpMethod.Get, Url($"/api/devices/search?q={hiddenMarker}")))
        {
            hidden.Headers.Add("X-CityEye-Background", "1");
            (await admin.SendAsync(hidden, ct)).Dispose();
        }

        // An external system's call is a service call; a refused cross-site write is logged too.
        using var created = await admin.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "日志测试系统", expiresInDays = 1, scopes = DevicesScope }, ct);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString();
        using var external = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        external.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await external.GetAsync(Url($"/api/devices/search?q={marker}ext"), ct)).Dispose();
        using var forged = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        forged.DefaultRequestHeaders.Remove("X-CityEye-Request");
        using (var crossSite = await forged.PostAsJsonAsync(Url("/api/devices"), new { fields = new { } }, ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.GetAsync(Url("/api/logs/operations"), ct)).StatusCode);

        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        var verify = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/logs/verify"), ct); // drains the journal first
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("checked").GetInt64() >= 5);

        var search = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?kind=operation&user=admin&module=devices&from={Uri.EscapeDataString(since.ToString("O"))}&text={marker}"), ct);
        var entry = Assert.Single(search.GetProperty("items").EnumerateArray());
        Assert.Equal(("operation", "admin", "上海市公安局青浦分局", "devices", "search", 200), (entry.GetProperty("kind").GetString(), entry.GetProperty("username").GetString(), entry.GetProperty("organisationName").GetString(), entry.GetProperty("module").GetString(), entry.GetProperty("operation").GetString(), entry.GetProperty("status").GetInt32()));
        Assert.Equal($"/api/devices/search?q={marker}", entry.GetProperty("path").GetString());
        Assert.Equal(64, entry.GetProperty("hash").GetString()!.Length);

        Assert.Equal(1, (await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?text={hiddenMarker}"), ct)).GetProperty("total").GetInt64());

        var viewed = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?user=admin&device={hit}"), ct);
        Assert.Contains(viewed.GetProperty("items").EnumerateArray(), e => e.GetProperty("path").GetString() == $"/api/devices/{hit}");

        var call = Assert.Single((await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?kind=serviceCall&text={marker}ext"), ct)).GetProperty("items").EnumerateArray());
        Assert.StartsWith("日志测试系统 (token ", call.GetProperty("systemName").GetString(), StringComparison.Ordinal);
        Assert.Equal(("Devices_Search", "Devices"), (call.GetProperty("serviceName").GetString(), call.GetProperty("serviceCategory").GetString()));

        var refused = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?status=403&from={Uri.EscapeDataString(since.ToString("O"))}"), ct);
        Assert.Contains(refused.GetProperty("items").EnumerateArray(), e => e.GetProperty("path").GetString() == "/api/devices" && e.GetProperty("method").GetString() == "POST" && e.GetProperty("username").GetString() == "clerk");
        Assert.Contains(refused.GetProperty("items").EnumerateArray(), e => e.GetProperty("path").GetString() == "/api/logs/operations" && e.GetProperty("username").GetString() == "investigator");
        var security = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?kind=security&from={Uri.EscapeDataString(since.ToString("O"))}&pageSize=200"), ct);
        Assert.Contains(security.GetProperty("items").EnumerateArray(), e => e.GetProperty("operation").GetString() == "token.created" && e.GetProperty("username").GetString() == "admin");
        Assert.Contains(security.GetProperty("items").EnumerateArray(), e => e.GetProperty("operation").GetString() == "request.cross-site");

        // Bad filters are 400 naming the field; only holders of audit.view read the log.
        using var badStatus = await auditor.GetAsync(Url("/api/logs/operations?status=99"), ct);
        Assert.Equal("status", (await ProblemAssert.IsProblemAsync(badStatus, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("field").GetString());
        using var badRange = await auditor.GetAsync(Url("/api/logs/operations?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z"), ct);
        await ProblemAssert.IsProblemAsync(badRange, HttpStatusCode.BadRequest, ct);
        using var badTime = await auditor.GetAsync(Url("/api/logs/operations?from=yesterday"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);
        Assert.Equal(0, (await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?user={Uri.EscapeDataString("admin' OR '1'='1")}"), ct)).GetProperty("total").GetInt64());
        var sheet = TransferEndpointsTests.ReadXlsx(await auditor.GetByteArrayAsync(Url($"/api/logs/operations.xlsx?kind=operation&user=admin&text={marker}"), ct));
        var address = Array.IndexOf(sheet[0].Cells, "调用地址");
        Assert.True(address > 0, string.Join(",", sheet[0].Cells));
        Assert.Equal($"/api/devices/search?q={marker}", Assert.Single(sheet.Skip(1)).Cells[address]);
        Assert.Equal("系统管理员", Assert.Single(sheet.Skip(1)).Cells[Array.IndexOf(sheet[0].Cells, "用户姓名")]);
    }
}

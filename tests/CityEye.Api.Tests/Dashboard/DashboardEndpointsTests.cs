using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Dashboard;

[Collection(ApiFixtureGroup.Name)]
public sealed class DashboardEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Summary_Administrator_SeesTheWholeDemoDistrictInTheTenderMix()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("admin", "Admin#2026", ct);

        var summary = await client.GetFromJsonAsync<JsonElement>(Url("/api/dashboard/summary"), ct);

        Assert.Equal(16_231, summary.GetProperty("totalDevices").GetInt32());
        var byType = summary.GetProperty("byType").EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!, t => t.GetProperty("count").GetInt32());
        Assert.Equal(
            new Dictionary<string, int> { ["smartBullet"] = 9_057, ["hdBullet"] = 3_909, ["hdDome"] = 3_108, ["highPoint"] = 51, ["drone"] = 6, ["wirelessEmergency"] = 20, ["vehicleMounted"] = 80 },
            byType);
        var online = summary.GetProperty("onlineDevices").GetInt32();
        Assert.Equal(16_231, online + summary.GetProperty("offlineDevices").GetInt32() + summary.GetProperty("faultDevices").GetInt32());
        Assert.Equal(Math.Round(online / 16_231.0, 4), summary.GetProperty("onlineRate").GetDouble());
        Assert.InRange(summary.GetProperty("onlineRate").GetDouble(), 0.85, 0.99);
        Assert.Equal(16_231, summary.GetProperty("byStation").EnumerateArray().Sum(s => s.GetProperty("count").GetInt32()));
        Assert.False(summary.GetProperty("seeding").GetBoolean());
    }

    [Fact]
    public async Task Summary_StationUser_SeesOnlyTheStationsDevices()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("station", "Station#2026", ct);

        var summary = await client.GetFromJsonAsync<JsonElement>(Url("/api/dashboard/summary"), ct);
        var organisations = await client.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct);

        var station = Assert.Single(summary.GetProperty("byStation").EnumerateArray());
        Assert.Equal("夏阳派出所", station.GetProperty("name").GetString());
        var total = summary.GetProperty("totalDevices").GetInt32();
        Assert.InRange(total, 100, 16_000);
        Assert.Equal(total, station.GetProperty("count").GetInt32());
        Assert.Equal(total, organisations.EnumerateArray().Sum(o => o.GetProperty("deviceCount").GetInt32()));
    }

    [Fact]
    public async Task Organisations_Administrator_ListsTheTreeWithCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("admin", "Admin#2026", ct);

        var organisations = (await client.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray().ToList();

        var bureau = Assert.Single(organisations, o => o.GetProperty("parentId").ValueKind == JsonValueKind.Null);
        Assert.Equal("bureau", bureau.GetProperty("kind").GetString());
        Assert.Equal(organisations[0].GetProperty("id").GetInt64(), bureau.GetProperty("id").GetInt64());
        Assert.Contains(organisations, o => o.GetProperty("kind").GetString() == "traffic");
        Assert.Contains(organisations, o => o.GetProperty("kind").GetString() == "fire");
        Assert.True(organisations.Count(o => o.GetProperty("kind").GetString() == "station") >= 11);
        Assert.Equal(16_231, organisations.Sum(o => o.GetProperty("deviceCount").GetInt32()));
    }

    [Theory]
    [InlineData("station", "Station#2026", "/api/jobs")]
    [InlineData("investigator", "Investigator#2026", "/api/auth/events")]
    [InlineData("auditor", "Auditor#2026", "/api/auth/tokens")]
    public async Task Endpoint_WithoutItsPermission_Returns403Problem(string username, string password, string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync(username, password, ct);

        using var response = await client.GetAsync(Url(path), ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ct);
    }

    [Fact]
    public async Task Summary_Anonymous_Returns401Problem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(Url("/api/dashboard/summary"), ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ct);
    }
}

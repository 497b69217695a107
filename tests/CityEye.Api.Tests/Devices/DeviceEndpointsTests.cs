using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Domain;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class DeviceEndpointsTests(ApiFactory factory)
{
    private static readonly double[] ZhujiajiaoBox = [121.04, 31.10, 121.06, 31.115];
    private static readonly double[] ZhujiajiaoCircle = [121.05, 31.1075, 500.0];
    private static readonly double[] OffEarthBox = [121.0, 31.0, 121.2, 95.0];

    [Fact]
    public async Task Search_Initials_FindsTheDemoDevicesWithHighlightsAndFacets()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);

        var result = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=zjj%20fsq&pageSize=50"), ct);

        var items = result.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.Equal(items.Count, result.GetProperty("total").GetInt32());
        Assert.All(items, i => Assert.Contains("放生桥", i.GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.All(items, i => Assert.StartsWith("朱家角", i.GetProperty("name").GetString(), StringComparison.Ordinal));
        var first = items[0];
        var name = first.GetProperty("name").GetString()!;
        var spans = first.GetProperty("nameHighlights").EnumerateArray().Select(s => name.Substring(s.GetProperty("start").GetInt32(), s.GetProperty("length").GetInt32())).ToList();
        Assert.Equal(["朱家角", "放生桥"], spans);
        Assert.Equal(20, first.GetProperty("gbCode").GetString()!.Length);
        Assert.False(string.IsNullOrEmpty(first.GetProperty("keyboardCode").GetString()));
        var types = result.GetProperty("facets").GetProperty("type").EnumerateArray().ToList();
        Assert.Equal(items.Count, types.Sum(t => t.GetProperty("count").GetInt32()));
        Assert.All(types, t => Assert.NotEqual(t.GetProperty("value").GetString(), t.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task Search_Polyphone_IsFoundByEveryReading()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);

        var cg = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=cgz&region=%E9%87%8D%E5%9B%BA%E9%95%87&pageSize=5"), ct);
        var zg = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=zgz&region=%E9%87%8D%E5%9B%BA%E9%95%87&pageSize=5"), ct);

        Assert.True(cg.GetProperty("total").GetInt32() > 10);
        Assert.Equal(cg.GetProperty("total").GetInt32(), zg.GetProperty("total").GetInt32());
        Assert.All(cg.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("重固镇", i.GetProperty("name").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_StationUser_SeesOnlyTheStationsDevicesWhateverTheFilters()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("station", "Station#2026", ct);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        var organisations = (await client.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray().ToList();
        var station = organisations.Single(o => o.GetProperty("name").GetString() == "夏阳派出所");
        var other = organisations.Single(o => o.GetProperty("name").GetString() == "朱家角派出所");

        var all = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=200"), ct);
        var asked = await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?organisationId={other.GetProperty("id").GetInt64()}"), ct);
        var map = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/map"), ct);

        Assert.Equal(station.GetProperty("deviceCount").GetInt32(), all.GetProperty("total").GetInt32());
        Assert.All(all.GetProperty("items").EnumerateArray(), i => Assert.Equal(station.GetProperty("id").GetInt64(), i.GetProperty("organisationId").GetInt64()));
        Assert.Equal(0, asked.GetProperty("total").GetInt32());
        Assert.Equal(station.GetProperty("deviceCount").GetInt32(), map.GetProperty("ids").GetArrayLength());
        var insider = all.GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url($"/api/devices/{insider}"), ct)).StatusCode);

        // Another station's device exists (the administrator sees it), but not for this user, on any path.
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var foreign = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?organisationId={other.GetProperty("id").GetInt64()}&pageSize=1"), ct)).GetProperty("items")[0];
        var foreignId = foreign.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Url($"/api/devices/{foreignId}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url($"/api/devices/{foreignId}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url($"/api/devices/{foreignId}/versions"), ct)).StatusCode);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?q={foreign.GetProperty("gbCode").GetString()}"), ct)).GetProperty("total").GetInt32());
        var exported = TransferEndpointsTests.ReadXlsx(await client.GetByteArrayAsync(Url($"/api/devices/export?q={foreign.GetProperty("gbCode").GetString()}"), ct));
        Assert.Single(exported);
    }

    [Theory]
    [InlineData("\"qp AND (华新")]
    [InlineData("name:青浦* OR ~x^2 [a TO z]")]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("<script>alert(1)</script>")]
    public async Task Search_QuerySyntaxAndInjection_AreJustText(string q)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);

        using var response = await client.GetAsync(Url("/api/devices/search?q=" + Uri.EscapeDataString(q)), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Search_TooLongQueryOrTooDeepPage_IsA400WithACode()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);

        using var longQuery = await client.GetAsync(Url("/api/devices/search?q=" + new string('青', 10_000)), ct);
        using var deep = await client.GetAsync(Url("/api/devices/search?page=100&pageSize=200"), ct);
        using var keywords = await client.GetAsync(Url("/api/devices/search?q=" + Uri.EscapeDataString("a b c d e f g h i")), ct);

        var problem = await ProblemAssert.IsProblemAsync(longQuery, HttpStatusCode.BadRequest, ct);
        var violation = problem.GetProperty("violations")[0];
        Assert.Equal("q", violation.GetProperty("field").GetString());
        Assert.Equal("search.queryTooLong", violation.GetProperty("code").GetString());
        Assert.Equal("search.pageTooDeep", (await ProblemAssert.IsProblemAsync(deep, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal("search.tooManyKeywords", (await ProblemAssert.IsProblemAsync(keywords, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Crud_CreateEditDelete_WritesVersionsChecksRulesAndFollowsInSearch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        var fields = await NewDeviceFieldsAsync(client, 990_001, ct);

        // Every blocking rule speaks per field, with the rule and a translatable code; nothing is written.
        var bad = new Dictionary<string, string?>(fields) { ["gbCode"] = "31011801001310990001", ["longitude"] = "120.5", ["keyboardCode"] = "12ab", ["installedOn"] = "2099-01-01", ["colour"] = "red" };
        using var refused = await client.PostAsJsonAsync(Url("/api/devices"), new { fields = bad }, ct);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ct);
        var violations = problem.GetProperty("violations").EnumerateArray().Select(v => (Field: v.GetProperty("field").GetString(), Code: v.GetProperty("code").GetString())).ToList();
        Assert.Contains(("fields.gbCode", "device.gbTypeMismatch"), violations);
        Assert.Contains(("fields.longitude", "device.outsideDistrict"), violations);
        Assert.Contains(("fields.keyboardCode", "field.format"), violations);
        Assert.Contains(("fields.installedOn", "field.format"), violations);
        Assert.Contains(("fields.colour", "field.unknown"), violations);

        using var created = await client.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var file = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = file.GetProperty("id").GetInt64();
        Assert.Equal(1, file.GetProperty("version").GetInt32());
        Assert.Equal("夏阳派出所", file.GetProperty("organisationName").GetString());

        // The same GB code again is refused by the uniqueness rule.
        using var duplicate = await client.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
        Assert.Contains((await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray(),
            v => v.GetProperty("field").GetString() == "fields.gbCode" && v.GetProperty("code").GetString() == "field.unique");

        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        Assert.Equal(id, (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=csxjd"), ct)).GetProperty("items")[0].GetProperty("id").GetInt64());

        var edited = new Dictionary<string, string?>(fields) { ["name"] = "测试重命名点位_高清枪机", ["maintainer"] = null };
        using var update = await client.PutAsJsonAsync(Url($"/api/devices/{id}"), new { version = 1, fields = edited }, ct);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(2, (await update.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("version").GetInt32());

        // A second edit based on the old version is refused: optimistic concurrency.
        using var stale = await client.PutAsJsonAsync(Url($"/api/devices/{id}"), new { version = 1, fields }, ct);
        var conflict = await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict, ct);
        Assert.Equal("device.stale", conflict.GetProperty("code").GetString());
        Assert.Equal(2, conflict.GetProperty("args").GetProperty("version").GetInt32());

        var versions = (await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}/versions"), ct)).EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("clerk", versions[0].GetProperty("changedBy").GetString());
        Assert.Equal("ui", versions[0].GetProperty("source").GetString());
        var changes = versions[0].GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!, c => (c.GetProperty("before").GetString(), c.GetProperty("after").GetString()));
        Assert.Equal(2, changes.Count);
        Assert.Equal(("测试新建点位_智能枪机", "测试重命名点位_高清枪机"), changes["name"]);
        Assert.Equal(("上海青浦智能安防工程有限公司", null), changes["maintainer"]);

        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=csxjd"), ct)).GetProperty("total").GetInt32());
        Assert.Equal(id, (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=cscmm"), ct)).GetProperty("items")[0].GetProperty("id").GetInt64());

        using var staleDelete = await client.DeleteAsync(Url($"/api/devices/{id}?version=1"), ct);
        Assert.Equal(HttpStatusCode.Conflict, staleDelete.StatusCode);
        using var delete = await client.DeleteAsync(Url($"/api/devices/{id}?version=2"), ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url($"/api/devices/{id}"), ct)).StatusCode);
        Assert.Equal("deleted", (await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}/versions"), ct))[0].GetProperty("action").GetString());
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=cscmm"), ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Rules_AreDataThatAnAdministratorChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        var rules = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/rules"), ct)).EnumerateArray().ToList();
        var rule = rules.Single(r => r.GetProperty("id").GetString() == "maintainer.required");
        Assert.False(rule.GetProperty("blocking").GetBoolean());
        var fields = await NewDeviceFieldsAsync(admin, 990_101, ct);
        fields["name"] = "规则测试点位_智能枪机";
        fields["maintainer"] = null;

        using var forbidden = await investigator.PutAsJsonAsync(Url("/api/archive/rules/maintainer.required"), new { enabled = true, blocking = true, description = "x" }, ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var badParameters = await admin.PutAsJsonAsync(Url("/api/archive/rules/name.length"), new { enabled = true, blocking = true, parameters = "{\"max\":-1}", description = "x" }, ct);
        Assert.Equal("rule.parameters", (await ProblemAssert.IsProblemAsync(badParameters, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());

        using var blocking = await admin.PutAsJsonAsync(Url("/api/archive/rules/maintainer.required"), new { enabled = true, blocking = true, description = "维护单位必填" }, ct);
        Assert.Equal(HttpStatusCode.OK, blocking.StatusCode);
        try
        {
            using var refused = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
            var violation = (await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0];
            Assert.Equal("fields.maintainer", violation.GetProperty("field").GetString());
            Assert.Equal("field.required", violation.GetProperty("code").GetString());
            Assert.Equal("maintainer.required", violation.GetProperty("args").GetProperty("rule").GetString());
        }
        finally
        {
            using var _ = await admin.PutAsJsonAsync(Url("/api/archive/rules/maintainer.required"), new { enabled = true, blocking = false, description = rule.GetProperty("description").GetString() }, ct);
        }

        using var accepted = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        // With the keyboard-code rule switched off the store's own constraint still holds: a 400 naming the field.
        using var off = await admin.PutAsJsonAsync(Url("/api/archive/rules/keyboardCode.unique"), new { enabled = false, blocking = true, parameters = "{\"fields\":[\"keyboardCode\"]}", description = "键盘码全局唯一" }, ct);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        try
        {
            var twin = await NewDeviceFieldsAsync(admin, 990_102, ct);
            twin["keyboardCode"] = fields["keyboardCode"];
            using var clash = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields = twin }, ct);
            var unique = (await ProblemAssert.IsProblemAsync(clash, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0];
            Assert.Equal(("fields.keyboardCode", "field.unique"), (unique.GetProperty("field").GetString(), unique.GetProperty("code").GetString()));
        }
        finally
        {
            using var on = await admin.PutAsJsonAsync(Url("/api/archive/rules/keyboardCode.unique"), new { enabled = true, blocking = true, parameters = "{\"fields\":[\"keyboardCode\"]}", description = "键盘码全局唯一" }, ct);
        }

        // Leave the district as other tests expect it (16,231 devices).
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/devices/{id}?version=1"), ct)).StatusCode);
    }

    [Fact]
    public async Task Trees_CountDevicesWithTheirDescendants()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        var summary = await client.GetFromJsonAsync<JsonElement>(Url("/api/dashboard/summary"), ct);
        var total = summary.GetProperty("totalDevices").GetInt32();

        foreach (var tree in new[] { "business-groups", "regions", "organisations" })
        {
            var nodes = (await client.GetFromJsonAsync<JsonElement>(Url($"/api/archive/trees/{tree}"), ct)).EnumerateArray().ToList();
            var root = Assert.Single(nodes, n => n.GetProperty("parentKey").ValueKind == JsonValueKind.Null);
            Assert.Equal(total, root.GetProperty("totalCount").GetInt32());
            Assert.Equal(total, nodes.Sum(n => n.GetProperty("directCount").GetInt32()));
        }

        var groups = (await client.GetFromJsonAsync<JsonElement>(Url("/api/archive/trees/business-groups"), ct)).EnumerateArray().ToList();
        var publicOrder = groups.Single(g => g.GetProperty("name").GetString() == "社会治安监控");
        Assert.Equal(0, publicOrder.GetProperty("directCount").GetInt32());
        var byGroup = await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?businessGroupId={publicOrder.GetProperty("key").GetString()}&pageSize=1"), ct);
        Assert.Equal(publicOrder.GetProperty("totalCount").GetInt32(), byGroup.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Select_ShapesOnTheMap_AreDecidedOnTheServer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);

        using var rectangle = await client.PostAsJsonAsync(Url("/api/devices/select"), new { rectangle = ZhujiajiaoBox }, ct);
        using var circle = await client.PostAsJsonAsync(Url("/api/devices/select"), new { circle = ZhujiajiaoCircle }, ct);
        using var both = await client.PostAsJsonAsync(Url("/api/devices/select"), new { circle = ZhujiajiaoCircle, rectangle = ZhujiajiaoBox }, ct);

        var r = await rectangle.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.InRange(r.GetProperty("total").GetInt32(), 10, 5000);
        Assert.All(r.GetProperty("items").EnumerateArray(), i =>
        {
            Assert.InRange(i.GetProperty("longitude").GetDouble(), 121.04, 121.06);
            Assert.InRange(i.GetProperty("latitude").GetDouble(), 31.10, 31.115);
        });
        var c = await circle.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.InRange(c.GetProperty("total").GetInt32(), 1, r.GetProperty("total").GetInt32());
        await ProblemAssert.IsProblemAsync(both, HttpStatusCode.BadRequest, ct);
        using var offEarth = await client.PostAsJsonAsync(Url("/api/devices/select"), new { rectangle = OffEarthBox }, ct);
        await ProblemAssert.IsProblemAsync(offEarth, HttpStatusCode.BadRequest, ct);
        using var manyFilters = await client.GetAsync(Url("/api/devices/search?" + string.Join('&', Enumerable.Range(0, 101).Select(i => $"type=t{i}"))), ct);
        await ProblemAssert.IsProblemAsync(manyFilters, HttpStatusCode.BadRequest, ct);
    }

    [Fact]
    public async Task Reindex_IsAJobThatRebuildsTheWholeIndex()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.PostAsync(Url("/api/search/reindex"), null, ct)).StatusCode);

        using var started = await admin.PostAsync(Url("/api/search/reindex"), null, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>(ct);
        JsonElement status;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(200, ct);
            status = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/jobs/{job.GetProperty("id").GetString()}"), ct);
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the reindex job did not finish: " + status);
        }
        while (status.GetProperty("status").GetString() is "queued" or "running");

        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var index = await admin.GetFromJsonAsync<JsonElement>(Url("/api/search/index"), ct);
        Assert.Equal(index.GetProperty("ledgerDevices").GetInt64(), index.GetProperty("documents").GetInt64());
        Assert.True(index.GetProperty("sizeBytes").GetInt64() > 100_000);
    }

    [Fact]
    public async Task Map_ConfigAndOutline_WorkOffline()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("station", "Station#2026", ct);

        var config = await client.GetFromJsonAsync<JsonElement>(Url("/api/map/config"), ct);
        using var outline = await client.GetAsync(Url("/api/map/district"), ct);

        Assert.Equal(JsonValueKind.Null, config.GetProperty("tileUrl").ValueKind);
        var bounds = config.GetProperty("bounds").EnumerateArray().Select(b => b.GetDouble()).ToList();
        Assert.InRange(bounds[0], 120.8, 121.0);
        Assert.InRange(bounds[3], 31.2, 31.35);
        Assert.Equal("application/geo+json", outline.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"Polygon\"", await outline.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    /// <summary>A valid new device of 夏阳派出所 with the given serial.</summary>
    internal static async Task<Dictionary<string, string?>> NewDeviceFieldsAsync(HttpClient client, int serial, CancellationToken ct)
    {
        var organisations = (await client.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray();
        var station = organisations.Single(o => o.GetProperty("name").GetString() == "夏阳派出所").GetProperty("id").GetInt64();
        return new Dictionary<string, string?>
        {
            ["gbCode"] = GbCode.Create("31011801", "00", "132", 0, serial),
            ["name"] = "测试新建点位_智能枪机",
            ["keyboardCode"] = "9" + serial.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = "SmartBullet",
            ["status"] = "Online",
            ["organisationId"] = station.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["region"] = "夏阳街道",
            ["functionType"] = "5",
            ["ipAddress"] = "10.250." + (serial % 250).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".9",
            ["port"] = "5060",
            ["manufacturer"] = "海康威视",
            ["model"] = "DS-TEST",
            ["resolution"] = "1920x1080",
            ["longitude"] = "121.1",
            ["latitude"] = "31.15",
            ["maintainer"] = "上海青浦智能安防工程有限公司",
            ["installedOn"] = "2024-05-01",
            ["networkingLevel"] = "city",
        };
    }
}

/// <summary>Waits for the outbox-driven index to apply every committed change.</summary>
internal static class SearchIndex
{
    public static async Task WaitUntilCurrentAsync(ApiFactory factory, CancellationToken ct)
    {
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var index = await admin.GetFromJsonAsync<JsonElement>(Url("/api/search/index"), ct);
            if (index.GetProperty("pendingChanges").GetInt64() == 0 && index.GetProperty("documents").GetInt64() == index.GetProperty("ledgerDevices").GetInt64())
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the search index did not catch up: " + index);
            await Task.Delay(100, ct);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class NetworkingPointEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Points_AreMarkedCheckedAgainstTheRules_AndWalkTheReviewWorkflowWithWhoAndWhen()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        var x = await CreateAsync(admin, 990_501, null, ct);
        var y = await CreateAsync(admin, 990_502, "青浦区夏阳街道华青路 88 号", ct);
        try
        {
            // Mark by selection: unknown devices and devices that are already points are reported, not failed.
            var marked = await PostAsync(clerk, "", new { deviceIds = new[] { x.Id, y.Id, 999_999_999L }, level = "ministry" }, ct);
            Assert.Equal([x.Id, y.Id], Ids(marked));
            Assert.Equal("notFound", marked.GetProperty("problems")[0].GetProperty("code").GetString());
            Assert.Equal("networking.alreadyPoint", (await PostAsync(clerk, "", new { deviceIds = new[] { x.Id }, level = "province" }, ct)).GetProperty("problems")[0].GetProperty("code").GetString());
            using var badLevel = await clerk.PostAsJsonAsync(Url("/api/archive/networking-points"), new { deviceIds = new[] { x.Id }, level = "city" }, ct);
            await ProblemAssert.IsProblemAsync(badLevel, HttpStatusCode.BadRequest, ct);

            // Declaring checks every rule: x has no address (an audit rule), so it stays a draft and says why.
            var declared = await PostAsync(clerk, "/declare", new { deviceIds = new[] { x.Id, y.Id } }, ct);
            Assert.True(Ids(declared).SequenceEqual([y.Id]), declared.ToString());
            var refusal = declared.GetProperty("problems")[0];
            Assert.Equal("networking.rulesFailed", refusal.GetProperty("code").GetString());
            Assert.Contains(refusal.GetProperty("violations").EnumerateArray(), v => v.GetProperty("field").GetString() == "address" && v.GetProperty("code").GetString() == "field.required");
            var check = await clerk.GetFromJsonAsync<JsonElement>(Url($"/api/archive/networking-points/{x.Id}/check"), ct);
            Assert.Contains(check.EnumerateArray(), v => v.GetProperty("field").GetString() == "address");

            // Review steps need archive.review (administrators), and only move points in the right state.
            using var clerkReview = await clerk.PostAsJsonAsync(Url("/api/archive/networking-points/startReview"), new { deviceIds = new[] { y.Id } }, ct);
            Assert.Equal(HttpStatusCode.Forbidden, clerkReview.StatusCode);
            var review = await PostAsync(admin, "/startReview", new { deviceIds = new[] { y.Id, x.Id } }, ct);
            Assert.Equal([y.Id], Ids(review));
            Assert.Equal("networking.wrongState", review.GetProperty("problems")[0].GetProperty("code").GetString());
            using var noReason = await admin.PostAsJsonAsync(Url("/api/archive/networking-points/reject"), new { deviceIds = new[] { y.Id } }, ct);
            Assert.Equal("comment", (await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("field").GetString());

            // Approval writes the level into the device file, as a version of its own.
            Assert.Equal([y.Id], Ids(await PostAsync(admin, "/approve", new { deviceIds = new[] { y.Id } }, ct)));
            var file = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{y.Id}"), ct);
            Assert.Equal("ministry", file.GetProperty("fields").GetProperty("networkingLevel").GetString());
            var versions = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{y.Id}/versions"), ct)).EnumerateArray();
            Assert.Contains(versions, v => v.GetProperty("source").GetString() == "networking-points" && v.GetProperty("changedBy").GetString() == "admin");

            // The ministry reports it abnormal; after the fix it is declared again.
            Assert.Equal([y.Id], Ids(await PostAsync(admin, "/reportAbnormal", new { deviceIds = new[] { y.Id }, comment = "部级平台通报：图像无法调阅" }, ct)));
            Assert.Equal([y.Id], Ids(await PostAsync(clerk, "/declare", new { deviceIds = new[] { y.Id } }, ct)));

            var list = await clerk.GetFromJsonAsync<JsonElement>(Url("/api/archive/networking-points?state=declared&level=ministry&q=测试新建&take=100"), ct);
            Assert.Contains(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("deviceId").GetInt64() == y.Id && p.GetProperty("organisationName").GetString() == "夏阳派出所");
            Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("deviceId").GetInt64() == x.Id);
            Assert.Contains(list.GetProperty("counts").EnumerateArray(), c => c.GetProperty("state").GetString() == "draft" && c.GetProperty("count").GetInt32() >= 1);
            using var badState = await clerk.GetAsync(Url("/api/archive/networking-points?state=done"), ct);
            await ProblemAssert.IsProblemAsync(badState, HttpStatusCode.BadRequest, ct);

            var events = (await clerk.GetFromJsonAsync<JsonElement>(Url($"/api/archive/networking-points/{y.Id}/events"), ct)).EnumerateArray().ToList();
            Assert.Equal(["draft", "declared", "underReview", "approved", "abnormal", "declared"], events.Select(e => e.GetProperty("toState").GetString()));
            Assert.Equal(["clerk", "clerk", "admin", "admin", "admin", "clerk"], events.Select(e => e.GetProperty("actor").GetString()));
            Assert.Equal("部级平台通报：图像无法调阅", events[4].GetProperty("comment").GetString());

            // Withdrawing removes the point and keeps its history; an import marks it again, row by row.
            Assert.Equal([x.Id], Ids(await PostAsync(clerk, "/withdraw", new { deviceIds = new[] { x.Id } }, ct)));
            Assert.Equal("withdrawn", (await clerk.GetFromJsonAsync<JsonElement>(Url($"/api/archive/networking-points/{x.Id}/events"), ct))[1].GetProperty("toState").GetString());
            var sheet = TransferEndpointsTests.Xlsx(["国标编码", "联网级别"], [[x.GbCode, "省级"], [y.GbCode, "市级"], ["31011801001329999999", "部级"]]);
            using var content = new MultipartFormDataContent();
            var part = new ByteArrayContent(sheet);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            content.Add(part, "file", "points.xlsx");
            using var imported = await clerk.PostAsync(Url("/api/archive/networking-points/import"), content, ct);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            var outcome = await imported.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal([x.Id], Ids(outcome));
            Assert.Equal([(3, "field.unknownValue"), (4, "notFound")], outcome.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("row").GetInt32(), p.GetProperty("code").GetString())).ToList());
        }
        finally
        {
            foreach (var device in new[] { x, y })
            {
                var current = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{device.Id}"), ct);
                await admin.DeleteAsync(Url($"/api/devices/{device.Id}?version={current.GetProperty("version").GetInt32()}"), ct);
            }
        }
    }

    private static long[] Ids(JsonElement outcome) => [.. outcome.GetProperty("done").EnumerateArray().Select(e => e.GetInt64())];

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(Url("/api/archive/networking-points" + path), body, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static async Task<(long Id, string GbCode)> CreateAsync(HttpClient admin, int serial, string? address, CancellationToken ct)
    {
        var fields = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, serial, ct);
        fields["keyboardCode"] = "99" + serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fields["address"] = address;

        // Other tests may have added extended fields (city dictionary) that the audit asks for: fill them validly.
        var definitions = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/fields"), ct)).EnumerateArray()
            .Where(f => !f.GetProperty("builtIn").GetBoolean() && f.GetProperty("required").GetArrayLength() > 0).ToList();
        var dictionaries = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/dictionaries"), ct)).EnumerateArray().ToList();
        foreach (var definition in definitions)
        {
            var key = definition.GetProperty("key").GetString()!;
            fields[key] = definition.GetProperty("dataType").GetString() switch
            {
                "dictionary" => dictionaries.First(d => d.GetProperty("dictionary").GetString() == definition.GetProperty("dictionary").GetString() && d.GetProperty("enabled").GetBoolean()).GetProperty("code").GetString(),
                "date" => "2024-01-01",
                "integer" or "number" => "1",
                _ => "x",
            };
        }

        using var created = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return ((await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64(), fields["gbCode"]!);
    }
}

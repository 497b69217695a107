using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Tags;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Tags;

/// <summary>Tags through the real node: labelling inside the device scope, the search by tags, tag permissions, merges as jobs, statistics.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class TagEndpointsTests(ApiFactory factory)
{
    private static readonly string[] CriminalGrant = ["publicSecurity", "criminal"];
    private static readonly string[] BogusLine = ["bogus"];

    private static async Task<JsonElement> CreateAsync(HttpClient client, object tag, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(Url("/api/tags"), tag, ct);
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("tag");
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query, long expectedTotal, CancellationToken ct)
    {
        // The search index follows the labels through the outbox a moment later.
        for (var i = 0; ; i++)
        {
            var found = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=50&" + query), ct);
            if (found.GetProperty("total").GetInt64() == expectedTotal || i == 100)
            {
                Assert.Equal(expectedTotal, found.GetProperty("total").GetInt64());
                return found;
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task<JsonElement> JobAsync(HttpClient client, HttpResponseMessage accepted, CancellationToken ct)
    {
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        for (var i = 0; i < 200; i++)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(Url($"/api/jobs/{id}"), ct);
            if (job.GetProperty("status").GetString() is "succeeded" or "failed")
            {
                return job;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException("job " + id);
    }

    [Fact]
    public async Task Devices_labelled_in_the_scope_are_found_by_all_their_tags_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var type = await CreateAsync(admin, new { category = "scene", kind = "placeType", name = "学校" + suffix }, HttpStatusCode.Created, ct);
        var part = await CreateAsync(station, new { category = "scene", kind = "placePart", name = "校门", parentId = type.GetProperty("id").GetInt64() }, HttpStatusCode.Created, ct);
        var partId = part.GetProperty("id").GetInt64();
        Assert.Equal("学校" + suffix + " / 校门", part.GetProperty("path").GetString());

        // Creating the same name again answers the existing tag; a derived tag needs tags.manage.
        Assert.Equal(partId, (await CreateAsync(station, new { category = "scene", kind = "placePart", name = " 校门", parentId = type.GetProperty("id").GetInt64() }, HttpStatusCode.OK, ct)).GetProperty("id").GetInt64());
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/tags"), new { category = "derived", kind = "tag", name = "x" + suffix }, ct), HttpStatusCode.Forbidden, "tags.forbidden", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/tags"), new { category = "scene", kind = "placePart", name = "无上级" }, ct), "parentId", "tags.parent", ct);

        var inside = (await station.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=3&sort=name"), ct)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToArray();
        var (_, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);

        // A device outside the station's scope refuses the whole request, naming it: nothing is labelled.
        var refused = await ProblemAssert.HasFieldErrorAsync(
            await station.PostAsJsonAsync(Url($"/api/tags/{partId}/labels"), new { deviceIds = new[] { inside[0], outside[0].Id } }, ct), "deviceIds", "tags.devicesOutOfScope", ct);
        Assert.Contains(outside[0].Id.ToString(CultureInfo.InvariantCulture), refused.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain((await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags/labels?deviceId={inside[0]}"), ct)).EnumerateArray(), l => l.GetProperty("tagId").GetInt64() == partId);

        using (var labelled = await station.PostAsJsonAsync(Url($"/api/tags/{partId}/labels"), new { deviceIds = inside }, ct))
        {
            Assert.Equal((3, 0), await labelled.Content.ReadFromJsonAsync<JsonElement>(ct) is var r ? (r.GetProperty("labelled").GetInt32(), r.GetProperty("merged").GetInt32()) : default);
        }

        using (var again = await admin.PostAsJsonAsync(Url($"/api/tags/{partId}/labels"), new { deviceIds = new[] { inside[0] } }, ct))
        {
            Assert.Equal((0, 1), await again.Content.ReadFromJsonAsync<JsonElement>(ct) is var r ? (r.GetProperty("labelled").GetInt32(), r.GetProperty("merged").GetInt32()) : default);
        }

        // Searching by the place type and the part (both must match) finds the three, with the tags as facets.
        var found = await SearchAsync(station, $"tag={type.GetProperty("id").GetInt64()}&tagId={partId}", 3, ct);
        Assert.Equal(inside.Order(), found.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Order());
        Assert.Contains(found.GetProperty("facets").GetProperty("tagId").EnumerateArray(), f => f.GetProperty("value").GetString() == partId.ToString(CultureInfo.InvariantCulture)
            && f.GetProperty("label").GetString() == "学校" + suffix + " / 校门" && f.GetProperty("count").GetInt64() == 3);
        await ProblemAssert.HasFieldErrorAsync(await station.GetAsync(Url("/api/devices/search?tag=999999999"), ct), "tag", "field.unknownValue", ct);

        // Each search by a tag counts for it; the list shows devices, creator and search count.
        var counter = factory.Services.GetRequiredService<TagSearchCounter>();
        async Task<JsonElement> TypeAsync()
        {
            await counter.FlushAsync(ct);
            var listed = (await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?category=scene&q=学校{suffix}"), ct)).EnumerateArray().ToList();
            return Assert.Single(listed, t => t.GetProperty("kind").GetString() == "placeType");
        }

        var before = await TypeAsync();
        Assert.Equal((3L, "admin"), (before.GetProperty("deviceCount").GetInt64(), before.GetProperty("createdBy").GetString()));
        Assert.True(before.GetProperty("searchCount").GetInt64() >= 1);
        await station.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?tag={type.GetProperty("id").GetInt64()}"), ct);
        Assert.Equal(before.GetProperty("searchCount").GetInt64() + 1, (await TypeAsync()).GetProperty("searchCount").GetInt64());

        // Users remove their own labels; a tag administrator removes anyone's.
        var labels = await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags/labels?deviceId={inside[1]}"), ct);
        var typeId = type.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/tags/{typeId}/labels"), new { deviceIds = new[] { inside[0] } }, ct)).StatusCode);
        await ProblemAssert.IsProblemAsync(await station.DeleteAsync(Url($"/api/tags/{typeId}/labels/{inside[0]}"), ct), HttpStatusCode.Forbidden, "tags.notOwner", ct);
        Assert.Contains(labels.EnumerateArray(), l => l.GetProperty("tagId").GetInt64() == partId && l.GetProperty("mine").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await station.DeleteAsync(Url($"/api/tags/{partId}/labels/{inside[1]}"), ct)).StatusCode);
        using (var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await clerk.DeleteAsync(Url($"/api/tags/{partId}/labels/{inside[2]}"), ct)).StatusCode);
        }

        await SearchAsync(station, $"tag={partId}", 1, ct);

        // Statistics count the station's labelling; the export is a workbook.
        var stats = await station.GetFromJsonAsync<JsonElement>(Url("/api/tags/stats"), ct);
        Assert.True(stats.GetProperty("labelledDevices").GetInt64() >= 1);
        Assert.True(stats.GetProperty("totalDevices").GetInt64() < 16_231);
        Assert.Contains(stats.GetProperty("trend").EnumerateArray(), d => d.GetProperty("labels").GetInt64() > 0);
        using var export = await station.GetAsync(Url("/api/tags/stats/export"), ct);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.HasFieldErrorAsync(await station.GetAsync(Url("/api/tags/stats?from=2026-11-20&to=2026-11-01"), ct), "from", "field.range", ct);
    }

    [Fact]
    public async Task Business_tags_follow_police_lines_and_a_merge_relabels_every_device_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var stationId = (await station.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct)).GetProperty("id").GetInt64();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        using var groupResponse = await admin.PostAsJsonAsync(Url("/api/tags/groups"), new { category = "business", policeLine = "criminal", name = "重点部位" + suffix }, ct);
        Assert.Equal(HttpStatusCode.Created, groupResponse.StatusCode);
        var group = (await groupResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/tags/groups"), new { category = "business", policeLine = "nope", name = "x" }, ct), "policeLine", "field.unknownValue", ct);
        var a = (await CreateAsync(admin, new { category = "business", kind = "tag", name = "金店" + suffix, groupId = group }, HttpStatusCode.Created, ct)).GetProperty("id").GetInt64();
        var b = (await CreateAsync(admin, new { category = "business", kind = "tag", name = "珠宝店" + suffix, groupId = group }, HttpStatusCode.Created, ct)).GetProperty("id").GetInt64();
        var inside = (await station.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=3&sort=gbCode"), ct)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToArray();

        // A station works with 治安 and 社区 by default: the 刑侦 tags are invisible and cannot be used.
        var mine = await station.GetFromJsonAsync<JsonElement>(Url("/api/tags/access/me"), ct);
        Assert.Equal(["publicSecurity", "community"], mine.GetProperty("policeLines").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty((await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?groupId={group}"), ct)).EnumerateArray());
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url($"/api/tags/{a}/labels"), new { deviceIds = inside }, ct), HttpStatusCode.Forbidden, "tags.forbidden", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.GetAsync(Url($"/api/devices/search?tag={a}"), ct), "tag", "field.unknownValue", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.GetAsync(Url($"/api/devices/export?tag={a}"), ct), "tag", "field.unknownValue", ct);

        // A construction field the station's level sees: visible, but only tag administrators put it on devices.
        using (var fieldResponse = await admin.PostAsJsonAsync(Url("/api/tags/groups"), new { category = "construction", level = "normal", name = "建设项目" + suffix }, ct))
        {
            var field = (await fieldResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
            var project = (await CreateAsync(admin, new { category = "construction", kind = "tag", name = "雪亮工程" + suffix, groupId = field }, HttpStatusCode.Created, ct)).GetProperty("id").GetInt64();
            Assert.Contains((await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?groupId={field}"), ct)).EnumerateArray(), t => t.GetProperty("id").GetInt64() == project);
            await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url($"/api/tags/{project}/labels"), new { deviceIds = inside }, ct), HttpStatusCode.Forbidden, "tags.forbidden", ct);
        }

        // A business tag merges only within its police line.
        using (var trafficResponse = await admin.PostAsJsonAsync(Url("/api/tags/groups"), new { category = "business", policeLine = "traffic", name = "路口" + suffix }, ct))
        {
            var traffic = (await trafficResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
            var crossing = (await CreateAsync(admin, new { category = "business", kind = "tag", name = "卡口" + suffix, groupId = traffic }, HttpStatusCode.Created, ct)).GetProperty("id").GetInt64();
            await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/tags/{a}/merge"), new { targetId = crossing }, ct), "targetId", "tags.mergeKind", ct);
        }

        try
        {
            // A manual grant of 刑侦 for this user opens them.
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync(Url($"/api/tags/access/users/{stationId}"), new { constructionLevel = (string?)null, policeLines = CriminalGrant }, ct)).StatusCode);
            var access = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/tags/access/users/{stationId}"), ct);
            Assert.Equal(("user", "default"), (access.GetProperty("effective").GetProperty("linesSource").GetString(), access.GetProperty("effective").GetProperty("levelSource").GetString()));
            await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/tags/access/users/{stationId}"), new { policeLines = BogusLine }, ct), "policeLines", "field.unknownValue", ct);
            for (var i = 0; i < 50 && (await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?groupId={group}"), ct)).GetArrayLength() < 2; i++)
            {
                await Task.Delay(250, ct); // the catalogue is cached for a few seconds
            }

            Assert.Equal(2, (await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?groupId={group}"), ct)).GetArrayLength());
            Assert.Equal(HttpStatusCode.OK, (await station.PostAsJsonAsync(Url($"/api/tags/{a}/labels"), new { deviceIds = inside[..2] }, ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await station.PostAsJsonAsync(Url($"/api/tags/{b}/labels"), new { deviceIds = inside[1..] }, ct)).StatusCode);

            // Merge a into b as a job: each device carries b once, a is gone from the search and the dictionary.
            await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/tags/{a}/merge"), new { targetId = a }, ct), "targetId", "tags.mergeSelf", ct);
            await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url($"/api/tags/{a}/merge"), new { targetId = b }, ct), HttpStatusCode.Forbidden, ct);
            var job = await JobAsync(admin, await admin.PostAsJsonAsync(Url($"/api/tags/{a}/merge"), new { targetId = b }, ct), ct);
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            var result = JsonDocument.Parse(job.GetProperty("result").GetString()!).RootElement;
            Assert.Equal((1, 2, 2), (result.GetProperty("labelsMoved").GetInt32(), result.GetProperty("labelsRemoved").GetInt32(), result.GetProperty("devices").GetInt32()));
            await SearchAsync(station, $"tag={b}", 3, ct);
            var merged = Assert.Single((await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags?groupId={group}"), ct)).EnumerateArray());
            Assert.Equal((b, 3L), (merged.GetProperty("id").GetInt64(), merged.GetProperty("deviceCount").GetInt64()));
            await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url($"/api/tags/{a}/merge"), new { targetId = b }, ct), HttpStatusCode.Conflict, "tags.notActive", ct);
            await ProblemAssert.IsProblemAsync(await admin.DeleteAsync(Url($"/api/tags/groups/{group}"), ct), HttpStatusCode.Conflict, "tags.groupNotEmpty", ct);

            // Recycling b takes it off every device.
            Assert.Equal("succeeded", (await JobAsync(admin, await admin.PostAsync(Url($"/api/tags/{b}/recycle"), null, ct), ct)).GetProperty("status").GetString());
            await SearchAsync(station, $"tag={b}", 0, ct);
            Assert.DoesNotContain(
                (await station.GetFromJsonAsync<JsonElement>(Url($"/api/tags/labels?deviceId={inside[0]}&deviceId={inside[1]}&deviceId={inside[2]}"), ct)).EnumerateArray(),
                l => l.GetProperty("tagId").GetInt64() == b);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/tags/groups/{group}"), ct)).StatusCode);
        }
        finally
        {
            await admin.PutAsJsonAsync(Url($"/api/tags/access/users/{stationId}"), new { constructionLevel = (string?)null, policeLines = (string[]?)null }, ct);
        }
    }
}

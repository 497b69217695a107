using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Plans;

/// <summary>Video plans through the real node: directory trees and their permissions, plans from the staging rack, clone, search, execution on a wall, import and export.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class PlanEndpointsTests(ApiFactory factory)
{
    private static async Task<long> RootAsync(HttpClient client, string type, CancellationToken ct) =>
        (await client.GetFromJsonAsync<JsonElement>(Url("/api/plans/directories"), ct)).EnumerateArray()
            .First(d => d.GetProperty("planType").GetString() == type && d.GetProperty("parentId").ValueKind == JsonValueKind.Null).GetProperty("id").GetInt64();

    private static async Task<long> DirectoryAsync(HttpClient client, long parent, string name, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(Url("/api/plans/directories"), new { name, parentId = parent }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Directories_move_within_their_tree_never_under_themselves_and_follow_role_permissions()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var basic = await RootAsync(admin, "basic", ct);
        var task = await RootAsync(admin, "task", ct);
        var parent = await DirectoryAsync(admin, basic, "治安" + suffix, ct);
        var child = await DirectoryAsync(admin, parent, "学校", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/plans/directories"), new { name = "学校", parentId = parent }, ct), "name", "field.unique", ct);

        await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/plans/directories/{parent}"), new { name = "治安" + suffix, parentId = child }, ct), "parentId", "plans.directoryCycle", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/plans/directories/{parent}"), new { name = "治安" + suffix, parentId = parent }, ct), "parentId", "plans.directoryCycle", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/plans/directories/{parent}"), new { name = "治安" + suffix, parentId = task }, ct), "parentId", "plans.directoryType", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/plans/directories/{basic}"), new { name = "改名", parentId = task }, ct), "id", "plans.directoryRoot", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.DeleteAsync(Url($"/api/plans/directories/{parent}"), ct), "id", "plans.directoryNotEmpty", ct);

        // Moving the child up to the root (drag and drop) works; the tree shows it there.
        using (var moved = await admin.PutAsJsonAsync(Url($"/api/plans/directories/{child}"), new { name = "学校" + suffix, parentId = basic }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        var tree = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/plans/directories"), ct)).EnumerateArray().ToList();
        Assert.Equal(basic, tree.Single(d => d.GetProperty("id").GetInt64() == child).GetProperty("parentId").GetInt64());

        // A plan in a directory open to auditors only: an investigator neither lists nor opens it.
        using var created = await admin.PostAsJsonAsync(Url("/api/plans"), new { name = "限定" + suffix, directoryId = parent, split = 4 }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var plan = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var roles = await admin.GetFromJsonAsync<JsonElement>(Url("/api/roles?pageSize=100"), ct);
        var auditor = roles.GetProperty("items").EnumerateArray().First(r => r.GetProperty("name").GetString() == "auditor").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync(Url($"/api/plans/directories/{parent}/roles"), new { roleIds = new[] { auditor } }, ct)).StatusCode);
        Assert.DoesNotContain((await investigator.GetFromJsonAsync<JsonElement>(Url("/api/plans/directories"), ct)).EnumerateArray(), d => d.GetProperty("id").GetInt64() == parent);
        await ProblemAssert.IsProblemAsync(await investigator.GetAsync(Url($"/api/plans/{plan}"), ct), HttpStatusCode.Forbidden, "plans.forbidden", ct);
        Assert.Equal(0, (await investigator.GetFromJsonAsync<JsonElement>(Url($"/api/plans/search?q=限定{suffix}"), ct)).GetProperty("total").GetInt64());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/plans/search?q=限定{suffix}"), ct)).GetProperty("total").GetInt64());
        await ProblemAssert.IsProblemAsync(await investigator.PostAsJsonAsync(Url("/api/plans"), new { name = "x", directoryId = basic }, ct), HttpStatusCode.Forbidden, ct);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/plans/{plan}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/plans/directories/{parent}"), ct)).StatusCode);
    }

    [Fact]
    public async Task A_plan_from_the_rack_is_cloned_found_executed_on_a_wall_and_exported_and_imported()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var basic = await RootAsync(admin, "basic", ct);
        var special = await RootAsync(admin, "special", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var order = new[] { outside[0].Id, inside[1].Id, inside[0].Id };

        // The rack's devices, in rack order, become the plan (the clerk's rack: other tests use the admin's and the station's).
        using var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        Assert.Equal(HttpStatusCode.NoContent, (await clerk.DeleteAsync(Url("/api/video/stage"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostAsJsonAsync(Url("/api/video/stage"), new { deviceIds = order }, ct)).StatusCode);
        using var fromStage = await clerk.PostAsJsonAsync(Url("/api/plans/from-stage"), new { name = "学校周边" + suffix, directoryId = basic, split = 1, screens = 2, patrolSeconds = 10 }, ct);
        Assert.Equal(HttpStatusCode.Created, fromStage.StatusCode);
        var plan = await fromStage.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = plan.GetProperty("id").GetInt64();
        Assert.Equal(order, plan.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal("basic", plan.GetProperty("planType").GetString());

        // A basic plan of a police line: its devices get its business tag (derived) while they are in it.
        using (var updated = await admin.PutAsJsonAsync(Url($"/api/plans/{id}"), new
        {
            name = "学校周边" + suffix,
            directoryId = basic,
            policeLine = "publicSecurity",
            screens = 2,
            split = 1,
            patrolSeconds = 10,
            deviceIds = order,
            version = plan.GetProperty("version").GetInt64(),
        }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var tag = (await updated.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("businessTagId").GetInt64();
            for (var i = 0; i < 100 && !(await admin.GetFromJsonAsync<JsonElement>(Url($"/api/tags/labels?deviceId={inside[0].Id}"), ct)).EnumerateArray()
                     .Any(l => l.GetProperty("tagId").GetInt64() == tag && l.GetProperty("origin").GetString() == "derived"); i++)
            {
                await Task.Delay(100, ct);
            }

            Assert.Contains((await admin.GetFromJsonAsync<JsonElement>(Url($"/api/tags/labels?deviceId={inside[0].Id}"), ct)).EnumerateArray(),
                l => l.GetProperty("tagId").GetInt64() == tag && l.GetProperty("origin").GetString() == "derived");
        }

        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync(Url($"/api/plans/{id}"), new { name = "旧", directoryId = basic, split = 1, deviceIds = order, version = 1 }, ct), HttpStatusCode.Conflict, "plans.stale", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/plans"), new { name = "x" + suffix, directoryId = basic, split = 5 }, ct), "split", "wall.split", ct);
        Assert.Equal(HttpStatusCode.NoContent, (await clerk.DeleteAsync(Url("/api/video/stage"), ct)).StatusCode);
        await ProblemAssert.HasFieldErrorAsync(await clerk.PostAsJsonAsync(Url("/api/plans/from-stage"), new { name = "空", directoryId = basic }, ct), "deviceIds", "field.required", ct);

        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/plans/from-stage"), new { name = "空", directoryId = basic }, ct), HttpStatusCode.Forbidden, ct);

        // Clone; search by part of the name; the station sees the devices outside its scope as hidden.
        using var clone = await admin.PostAsJsonAsync(Url($"/api/plans/{id}/clone"), new { }, ct);
        Assert.Equal(HttpStatusCode.Created, clone.StatusCode);
        var cloneId = (await clone.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var found = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/plans/search?q=周边{suffix}"), ct);
        Assert.Equal(["学校周边" + suffix, "学校周边" + suffix + " 副本"], found.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(found.GetProperty("items").EnumerateArray(), p => Assert.Equal(3, p.GetProperty("devices").GetInt32()));
        var seen = await station.GetFromJsonAsync<JsonElement>(Url($"/api/plans/{id}"), ct);
        Assert.Equal([true, false, false], seen.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("hidden").GetBoolean()));
        var played = await (await station.PostAsJsonAsync(Url($"/api/plans/{id}/execute"), new { target = "player" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal([inside[1].Id, inside[0].Id], played.GetProperty("deviceIds").EnumerateArray().Select(d => d.GetInt64()));
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url($"/api/plans/{id}/execute"), new { target = "wall", wallId = 1 }, ct), HttpStatusCode.Forbidden, ct);

        // On a wall of two screens with one cell each: devices in order, one per screen, the third patrolled.
        using var wallResponse = await admin.PostAsJsonAsync(Url("/api/walls"), new { name = "预案墙" + suffix, rows = 1, columns = 2 }, ct);
        var wall = (await wallResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        using (var executed = await admin.PostAsJsonAsync(Url($"/api/plans/{id}/execute"), new { target = "wall", wallId = wall }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        }

        var state = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/walls/{wall}"), ct);
        var screens = state.GetProperty("screens").EnumerateArray().ToList();
        Assert.Equal([outside[0].Id, inside[0].Id], screens[0].GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.True(screens[0].GetProperty("patrolling").GetBoolean());
        Assert.Equal([inside[1].Id], screens[1].GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/plans/{id}/execute"), new { target = "wall" }, ct), "wallId", "field.required", ct);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/walls/{wall}"), ct)).StatusCode);

        var stats = await admin.GetFromJsonAsync<JsonElement>(Url("/api/plans/stats"), ct);
        Assert.Contains(stats.GetProperty("mostViewed").EnumerateArray(), p => p.GetProperty("id").GetInt64() == id && p.GetProperty("viewCount").GetInt64() == 2);
        Assert.True(stats.GetProperty("types").EnumerateArray().First(t => t.GetProperty("type").GetString() == "basic").GetProperty("plans").GetInt64() >= 2);

        // Export and import: an unknown device refuses the whole document; a good one creates the plan.
        var document = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/plans/{id}/export"), ct);
        var item = document.GetProperty("plans")[0];
        Assert.Equal(3, item.GetProperty("devices").GetArrayLength());
        var bad = new { format = "cityeye-plans/1", plans = new object[] { new { name = "导入" + suffix, split = 4, screens = 1, patrolSeconds = 30, devices = new[] { "31011899991320000001" } } } };
        var refused = await (await admin.PostAsJsonAsync(Url($"/api/plans/import?directoryId={special}"), bad, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((0, "plans.unknownDevice"), (refused.GetProperty("created").GetInt32(), refused.GetProperty("problems")[0].GetProperty("code").GetString()));
        var good = new { format = "cityeye-plans/1", plans = new object[] { new { name = "导入" + suffix, split = 4, screens = 1, patrolSeconds = 30, devices = item.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).ToArray() } } };
        var imported = await (await admin.PostAsJsonAsync(Url($"/api/plans/import?directoryId={special}"), good, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(1, imported.GetProperty("created").GetInt32());
        var again = await (await admin.PostAsJsonAsync(Url($"/api/plans/import?directoryId={special}"), good, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((0, "field.unique"), (again.GetProperty("created").GetInt32(), again.GetProperty("problems")[0].GetProperty("code").GetString()));
        var importedPlan = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/plans/search?q=导入{suffix}"), ct)).GetProperty("items")[0];
        Assert.Equal(("special", 3), (importedPlan.GetProperty("planType").GetString(), importedPlan.GetProperty("devices").GetInt32()));

        foreach (var plan2 in new[] { id, cloneId, importedPlan.GetProperty("id").GetInt64() })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/plans/{plan2}"), ct)).StatusCode);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Api.Tests.Watermark;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Video;

/// <summary>Fault tickets through the real node: report with a snapshot, assign, handle, verify (and send back), close.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class FaultEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task A_fault_reported_from_the_player_goes_through_assign_handle_verify_and_close_with_notifications()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var device = inside[1];
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(device.Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);
        await CloseOpenAsync(admin, device.Id, ct);

        // Bad reports: a clear error, nothing written.
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = device.Id, kind = "smoke", description = "黑屏" }, ct), "kind", "field.unknownValue", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = device.Id, kind = "noVideo", description = "黑" }, ct), "description", "field.length", ct);
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = outside[0].Id, kind = "noVideo", description = "黑屏" }, ct), HttpStatusCode.NotFound, "notFound", ct);

        using var reported = await station.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = device.Id, kind = "picture", description = "画面偏色，右上角有遮挡" }, ct);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var ticket = await reported.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = ticket.GetProperty("id").GetInt64();
        Assert.Equal("reported", ticket.GetProperty("state").GetString());
        Assert.True(ticket.GetProperty("hasSnapshot").GetBoolean());
        var again = await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = device.Id, kind = "noVideo", description = "又坏了" }, ct), HttpStatusCode.Conflict, "faults.open", ct);
        Assert.Equal(id, again.GetProperty("args").GetProperty("id").GetInt64());

        // The snapshot the node took says who reported (the covert mark decodes to the station user).
        var snapshot = await station.GetByteArrayAsync(Url($"/api/video/faults/{id}/snapshot"), ct);
        using (var decoded = await WatermarkEndpointsTests.DecodeAsync(admin, snapshot, "fault.jpg", ct))
        {
            Assert.Equal("station", (await decoded.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("username").GetString());
        }

        // The district's dispatchers hear of it; the reporter may not dispatch.
        Assert.True(await HasNotificationAsync(admin, "faults.reported", id, ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await station.PostAsJsonAsync(Url($"/api/video/faults/{id}/assign"), new { assigneeId = 1 }, ct)).StatusCode);
        var stationId = (await station.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct)).GetProperty("id").GetInt64();
        Assert.Equal(["assign", "close"], Actions(await admin.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults/{id}"), ct)));
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/assign"), new { assigneeId = 987_654 }, ct), "assigneeId", "notFound", ct);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/assign"), new { assigneeId = stationId, comment = "请派出所核实" }, ct)).StatusCode);
        Assert.True(await HasNotificationAsync(station, "faults.assigned", id, ct));

        // Only the assignee (or a dispatcher) handles it, and says how.
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.PostAsJsonAsync(Url($"/api/video/faults/{id}/handle"), new { comment = "x" }, ct)).StatusCode);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url($"/api/video/faults/{id}/handle"), new { comment = " " }, ct), "comment", "field.required", ct);
        Assert.Equal(["handle"], Actions(await station.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults/{id}"), ct)));
        Assert.Equal(HttpStatusCode.OK, (await station.PostAsJsonAsync(Url($"/api/video/faults/{id}/handle"), new { comment = "清洁镜头" }, ct)).StatusCode);

        // Sent back once (a reason is required), handled again, verified, closed.
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/verify"), new { passed = false }, ct), "comment", "field.required", ct);
        Assert.Equal("assigned", (await (await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/verify"), new { passed = false, comment = "仍有遮挡" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("state").GetString());
        Assert.True(await HasNotificationAsync(station, "faults.rejected", id, ct));
        Assert.Equal(HttpStatusCode.OK, (await station.PostAsJsonAsync(Url($"/api/video/faults/{id}/handle"), new { comment = "移除遮挡物" }, ct)).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/close"), new { }, ct), HttpStatusCode.Conflict, "faults.wrongState", ct);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/verify"), new { passed = true }, ct)).StatusCode);
        Assert.Equal("closed", (await (await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/close"), new { comment = "恢复正常" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("state").GetString());
        Assert.True(await HasNotificationAsync(station, "faults.closed", id, ct));
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url($"/api/video/faults/{id}/close"), new { }, ct), HttpStatusCode.Conflict, "faults.wrongState", ct);

        var detail = await station.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults/{id}"), ct);
        Assert.Equal(
            ["report", "assign", "handle", "reject", "handle", "verify", "close"],
            detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Empty(Actions(detail));

        // The lists: per state with counts, mine, and nothing of other units' devices.
        var closed = await station.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults?state=closed&deviceId={device.Id}"), ct);
        Assert.Contains(closed.GetProperty("items").EnumerateArray(), f => f.GetProperty("id").GetInt64() == id);
        Assert.True(closed.GetProperty("counts").GetProperty("closed").GetInt32() >= 1);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url("/api/video/faults?mine=reported&pageSize=100"), ct)).GetProperty("items").EnumerateArray(), f => f.GetProperty("id").GetInt64() == id);
        using var elsewhere = await admin.PostAsJsonAsync(Url("/api/video/faults"), new { deviceId = outside[0].Id, kind = "other", description = "别处的设备" }, ct);
        var other = elsewhere.StatusCode == HttpStatusCode.Created
            ? (await elsewhere.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64()
            : (await elsewhere.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("args").GetProperty("id").GetInt64();
        Assert.DoesNotContain((await station.GetFromJsonAsync<JsonElement>(Url("/api/video/faults?pageSize=100"), ct)).GetProperty("items").EnumerateArray(), f => f.GetProperty("id").GetInt64() == other);
        // Nobody who may not see the device is offered or accepted as its assignee.
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults/{id}/assignees"), ct)).EnumerateArray(), u => u.GetProperty("id").GetInt64() == stationId);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults/{other}/assignees"), ct)).EnumerateArray(), u => u.GetProperty("id").GetInt64() == stationId);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/video/faults/{other}/assign"), new { assigneeId = stationId }, ct), "assigneeId", "notFound", ct);
        await ProblemAssert.IsProblemAsync(await station.GetAsync(Url($"/api/video/faults/{other}"), ct), HttpStatusCode.NotFound, "notFound", ct);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/video/faults/{other}/close"), new { comment = "测试" }, ct)).StatusCode);
    }

    private static List<string?> Actions(JsonElement detail) => [.. detail.GetProperty("actions").EnumerateArray().Select(a => a.GetString())];

    private static async Task<bool> HasNotificationAsync(HttpClient client, string kind, long id, CancellationToken ct) =>
        (await client.GetFromJsonAsync<JsonElement>(Url("/api/notifications?take=100"), ct)).GetProperty("items").EnumerateArray()
            .Any(n => n.GetProperty("kind").GetString() == kind && n.GetProperty("link").GetString() == $"/video/faults?id={id}");

    /// <summary>Closes a ticket a failed earlier run left open on the device (one open ticket per device).</summary>
    private static async Task CloseOpenAsync(HttpClient admin, long deviceId, CancellationToken ct)
    {
        var open = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/video/faults?deviceId={deviceId}&state=reported"), ct);
        foreach (var fault in open.GetProperty("items").EnumerateArray())
        {
            await admin.PostAsJsonAsync(Url($"/api/video/faults/{fault.GetProperty("id").GetInt64()}/close"), new { comment = "清理" }, ct);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Video;

/// <summary>PTZ through the real node: dome cameras move, zoom and keep presets; fixed cameras, bad commands and devices outside the scope get clear answers.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class PtzEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task A_dome_camera_moves_zooms_and_keeps_presets_and_a_fixed_one_says_it_cannot()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var dome = await OnlineAsync(admin, "HdDome", ct);
        var fixedCamera = await OnlineAsync(admin, "HdBullet", ct);
        async Task<HttpResponseMessage> PtzAsync(HttpClient client, long id, object body) => await client.PostAsJsonAsync(Url($"/api/devices/{id}/ptz"), body, ct);

        var start = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{dome}/ptz"), ct);
        using var moved = await PtzAsync(admin, dome, new { command = "upRight", speed = 10 });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var position = await moved.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(position.GetProperty("pan").GetDouble() > start.GetProperty("pan").GetDouble() || start.GetProperty("pan").GetDouble() == 1);
        using var zoomed = await PtzAsync(admin, dome, new { command = "zoomIn", speed = 1 });
        var zoom = (await zoomed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("zoom").GetInt32();
        Assert.Equal(Math.Min(4, start.GetProperty("zoom").GetInt32() * 2), zoom);

        using var saved = await PtzAsync(admin, dome, new { command = "setPreset", preset = 3, name = "东门" });
        Assert.Contains((await saved.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("presets").EnumerateArray(), p => p.GetProperty("number").GetInt32() == 3 && p.GetProperty("name").GetString() == "东门");
        await PtzAsync(admin, dome, new { command = "zoomOut", speed = 1 });
        using var back = await PtzAsync(admin, dome, new { command = "gotoPreset", preset = 3 });
        Assert.Equal(zoom, (await back.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("zoom").GetInt32());

        await ProblemAssert.HasFieldErrorAsync(await PtzAsync(admin, dome, new { command = "spin", speed = 3 }), "command", "video.ptzCommand", ct);
        await ProblemAssert.HasFieldErrorAsync(await PtzAsync(admin, dome, new { command = "gotoPreset" }), "preset", "field.required", ct);
        await ProblemAssert.HasFieldErrorAsync(await PtzAsync(admin, dome, new { command = "gotoPreset", preset = 200 }), "preset", "video.ptzPreset", ct);
        await ProblemAssert.HasFieldErrorAsync(await PtzAsync(admin, dome, new { command = "left", speed = 11 }), "speed", "field.range", ct);
        await ProblemAssert.IsProblemAsync(await PtzAsync(admin, fixedCamera, new { command = "left", speed = 3 }), HttpStatusCode.Conflict, "video.ptzUnsupported", ct);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url($"/api/devices/{fixedCamera}/ptz"), ct), HttpStatusCode.Conflict, "video.ptzUnsupported", ct);

        // Offline: a clear 409; outside the caller's devices: 404.
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(await CodeAsync(admin, dome, ct), DeviceStatus.Offline, TimeProvider.System.GetUtcNow())], ct);
        await ProblemAssert.IsProblemAsync(await PtzAsync(admin, dome, new { command = "left", speed = 3 }), HttpStatusCode.Conflict, "video.offline", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var outside = await OutsideStationAsync(admin, ct);
        await ProblemAssert.IsProblemAsync(await PtzAsync(station, outside, new { command = "left", speed = 3 }), HttpStatusCode.NotFound, "notFound", ct);
    }

    /// <summary>A device of that type (or, with "HdBullet", of any fixed type) inside the station's devices, set online.</summary>
    private async Task<long> OnlineAsync(HttpClient admin, string type, CancellationToken ct)
    {
        var devices = factory.Services.GetRequiredService<DeviceStore>();
        var inside = (await Captures.CaptureEndpointsTests.DevicesAsync(admin, ct)).Inside.Select(d => d.Id).ToHashSet();
        var points = await devices.MapPointsAsync(DeviceScope.All, ct);
        var id = points.Where(p => (p.Type == "HdDome") == (type == "HdDome")).OrderBy(p => inside.Contains(p.Id) ? 0 : 1).First().Id;
        var device = (await devices.GetManyAsync([id], ct)).Single();
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(device.GbCode, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);
        return id;
    }

    private static async Task<string> CodeAsync(HttpClient admin, long id, CancellationToken ct) =>
        (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}"), ct)).GetProperty("fields").GetProperty("gbCode").GetString()!;

    private static async Task<long> OutsideStationAsync(HttpClient admin, CancellationToken ct) =>
        (await Captures.CaptureEndpointsTests.DevicesAsync(admin, ct)).Outside[0].Id;
}

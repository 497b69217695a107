using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Video;

/// <summary>Favourite groups of devices and the viewing history through the real node: each user's own, within the device scope.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class ViewingEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Favourite_groups_are_the_users_own_and_hold_only_devices_they_may_watch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var name = $"路口 {Guid.NewGuid():N}"[..12];

        using var created = await station.PostAsJsonAsync(Url("/api/video/favourites"), new { name }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/favourites"), new { name }, ct), "name", "field.unique", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/favourites"), new { name = " " }, ct), "name", "field.required", ct);

        // The order given is the order played; a device outside the station's scope is refused by name.
        using var set = await station.PutAsJsonAsync(Url($"/api/video/favourites/{id}/devices"), new { deviceIds = new[] { inside[1].Id, inside[0].Id, inside[1].Id } }, ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var group = await set.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal([inside[1].Id, inside[0].Id], group.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        var refused = await ProblemAssert.HasFieldErrorAsync(await station.PutAsJsonAsync(Url($"/api/video/favourites/{id}/devices"), new { deviceIds = new[] { outside[0].Id } }, ct), "deviceIds", "notFound", ct);
        Assert.Contains(outside[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.GetRawText(), StringComparison.Ordinal);

        // Another user neither sees nor changes it.
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url("/api/video/favourites"), ct)).EnumerateArray(), g => g.GetProperty("id").GetInt64() == id);
        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync(Url($"/api/video/favourites/{id}"), new { name = "x" }, ct), HttpStatusCode.NotFound, "notFound", ct);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(Url($"/api/video/favourites/{id}"), ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await station.PutAsJsonAsync(Url($"/api/video/favourites/{id}"), new { name = name + "2" }, ct)).StatusCode);
        var mine = await station.GetFromJsonAsync<JsonElement>(Url("/api/video/favourites"), ct);
        Assert.Contains(mine.EnumerateArray(), g => g.GetProperty("name").GetString() == name + "2" && g.GetProperty("devices").GetArrayLength() == 2);
        Assert.Equal(HttpStatusCode.NoContent, (await station.DeleteAsync(Url($"/api/video/favourites/{id}"), ct)).StatusCode);
        Assert.DoesNotContain((await station.GetFromJsonAsync<JsonElement>(Url("/api/video/favourites"), ct)).EnumerateArray(), g => g.GetProperty("id").GetInt64() == id);
    }

    [Fact]
    public async Task Watching_live_and_a_recorded_range_goes_to_the_users_history_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        Assert.Equal(HttpStatusCode.NoContent, (await investigator.DeleteAsync(Url("/api/video/history"), ct)).StatusCode);
        var (inside, _) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(inside[1].Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);

        using var live = await investigator.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[1].Id }, ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var again = await investigator.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[1].Id }, ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var from = TimeProvider.System.GetUtcNow().AddHours(-2);
        using var playback = await investigator.PostAsJsonAsync(Url("/api/video/playback"), new { deviceId = inside[1].Id, from, to = from.AddMinutes(5) }, ct);
        Assert.Equal(HttpStatusCode.OK, playback.StatusCode);
        await investigator.DeleteAsync(Url($"/api/video/live/{inside[1].Id}"), ct);

        var history = await investigator.GetFromJsonAsync<JsonElement>(Url("/api/video/history?pageSize=10"), ct);
        // Opening the same live video twice within a minute is one entry.
        Assert.Equal(2, history.GetProperty("total").GetInt32());
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["playback", "live"], items.Select(i => i.GetProperty("mode").GetString()));
        Assert.Equal(inside[1].Id, items[0].GetProperty("device").GetProperty("id").GetInt64());
        Assert.Equal(from.ToUnixTimeSeconds(), items[0].GetProperty("from").GetDateTimeOffset().ToUnixTimeSeconds());

        // Nobody else's history shows it.
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url("/api/video/history"), ct)).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == items[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_staging_rack_keeps_each_users_devices_in_order_within_their_scope()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        Assert.Equal(HttpStatusCode.NoContent, (await station.DeleteAsync(Url("/api/video/stage"), ct)).StatusCode);

        using var staged = await station.PostAsJsonAsync(Url("/api/video/stage"), new { deviceIds = new[] { inside[1].Id, inside[0].Id } }, ct);
        Assert.Equal(HttpStatusCode.OK, staged.StatusCode);
        // Staging one again keeps it where it was.
        using var again = await station.PostAsJsonAsync(Url("/api/video/stage"), new { deviceIds = new[] { inside[0].Id } }, ct);
        Assert.Equal([inside[1].Id, inside[0].Id], (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/stage"), new { deviceIds = new[] { outside[0].Id } }, ct), "deviceIds", "notFound", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/stage"), new { deviceIds = Array.Empty<long>() }, ct), "deviceIds", "field.length", ct);

        // Another user's rack is their own.
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url("/api/video/stage"), ct)).GetProperty("devices").EnumerateArray(), d => d.GetProperty("id").GetInt64() == inside[1].Id);

        Assert.Equal(HttpStatusCode.NoContent, (await station.DeleteAsync(Url($"/api/video/stage/{inside[1].Id}"), ct)).StatusCode);
        Assert.Equal([inside[0].Id], (await station.GetFromJsonAsync<JsonElement>(Url("/api/video/stage"), ct)).GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NoContent, (await station.DeleteAsync(Url("/api/video/stage"), ct)).StatusCode);
        Assert.Equal(0, (await station.GetFromJsonAsync<JsonElement>(Url("/api/video/stage"), ct)).GetProperty("devices").GetArrayLength());
    }
}

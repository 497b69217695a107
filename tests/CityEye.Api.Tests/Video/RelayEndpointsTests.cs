using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Video.Tests;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Video;

/// <summary>
/// A device whose file carries a stream URL plays that stream (relayed by the node) through the same API and signed
/// URLs as a simulated camera; it has no recordings or PTZ, and the field takes network stream URLs only.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class RelayEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task A_device_with_a_stream_url_plays_the_relayed_stream_and_has_no_recordings_or_ptz()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await LocalStreamServer.StartAsync(ct);
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        // A device of its own (not one the other tests play): the 40th of the district's list.
        var id = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=1&page=40"), ct)).GetProperty("items")[0].GetProperty("id").GetInt64();
        async Task<HttpResponseMessage> SetUrlAsync(string? url)
        {
            var file = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}"), ct);
            var fields = file.GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.ValueKind == JsonValueKind.Null ? null : f.Value.ToString());
            fields["streamUrl"] = url;
            return await admin.PutAsJsonAsync(Url($"/api/devices/{id}"), new { version = file.GetProperty("version").GetInt32(), fields }, ct);
        }

        // Only network stream URLs are taken.
        await ProblemAssert.HasFieldErrorAsync(await SetUrlAsync("file:///etc/passwd"), "fields.streamUrl", "field.format", ct);
        Assert.Equal(HttpStatusCode.OK, (await SetUrlAsync(stream.H264)).StatusCode);
        try
        {
            var code = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}"), ct)).GetProperty("fields").GetProperty("gbCode").GetString()!;
            await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);

            using var opened = await admin.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = id }, ct);
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            var live = await opened.Content.ReadFromJsonAsync<JsonElement>(ct);
            var capabilities = live.GetProperty("capabilities");
            Assert.False(capabilities.GetProperty("recordings").GetBoolean());
            Assert.False(capabilities.GetProperty("ptz").GetBoolean());

            // The signed playlist's segment is the local stream's picture (320x240), not a simulated card (640x360).
            var url = live.GetProperty("url").GetString()!;
            var playlist = await admin.GetStringAsync(Url(url), ct);
            var segment = playlist.Split('\n').First(l => l.EndsWith(".ts", StringComparison.Ordinal));
            var path = Path.Combine(Path.GetTempPath(), $"cityeye-relay-{Guid.NewGuid():N}.ts");
            await File.WriteAllBytesAsync(path, await admin.GetByteArrayAsync(Url(url.Replace("index.m3u8", segment, StringComparison.Ordinal)), ct), ct);
            try
            {
                Assert.StartsWith("h264,320,240", await VideoEndpointsTests.ProbeAsync(path, ct), StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }

            using var snapshot = await admin.GetAsync(Url($"/api/devices/{id}/snapshot"), ct);
            Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
            Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);

            var from = TimeProvider.System.GetUtcNow().AddHours(-1);
            await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url("/api/video/playback"), new { deviceId = id, from, to = from.AddMinutes(1) }, ct), HttpStatusCode.Conflict, "video.noRecordings", ct);
            await ProblemAssert.IsProblemAsync(
                await admin.GetAsync(Url($"/api/devices/{id}/recording?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddSeconds(10).ToString("O"))}"), ct),
                HttpStatusCode.Conflict,
                "video.noRecordings",
                ct);
            await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url($"/api/devices/{id}/ptz"), new { command = "left", speed = 5 }, ct), HttpStatusCode.Conflict, "video.ptzUnsupported", ct);
            await admin.DeleteAsync(Url($"/api/video/live/{id}"), ct);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await SetUrlAsync(null)).StatusCode);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using CityEye.Video;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Video;

/// <summary>
/// Live video and snapshots against the real node and Debian's ffmpeg: signed URLs bound to the session, device
/// scope, offline devices, the user's stream limit and the node's encoder cap.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class VideoEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Live_video_is_hls_that_plays_in_the_session_that_opened_it_and_nowhere_else()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var device = await OnlineDeviceAsync(admin, inside: true, ct);

        using var opened = await admin.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = device.Id }, ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var live = await opened.Content.ReadFromJsonAsync<JsonElement>(ct);
        var url = live.GetProperty("url").GetString()!;
        Assert.StartsWith("/media/live/", url, StringComparison.Ordinal);
        Assert.Equal(device.Code, live.GetProperty("gbCode").GetString());
        Assert.InRange(live.GetProperty("expiresAt").GetDateTimeOffset(), TimeProvider.System.GetUtcNow().AddMinutes(5), TimeProvider.System.GetUtcNow().AddMinutes(11));

        // The playlist and its segments, copied to a folder, are H.264 that ffprobe reads.
        var folder = Directory.CreateTempSubdirectory("cityeye-live-").FullName;
        try
        {
            using var playlist = await admin.GetAsync(Url(url), ct);
            Assert.True(playlist.StatusCode == HttpStatusCode.OK, await playlist.Content.ReadAsStringAsync(ct));
            Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType?.MediaType);
            var text = await playlist.Content.ReadAsStringAsync(ct);
            // Closed as a finished playlist, or ffprobe would wait for the live playlist to grow.
            await File.WriteAllTextAsync(Path.Combine(folder, "index.m3u8"), text + "#EXT-X-ENDLIST\n", ct);
            foreach (var segment in text.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)))
            {
                using var bytes = await admin.GetAsync(Url(url.Replace("index.m3u8", segment, StringComparison.Ordinal)), ct);
                Assert.Equal("video/mp2t", bytes.Content.Headers.ContentType?.MediaType);
                await File.WriteAllBytesAsync(Path.Combine(folder, segment), await bytes.Content.ReadAsByteArrayAsync(ct), ct);
            }

            Assert.Contains("h264,640,360", await ProbeAsync(Path.Combine(folder, "index.m3u8"), ct), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Another session of the same user, another user, a changed token, another file name: refused.
        using var otherSession = await factory.SignInAsync("admin", "Admin#2026", ct);
        await ProblemAssert.IsProblemAsync(await otherSession.GetAsync(Url(url), ct), HttpStatusCode.Forbidden, "video.urlInvalid", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        await ProblemAssert.IsProblemAsync(await station.GetAsync(Url(url), ct), HttpStatusCode.Forbidden, "video.urlInvalid", ct);
        var token = url.Split('/')[3];
        var forged = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url(url.Replace(token, forged, StringComparison.Ordinal)), ct), HttpStatusCode.Forbidden, "video.urlInvalid", ct);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url(url.Replace("index.m3u8", "ffmpeg.pid", StringComparison.Ordinal)), ct), HttpStatusCode.NotFound, "video.streamEnded", ct);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url(url), ct)).StatusCode);

        var streams = await admin.GetFromJsonAsync<JsonElement>(Url("/api/video/streams"), ct);
        Assert.Contains(streams.GetProperty("streams").EnumerateArray(), s => s.GetProperty("deviceId").GetInt64() == device.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/video/live/{device.Id}"), ct)).StatusCode);
    }

    [Fact]
    public async Task Devices_outside_the_scope_offline_devices_and_bad_requests_get_clear_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var feed = factory.Services.GetRequiredService<DeviceStatusFeed>();
        await feed.ApplyAsync([new StatusReport(inside[0].Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow()), new StatusReport(inside[1].Code, DeviceStatus.Offline, TimeProvider.System.GetUtcNow()), new StatusReport(outside[0].Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);

        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = outside[0].Id }, ct), HttpStatusCode.NotFound, "notFound", ct);
        await ProblemAssert.IsProblemAsync(await station.GetAsync(Url($"/api/devices/{outside[0].Id}/snapshot"), ct), HttpStatusCode.NotFound, "notFound", ct);
        var offline = await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[1].Id }, ct), HttpStatusCode.Conflict, "video.offline", ct);
        Assert.Equal("offline", offline.GetProperty("args").GetProperty("status").GetString());
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/live"), new { }, ct), "deviceId", "field.required", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = -3 }, ct), "deviceId", "field.range", ct);
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = 987_654_321 }, ct), HttpStatusCode.NotFound, "notFound", ct);

        // A snapshot of the station's own online device is a JPEG.
        using var snapshot = await station.GetAsync(Url($"/api/devices/{inside[0].Id}/snapshot"), ct);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xFF, 0xD8], (await snapshot.Content.ReadAsByteArrayAsync(ct))[..2]);

        // The auditor has no video permission.
        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[0].Id }, ct)).StatusCode);
    }

    [Fact]
    public async Task The_users_stream_limit_and_the_nodes_encoder_cap_refuse_one_stream_too_many()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var feed = factory.Services.GetRequiredService<DeviceStatusFeed>();
        await feed.ApplyAsync([.. inside.Concat(outside).Select(d => new StatusReport(d.Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow()))], ct);

        var bureau = (await factory.Services.GetRequiredService<OrganisationStore>().FindByCodeAsync("310118000000", ct))!.Id;
        var username = "one-stream-" + Guid.NewGuid().ToString("N")[..6];
        await factory.Services.GetRequiredService<UserStore>().CreateAsync(
            new NewUser(username, "单路测试", bureau, "Stream#2026", [BuiltInRoles.Investigator, BuiltInRoles.AllDevices], MaxStreams: 1), factory.Services.GetRequiredService<PasswordHasher>(), ct);
        using var user = await factory.SignInAsync(username, "Stream#2026", ct);

        // Two opens at once cannot both take the last place.
        var racing = await Task.WhenAll(
            user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[0].Id }, ct),
            user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = outside[0].Id }, ct));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], racing.Select(r => r.StatusCode).Order());
        foreach (var response in racing)
        {
            response.Dispose();
        }

        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync(Url($"/api/video/live/{inside[0].Id}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync(Url($"/api/video/live/{outside[0].Id}"), ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[0].Id }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = inside[0].Id }, ct)).StatusCode);
        var limit = await ProblemAssert.IsProblemAsync(await user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = outside[0].Id }, ct), HttpStatusCode.TooManyRequests, "video.streamLimit", ct);
        Assert.Equal(1, limit.GetProperty("args").GetProperty("limit").GetInt32());
        Assert.Equal(1, limit.GetProperty("args").GetProperty("open").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync(Url($"/api/video/live/{inside[0].Id}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = outside[0].Id }, ct)).StatusCode);

        // The node's cap: with as many encoders as it may run, a new device is refused with 503 and Retry-After.
        var options = factory.Services.GetRequiredService<IOptions<VideoOptions>>().Value;
        var before = options.MaxEncoders;
        options.MaxEncoders = factory.Services.GetRequiredService<IVideoSource>().Running().Count;
        try
        {
            Assert.DoesNotContain(factory.Services.GetRequiredService<IVideoSource>().Running(), r => r.DeviceId == outside[1].Id);
            using var busy = await admin.PostAsJsonAsync(Url("/api/video/live"), new { deviceId = outside[1].Id }, ct);
            await ProblemAssert.IsProblemAsync(busy, HttpStatusCode.ServiceUnavailable, "video.busy", ct);
            Assert.Equal("10", busy.Headers.RetryAfter?.ToString());
        }
        finally
        {
            options.MaxEncoders = before;
        }
    }

    [Fact]
    public async Task Recorded_video_of_a_past_range_plays_in_its_session_and_downloads_as_mp4()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var from = TimeProvider.System.GetUtcNow().AddHours(-3);
        from = from.AddTicks(-(from.Ticks % TimeSpan.TicksPerSecond));

        using var opened = await admin.PostAsJsonAsync(Url("/api/video/playback"), new { deviceId = inside[0].Id, from, to = from.AddSeconds(7) }, ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var url = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("url").GetString()!;
        Assert.StartsWith("/media/vod/", url, StringComparison.Ordinal);
        var playlist = await admin.GetStringAsync(Url(url), ct);
        Assert.Contains("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
        var segments = playlist.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)).ToList();
        Assert.InRange(segments.Count, 4, 5);
        using var segment = await admin.GetAsync(Url(url.Replace("index.m3u8", segments[0], StringComparison.Ordinal)), ct);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0x47, (await segment.Content.ReadAsByteArrayAsync(ct))[0]);

        // Outside the granted range, in another session, or a recorded URL used for live video (and back): refused.
        var later = $"r{from.AddHours(1).ToUnixTimeSeconds() / 2 * 2}.ts";
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url(url.Replace("index.m3u8", later, StringComparison.Ordinal)), ct), HttpStatusCode.NotFound, "notFound", ct);
        using var otherSession = await factory.SignInAsync("admin", "Admin#2026", ct);
        await ProblemAssert.IsProblemAsync(await otherSession.GetAsync(Url(url), ct), HttpStatusCode.Forbidden, "video.urlInvalid", ct);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url(url.Replace("/media/vod/", "/media/live/", StringComparison.Ordinal)), ct), HttpStatusCode.Forbidden, "video.urlInvalid", ct);

        using var download = await admin.GetAsync(Url($"/api/devices/{inside[0].Id}/recording?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddSeconds(4).ToString("O"))}"), ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("video/mp4", download.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".mp4", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var mp4 = await download.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal("ftyp"u8.ToArray(), mp4[4..8]);

        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/playback"), new { deviceId = outside[0].Id, from, to = from.AddSeconds(7) }, ct), HttpStatusCode.NotFound, "notFound", ct);
        await ProblemAssert.IsProblemAsync(await station.GetAsync(Url($"/api/devices/{outside[0].Id}/recording?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddSeconds(4).ToString("O"))}"), ct), HttpStatusCode.NotFound, "notFound", ct);
    }

    [Fact]
    public async Task Bad_recorded_ranges_get_field_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (inside, _) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var now = TimeProvider.System.GetUtcNow();
        async Task ExpectAsync(object body, string field, string code) =>
            await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/video/playback"), body, ct), field, code, ct);

        await ExpectAsync(new { deviceId = inside[0].Id, from = now.AddHours(-1), to = now.AddHours(-2) }, "to", "video.rangeOrder");
        await ExpectAsync(new { deviceId = inside[0].Id, from = now.AddHours(-8), to = now.AddHours(-1) }, "to", "video.rangeTooLong");
        await ExpectAsync(new { deviceId = inside[0].Id, from = now.AddMinutes(-1), to = now.AddHours(1) }, "to", "video.rangeInFuture");
        await ExpectAsync(new { deviceId = inside[0].Id, from = now.AddDays(-40), to = now.AddDays(-40).AddHours(1) }, "from", "video.rangeTooOld");
        await ExpectAsync(new { deviceId = inside[0].Id, to = now }, "from", "field.required");
        await ProblemAssert.HasFieldErrorAsync(await admin.GetAsync(Url($"/api/devices/{inside[0].Id}/recording"), ct), "from", "field.required", ct);
        await ProblemAssert.HasFieldErrorAsync(
            await admin.GetAsync(Url($"/api/devices/{inside[0].Id}/recording?from={Uri.EscapeDataString(now.AddHours(-2).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}"), ct),
            "to",
            "video.rangeTooLong",
            ct);
    }

    [Fact]
    public async Task Five_frames_around_a_moment_of_a_recording_are_the_takers_own_and_carry_their_watermark()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-30);

        using var taken = await station.PostAsJsonAsync(Url("/api/video/frames"), new { deviceId = inside[0].Id, at }, ct);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var frames = (await taken.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(5, frames.Count);
        Assert.Equal([false, false, true, false, false], frames.Select(f => f.GetProperty("centre").GetBoolean()));
        Assert.InRange(at - frames[2].GetProperty("at").GetDateTimeOffset(), TimeSpan.Zero, TimeSpan.FromMilliseconds(67));

        // The middle frame is a JPEG that names the station user; nobody else gets it.
        var id = frames[2].GetProperty("id").GetInt64();
        using var image = await station.GetAsync(Url($"/api/video/frames/{id}"), ct);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        using (var decoded = await Watermark.WatermarkEndpointsTests.DecodeAsync(admin, await image.Content.ReadAsByteArrayAsync(ct), "frame.jpg", ct))
        {
            Assert.Equal("station", (await decoded.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("username").GetString());
        }

        await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url($"/api/video/frames/{id}"), ct), HttpStatusCode.NotFound, "notFound", ct);
        await ProblemAssert.IsProblemAsync(await station.PostAsJsonAsync(Url("/api/video/frames"), new { deviceId = outside[0].Id, at }, ct), HttpStatusCode.NotFound, "notFound", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/frames"), new { deviceId = inside[0].Id, at = TimeProvider.System.GetUtcNow().AddMinutes(1) }, ct), "at", "video.rangeInFuture", ct);
        await ProblemAssert.HasFieldErrorAsync(await station.PostAsJsonAsync(Url("/api/video/frames"), new { deviceId = inside[0].Id, at = at.AddDays(-40) }, ct), "at", "video.rangeTooOld", ct);
    }

    [Fact]
    public async Task The_people_in_a_frame_become_captures_that_the_taker_stages_and_favourites()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var organisations = await admin.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct);
        var xiayang = organisations.EnumerateArray().First(o => o.GetProperty("name").GetString() == "夏阳派出所").GetProperty("id").GetInt64();

        // A camera of the station that shows the pedestrian footage (every eighth device, vtest.avi from opencv-doc).
        var hits = await station.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?organisationId={xiayang}&pageSize=200"), ct);
        var device = new { Id = hits.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetInt64()).First(id => id % 8 == 0) };
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-20);
        using var taken = await station.PostAsJsonAsync(Url("/api/video/frames"), new { deviceId = device.Id, at }, ct);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var frame = (await taken.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("frames")[2];
        var frameId = frame.GetProperty("id").GetInt64();

        using var made = await station.PostAsync(Url($"/api/video/frames/{frameId}/captures"), null, ct);
        Assert.True(made.StatusCode == HttpStatusCode.OK, await made.Content.ReadAsStringAsync(ct));
        var captures = (await made.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("captures").EnumerateArray().ToList();
        Assert.Contains(captures, c => c.GetProperty("type").GetString() == "body");
        Assert.All(captures, c =>
        {
            Assert.Equal("video-frames", c.GetProperty("source").GetString());
            Assert.Equal(device.Id, c.GetProperty("deviceId").GetInt64());
            Assert.InRange(frame.GetProperty("at").GetDateTimeOffset() - c.GetProperty("time").GetDateTimeOffset(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        });
        var ids = captures.Select(c => c.GetProperty("id").GetInt64()).ToList();

        // Once only: asking again gives the same captures.
        using var again = await station.PostAsync(Url($"/api/video/frames/{frameId}/captures"), null, ct);
        Assert.Equal(ids, (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("captures").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));

        // The crop is the target cut from the frame (its box inside the picture); the scene is the frame without the
        // taker's watermarks (a capture is seen by everyone who may see the camera).
        foreach (var capture in captures)
        {
            using var crop = await station.GetAsync(Url($"/api/captures/{capture.GetProperty("id").GetInt64()}/image"), ct);
            Assert.Equal(HttpStatusCode.OK, crop.StatusCode);
            using var cropped = SkiaSharp.SKBitmap.Decode(await crop.Content.ReadAsByteArrayAsync(ct));
            var box = capture.GetProperty("box");
            Assert.Equal((box.GetProperty("width").GetInt32(), box.GetProperty("height").GetInt32()), (cropped.Width, cropped.Height));
            Assert.InRange(box.GetProperty("x").GetInt32() + box.GetProperty("width").GetInt32(), 1, 640);
            Assert.InRange(box.GetProperty("y").GetInt32() + box.GetProperty("height").GetInt32(), 1, 360);
        }

        using var scene = await station.GetAsync(Url($"/api/captures/{ids[0]}/scene"), ct);
        var sceneBytes = await scene.Content.ReadAsByteArrayAsync(ct);
        using (var decoded = await Watermark.WatermarkEndpointsTests.DecodeAsync(admin, sceneBytes, "scene.jpg", ct))
        {
            await ProblemAssert.IsProblemAsync(decoded, HttpStatusCode.UnprocessableEntity, "watermark.notFound", ct);
        }

        using var served = await station.GetAsync(Url($"/api/video/frames/{frameId}"), ct);
        Assert.NotEqual(sceneBytes, await served.Content.ReadAsByteArrayAsync(ct));

        // Staged and favourited like any capture.
        using var staged = await station.PostAsJsonAsync(Url("/api/shelf/items"), new { captureIds = ids }, ct);
        Assert.True(staged.StatusCode == HttpStatusCode.OK, await staged.Content.ReadAsStringAsync(ct));
        var shelf = await station.GetFromJsonAsync<JsonElement>(Url("/api/shelf"), ct);
        Assert.Contains(shelf.GetProperty("items").EnumerateArray(), i => i.GetProperty("captureId").GetInt64() == ids[0]);
        using var created = await station.PostAsJsonAsync(Url("/api/capture-favourites"), new { name = $"截帧-{frameId}" }, ct);
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        using var favourited = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/items"), new { captureIds = ids }, ct);
        Assert.Equal(ids.Count, (await favourited.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());

        // Another user's frame is not there for them.
        await ProblemAssert.IsProblemAsync(await admin.PostAsync(Url($"/api/video/frames/{frameId}/captures"), null, ct), HttpStatusCode.NotFound, "notFound", ct);
    }

    /// <summary>A device of the station (inside) or of another station (outside), set online.</summary>
    private async Task<(long Id, string Code)> OnlineDeviceAsync(HttpClient admin, bool inside, CancellationToken ct)
    {
        var (mine, others) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var device = inside ? mine[0] : others[0];
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(device.Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);
        return device;
    }

    internal static async Task<string> ProbeAsync(string path, CancellationToken ct)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return output;
    }
}

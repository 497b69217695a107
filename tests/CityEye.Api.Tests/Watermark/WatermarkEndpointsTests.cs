using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Watermark;

/// <summary>
/// Watermarks through the real node (SC-1, SC-2): a snapshot and a downloaded recording carry the caller's covert
/// mark, which the decoder turns back into the user; the style is an administrator's, checked field by field; the
/// decoder refuses what is not an image and says clearly when an image has no mark.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class WatermarkEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task A_snapshot_and_a_downloaded_recording_decode_back_to_the_user_who_took_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (inside, _) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        await factory.Services.GetRequiredService<DeviceStatusFeed>().ApplyAsync([new StatusReport(inside[0].Code, DeviceStatus.Online, TimeProvider.System.GetUtcNow())], ct);
        var me = await station.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);

        using var snapshot = await station.GetAsync(Url($"/api/devices/{inside[0].Id}/snapshot"), ct);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);
        var decoded = await DecodeAsync(admin, await snapshot.Content.ReadAsByteArrayAsync(ct), "snapshot.jpg", ct);
        Assert.Equal(HttpStatusCode.OK, decoded.StatusCode);
        var found = await decoded.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(me.GetProperty("id").GetInt64(), found.GetProperty("userId").GetInt64());
        Assert.Equal("station", found.GetProperty("username").GetString());
        Assert.Equal(1, found.GetProperty("node").GetInt32());
        Assert.Equal("青浦区", found.GetProperty("nodeName").GetString());
        Assert.InRange(found.GetProperty("time").GetDateTimeOffset(), TimeProvider.System.GetUtcNow().AddMinutes(-3), TimeProvider.System.GetUtcNow());

        // A frame of a downloaded recording names the downloader too (the marks are burnt into every frame).
        var from = TimeProvider.System.GetUtcNow().AddHours(-3);
        using var download = await station.GetAsync(Url($"/api/devices/{inside[0].Id}/recording?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddSeconds(3).ToString("O"))}"), ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var frame = await FrameAsync(await download.Content.ReadAsByteArrayAsync(ct), ct);
        using var fromVideo = await DecodeAsync(admin, frame, "frame.png", ct);
        Assert.Equal(HttpStatusCode.OK, fromVideo.StatusCode);
        Assert.Equal("station", (await fromVideo.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("username").GetString());

        // Decoding is for those allowed to trace leaks.
        using var refused = await DecodeAsync(station, frame, "frame.png", ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_decoder_refuses_what_is_not_an_image_and_says_when_there_is_no_mark()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        await ProblemAssert.HasFieldErrorAsync(await DecodeAsync(admin, "just text"u8.ToArray(), "leak.jpg", ct), "image", "watermark.imageInvalid", ct);
        using var withoutImage = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsync(Url("/api/watermark/decode"), withoutImage, ct), "image", "field.required", ct);

        // A picture that never left the node: 422, not a guess.
        await ProblemAssert.IsProblemAsync(await DecodeAsync(admin, Watermark.Scene.Png(7), "clean.png", ct), HttpStatusCode.UnprocessableEntity, "watermark.notFound", ct);
    }

    [Fact]
    public async Task The_style_is_an_administrators_checked_field_by_field_and_changes_the_overlay()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.GetAsync(Url("/api/watermark/style"), ct)).StatusCode);
        var original = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/watermark/style"), ct)).GetProperty("style");

        using var bad = await admin.PutAsJsonAsync(Url("/api/watermark/style"), new { template = "{name} {secret}", fontSize = 4, colour = "blue", opacity = 0.5, angle = -20, density = 3, covertEnabled = true, covertStrength = 0.08, covertCellSize = 8 }, ct);
        var problem = await ProblemAssert.HasFieldErrorAsync(bad, "template", "watermark.placeholder", ct);
        var violations = problem.GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("field").GetString(), v.GetProperty("code").GetString())).ToList();
        Assert.Equal([("template", "watermark.placeholder"), ("fontSize", "field.range"), ("colour", "watermark.colour")], violations);

        try
        {
            using var saved = await admin.PutAsJsonAsync(Url("/api/watermark/style"), new { template = "{username} {time}", fontSize = 20, colour = "#FF3300", opacity = 0.5, angle = 30, density = 5, covertEnabled = true, covertStrength = 0.1, covertCellSize = 10 }, ct);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var style = await admin.GetFromJsonAsync<JsonElement>(Url("/api/watermark/style"), ct);
            Assert.Equal("#FF3300", style.GetProperty("style").GetProperty("colour").GetString());
            Assert.Equal("admin", style.GetProperty("updatedBy").GetString());

            // Every signed-in viewer gets an overlay tile in the new style: whole covert tiles of 16 cells of 10 px.
            using var overlay = await investigator.GetAsync(Url("/api/watermark/overlay"), ct);
            Assert.Equal("image/png", overlay.Content.Headers.ContentType?.MediaType);
            var (width, height) = PngSize(await overlay.Content.ReadAsByteArrayAsync(ct));
            Assert.Equal(0, width % 160);
            Assert.Equal(0, height % 160);

            using var preview = await admin.PostAsJsonAsync(Url("/api/watermark/preview"), new { template = "{name}", fontSize = 16, colour = "#FFFFFF", opacity = 0.3, angle = 0, density = 3, covertEnabled = false, covertStrength = 0.08, covertCellSize = 8 }, ct);
            Assert.Equal(new MediaTypeHeaderValue("image/png"), preview.Content.Headers.ContentType);
            Assert.Equal((640, 360), PngSize(await preview.Content.ReadAsByteArrayAsync(ct)));
        }
        finally
        {
            using var reset = await admin.PutAsJsonAsync(Url("/api/watermark/style"), original, ct);
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }
    }

    internal static async Task<HttpResponseMessage> DecodeAsync(HttpClient client, byte[] image, string name, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
        form.Add(file, "image", name);
        return await client.PostAsync(Url("/api/watermark/decode"), form, ct);
    }

    private static (int Width, int Height) PngSize(byte[] png) =>
        ((png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19], (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);

    /// <summary>The middle frame of an MP4 as a PNG, taken by ffmpeg.</summary>
    private static async Task<byte[]> FrameAsync(byte[] mp4, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("cityeye-watermark-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "clip.mp4"), mp4, ct);
            var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, WorkingDirectory = folder };
            foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-ss", "1.5", "-i", "clip.mp4", "-frames:v", "1", "frame.png" })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var errors = await process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.True(process.ExitCode == 0, errors);
            return await File.ReadAllBytesAsync(Path.Combine(folder, "frame.png"), ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using SkiaSharp;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Captures;

/// <summary>
/// The real models on real photos (Debian's opencv-doc, npm @vladmandic/face-api): detection, attributes, and search
/// by an uploaded photo that finds the person's captures, whose vectors the node computed from their images.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class DetectEndpointsTests(ApiFactory factory)
{
    private const string OpenCvData = "/usr/share/doc/opencv-doc/examples/data";

    private static string FaceApiSample(int n) => Path.Combine(ProcessTests.RepositoryRoot(), "vision", "model-service", "node_modules", "@vladmandic", "face-api", "demo", $"sample{n}.jpg");

    [Fact]
    public async Task Detect_finds_faces_persons_and_vehicles_in_real_photos_and_nothing_in_a_photo_without_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);

        var messi = await DetectAsync(admin, await File.ReadAllBytesAsync(Path.Combine(OpenCvData, "messi5.jpg"), ct), ct);
        var face = Assert.Single(messi, t => t.GetProperty("type").GetString() == "face");
        Assert.Equal("male", face.GetProperty("attributes").GetProperty("gender").GetString());
        var box = face.GetProperty("box");
        Assert.InRange(box.GetProperty("x").GetInt32(), 180, 240); // Messi's head, about (209, 81) in the 548×342 photo
        Assert.InRange(box.GetProperty("y").GetInt32(), 50, 110);
        Assert.Contains(messi, t => t.GetProperty("type").GetString() == "body");

        var group = await DetectAsync(admin, await File.ReadAllBytesAsync(FaceApiSample(1), ct), ct);
        Assert.Equal(3, group.Count(t => t.GetProperty("type").GetString() == "face"));

        var street = await DetectAsync(admin, await File.ReadAllBytesAsync(Path.Combine(OpenCvData, "licenseplate_motion.jpg"), ct), ct);
        Assert.Contains(street, t => t.GetProperty("type").GetString() == "vehicle" && t.GetProperty("attributes").GetProperty("vehicleType").GetString() == "car");

        Assert.Empty(await DetectAsync(admin, await File.ReadAllBytesAsync(Path.Combine(OpenCvData, "fruits.jpg"), ct), ct));
        Assert.Empty(await DetectAsync(admin, CaptureTestData.Png(320, 240, 90, 160, 220), ct));
    }

    [Fact]
    public async Task Uploads_that_are_not_usable_images_are_400_naming_the_field()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        async Task<string?> CodeAsync(byte[]? bytes)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(bytes ?? [1, 2, 3]), bytes is null ? "photo" : "image", "upload.jpg");

            using var response = await admin.PostAsync(Url("/api/detect"), form, ct);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ct);
            Assert.Equal("image", problem.GetProperty("violations")[0].GetProperty("field").GetString());
            return problem.GetProperty("violations")[0].GetProperty("code").GetString();
        }

        Assert.Equal("field.required", await CodeAsync(null));
        Assert.Equal("capture.imageInvalid", await CodeAsync("%PDF-1.7 not an image"u8.ToArray()));
        Assert.Equal("capture.imageTooManyPixels", await CodeAsync(CaptureTestData.PngDeclaring(50_000, 50_000)));
        Assert.Equal("capture.imageTooLarge", await CodeAsync(new byte[9 * 1024 * 1024]));
    }

    [Fact]
    public async Task Searching_by_an_uploaded_photo_finds_that_persons_captures_first()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", ["captures.ingest"], ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var source = "faces-" + Guid.NewGuid().ToString("N")[..8];
        var now = TimeProvider.System.GetUtcNow();

        // Captures without vectors: the node computes them from the crops. Messi's face, cropped from the photo,
        // enlarged and brightened as another camera would see it; and the faces of another photo.
        var messi = await File.ReadAllBytesAsync(Path.Combine(OpenCvData, "messi5.jpg"), ct);
        object[] captures =
        [
            new { sourceId = "messi-a", type = "face", time = now.AddMinutes(-30), deviceId = inside[0].Id, image = Convert.ToBase64String(Variant(messi, new SKRectI(185, 55, 300, 170), 1.6f, 1.25f)) },
            new { sourceId = "messi-b", type = "face", time = now.AddMinutes(-20), deviceId = outside[0].Id, image = Convert.ToBase64String(Variant(messi, new SKRectI(195, 65, 290, 160), 1.0f, 0.8f)) },
            new { sourceId = "other-1", type = "face", time = now.AddMinutes(-10), deviceId = inside[1].Id, image = Convert.ToBase64String(await File.ReadAllBytesAsync(FaceApiSample(2), ct)) },
            new { sourceId = "other-2", type = "face", time = now.AddMinutes(-5), deviceId = inside[1].Id, image = Convert.ToBase64String(await File.ReadAllBytesAsync(FaceApiSample(4), ct)) },
        ];
        using var pushed = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures }, ct);
        Assert.Equal(4, (await pushed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accepted").GetInt32());
        var stored = await CaptureEndpointsTests.WaitForCapturesAsync(admin, $"source={source}", 4, ct);
        var ids = stored.ToDictionary(c => c.GetProperty("sourceId").GetString()!, c => c.GetProperty("id").GetInt64());

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(messi) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "image", "messi5.jpg" },
            { new StringContent("face"), "type" },
            { new StringContent("0.3"), "threshold" },
            { new StringContent(now.AddHours(-1).ToString("O")), "from" },
        };
        using var response = await admin.PostAsync(Url("/api/search/image"), form, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var hits = result.GetProperty("items").EnumerateArray().Where(h => ids.ContainsValue(h.GetProperty("captureId").GetInt64())).ToList();
        Assert.Equal([ids["messi-a"], ids["messi-b"]], hits.Take(2).Select(h => h.GetProperty("captureId").GetInt64()).Order());
        Assert.True(hits[0].GetProperty("similarity").GetDouble() > 0.8, $"similarity {hits[0].GetProperty("similarity").GetDouble()}");
        var others = hits.Skip(2).Select(h => h.GetProperty("similarity").GetDouble()).DefaultIfEmpty(0).Max();
        Assert.True(hits[1].GetProperty("similarity").GetDouble() > others + 0.1, "the person's captures stand clear of other people's");
        Assert.Contains(result.GetProperty("devices").EnumerateArray(), d => d.GetProperty("deviceId").GetInt64() == inside[0].Id);

        // The station user uploads the same photo and sees only the capture at its own device.
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        using var stationForm = new MultipartFormDataContent { { new ByteArrayContent(messi), "image", "messi5.jpg" }, { new StringContent("face"), "type" }, { new StringContent("0.3"), "threshold" } };
        var stationHits = (await (await station.PostAsync(Url("/api/search/image"), stationForm, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(stationHits, h => h.GetProperty("captureId").GetInt64() == ids["messi-a"]);
        Assert.DoesNotContain(stationHits, h => h.GetProperty("captureId").GetInt64() == ids["messi-b"]);

        // A photo without a face: a clear 400, not an empty search.
        using var noFace = new MultipartFormDataContent { { new ByteArrayContent(CaptureTestData.Png(64, 64, 1, 2, 3)), "image", "x.png" }, { new StringContent("face"), "type" } };
        using var refused = await admin.PostAsync(Url("/api/search/image"), noFace, ct);
        Assert.Equal("capture.noTarget", (await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
    }

    private static async Task<List<JsonElement>> DetectAsync(HttpClient client, byte[] image, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(image), "image", "photo.jpg" } };
        using var response = await client.PostAsync(Url("/api/detect"), form, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("targets").EnumerateArray()];
    }

    /// <summary>A region of a photo, scaled and with its brightness changed, as JPEG.</summary>
    private static byte[] Variant(byte[] photo, SKRectI region, float scale, float brightness)
    {
        using var source = SKBitmap.Decode(photo);
        var width = (int)(region.Width * scale);
        var height = (int)(region.Height * scale);
        using var target = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(target))
        using (var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix([brightness, 0, 0, 0, 0, 0, brightness, 0, 0, 0, 0, 0, brightness, 0, 0, 0, 0, 0, 1, 0]) })
        using (var image = SKImage.FromBitmap(source))
        {
            canvas.DrawImage(image, region, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using var encoded = target.Encode(SKEncodedImageFormat.Jpeg, 85);
        return encoded.ToArray();
    }
}

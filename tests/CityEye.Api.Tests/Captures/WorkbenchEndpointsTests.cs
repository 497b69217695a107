using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Captures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Captures;

/// <summary>
/// Working with results (VC-6 to VC-14) against the real node: identity from the person library, plate owners,
/// favourite groups, the latest searches, the staging shelf with trajectory, archives and export, each user's own
/// and limited to their devices.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class WorkbenchEndpointsTests(ApiFactory factory)
{
    private static readonly string[] IngestScope = ["captures.ingest"];

    [Fact]
    public async Task Identity_ranks_the_library_by_face_similarity_and_a_plate_shows_its_owner()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var library = factory.Services.GetRequiredService<PersonLibraryStore>();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var ids = new List<long>();
        for (var p = 0; p < 5; p++)
        {
            ids.Add(await library.UpsertAsync(
                new LibraryPerson { Name = $"测试{p}", IdNumber = $"31011819900101{p}{suffix}", Gender = "male", BirthDate = "1990-01-01", Address = "上海市青浦区", Photo = "blob:none.jpg", Source = "test" },
                CaptureTestData.Vector(1024, 700 + p, 0),
                ct));
        }

        var (captures, _) = await IngestAsync(admin, [("face", 703, 5), ("vehicle", 1, 0)], ct);
        var identity = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/captures/{captures[0]}/identity"), ct);
        var candidates = identity.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(3, candidates.Count);
        Assert.Equal(ids[3], candidates[0].GetProperty("personId").GetInt64());
        Assert.True(candidates[0].GetProperty("similarity").GetDouble() > candidates[1].GetProperty("similarity").GetDouble());
        Assert.True(identity.GetProperty("librarySize").GetInt32() >= 5);

        using var notFace = await admin.GetAsync(Url($"/api/captures/{captures[1]}/identity"), ct);
        await ProblemAssert.HasFieldErrorAsync(notFace, "id", "capture.notFace", ct);

        var registry = factory.Services.GetRequiredService<VehicleRegistryStore>();
        var plate = "沪A" + Random.Shared.Next(10000, 99999);
        await registry.UpsertAsync(
            new RegisteredVehicle
            {
                Plate = plate,
                PlateColour = "blue",
                VehicleColour = "white",
                VehicleType = "car",
                Brand = "大众",
                OwnerName = "王伟",
                OwnerIdNumber = "310118198001011234" + suffix,
                OwnerPhone = "13800000000",
                OwnerAddress = "上海市青浦区华新镇",
                RegisteredOn = "2020-05-01",
                Related = [new RelatedPerson("李娜", "310118198202022345", "配偶", "13900000000")],
            },
            ct);
        await registry.UpsertAsync(
            new RegisteredVehicle
            {
                Plate = "沪B" + plate[2..],
                PlateColour = "blue",
                VehicleColour = "black",
                VehicleType = "suv",
                Brand = "丰田",
                OwnerName = "王伟",
                OwnerIdNumber = "310118198001011234" + suffix,
                OwnerPhone = "13800000000",
                OwnerAddress = "上海市青浦区华新镇",
                RegisteredOn = "2022-01-01",
            },
            ct);
        var owner = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/vehicles/{Uri.EscapeDataString(plate[..2] + "·" + plate[2..])}"), ct);
        Assert.Equal("王伟", owner.GetProperty("vehicle").GetProperty("ownerName").GetString());
        Assert.Equal("配偶", owner.GetProperty("vehicle").GetProperty("related")[0].GetProperty("relation").GetString());
        Assert.Single(owner.GetProperty("ownerVehicles").EnumerateArray());
        using var unknown = await admin.GetAsync(Url("/api/vehicles/" + Uri.EscapeDataString("沪Z99999")), ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Favourite_groups_belong_to_their_user_hold_only_visible_captures_and_copy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (captures, outsideCapture) = await IngestAsync(admin, [("vehicle", 31, 0), ("vehicle", 32, 0), ("vehicle", 33, 0)], ct);

        var name = "嫌疑车辆-" + Guid.NewGuid().ToString("N")[..4];
        using var created = await station.PostAsJsonAsync(Url("/api/capture-favourites"), new { name }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        using var duplicate = await station.PostAsJsonAsync(Url("/api/capture-favourites"), new { name = " " + name + " " }, ct);
        await ProblemAssert.HasFieldErrorAsync(duplicate, "name", "field.unique", ct);
        using var blank = await station.PostAsJsonAsync(Url("/api/capture-favourites"), new { name = "" }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);

        using var added = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/items"), new { captureIds = captures }, ct);
        Assert.Equal(3, (await added.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        using var again = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/items"), new { captureIds = captures }, ct);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        using var outside = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/items"), new { captureIds = new[] { captures[0], outsideCapture } }, ct);
        await ProblemAssert.HasFieldErrorAsync(outside, "captureIds", "capture.notVisible", ct);

        var items = await station.GetFromJsonAsync<JsonElement>(Url($"/api/capture-favourites/{group}/items"), ct);
        Assert.Equal(3, items.GetProperty("total").GetInt32());
        Assert.All(items.GetProperty("items").EnumerateArray(), i => Assert.Equal("vehicle", i.GetProperty("capture").GetProperty("type").GetString()));

        // Another user neither sees nor changes the group.
        using var foreign = await admin.GetAsync(Url($"/api/capture-favourites/{group}/items"), ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var foreignDelete = await admin.DeleteAsync(Url($"/api/capture-favourites/{group}"), ct);
        Assert.Equal(HttpStatusCode.NotFound, foreignDelete.StatusCode);

        using var second = await station.PostAsJsonAsync(Url("/api/capture-favourites"), new { name = name + "-副本" }, ct);
        var copyTo = (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        using var copied = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/copy"), new { toGroupId = copyTo }, ct);
        Assert.Equal(3, (await copied.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        using var removed = await station.PostAsJsonAsync(Url($"/api/capture-favourites/{group}/items/remove"), new { captureIds = new[] { captures[0] } }, ct);
        Assert.Equal(1, (await removed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        using var renamed = await station.PutAsJsonAsync(Url($"/api/capture-favourites/{copyTo}"), new { name }, ct);
        await ProblemAssert.HasFieldErrorAsync(renamed, "name", "field.unique", ct);

        var groups = (await station.GetFromJsonAsync<JsonElement>(Url("/api/capture-favourites"), ct)).EnumerateArray().ToDictionary(g => g.GetProperty("id").GetInt64(), g => g.GetProperty("count").GetInt32());
        Assert.Equal(2, groups[group]);
        Assert.Equal(3, groups[copyTo]);
        using var deleted = await station.DeleteAsync(Url($"/api/capture-favourites/{group}"), ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task The_shelf_marks_captures_draws_their_trajectory_archives_restores_and_exports()
    {
        var ct = TestContext.Current.CancellationToken;
        using var investigator = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (captures, _) = await IngestAsync(investigator, [("body", 41, 0), ("body", 41, 1), ("body", 41, 2)], ct, withScene: true);
        foreach (var archive in (await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf/archives"), ct)).EnumerateArray())
        {
            await investigator.DeleteAsync(Url($"/api/shelf/archives/{archive.GetProperty("id").GetInt64()}"), ct);
        }

        var existing = (await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf"), ct)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("captureId").GetInt64()).ToArray();
        if (existing.Length > 0)
        {
            await investigator.PostAsJsonAsync(Url("/api/shelf/items/remove"), new { captureIds = existing }, ct);
        }

        using var empty = await investigator.PostAsJsonAsync(Url("/api/shelf/archives"), new { name = "空" }, ct);
        await ProblemAssert.HasFieldErrorAsync(empty, "name", "shelf.empty", ct);

        // Added newest first; the shelf and its trajectory are in capture-time order.
        using var staged = await investigator.PostAsJsonAsync(Url("/api/shelf/items"), new { captureIds = captures.Reverse().ToArray() }, ct);
        Assert.Equal(3, (await staged.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        using var badStatus = await investigator.PostAsJsonAsync(Url("/api/shelf/items"), new { captureIds = captures, status = "maybe" }, ct);
        await ProblemAssert.HasFieldErrorAsync(badStatus, "status", "field.unknownValue", ct);
        using var confirmed = await investigator.PutAsJsonAsync(Url($"/api/shelf/items/{captures[1]}"), new { status = "confirmed", note = "衣着一致" }, ct);
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);

        var shelf = (await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf"), ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(captures, shelf.Select(i => i.GetProperty("captureId").GetInt64()).ToArray());
        Assert.Equal(["suspected", "confirmed", "suspected"], shelf.Select(i => i.GetProperty("status").GetString()).ToArray());

        var trajectory = await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf/trajectory"), ct);
        var points = trajectory.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(captures, points.Select(p => p.GetProperty("captureId").GetInt64()).ToArray());
        var legs = trajectory.GetProperty("legs").EnumerateArray().ToList();
        Assert.Equal(2, legs.Count);
        Assert.False(trajectory.GetProperty("routed").GetBoolean());
        Assert.Equal(points[0].GetProperty("longitude").GetDouble(), legs[0][0][0].GetDouble());
        Assert.Equal(points[2].GetProperty("latitude").GetDouble(), legs[1][1][1].GetDouble());
        var confirmedOnly = await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf/trajectory?status=confirmed"), ct);
        Assert.Single(confirmedOnly.GetProperty("points").EnumerateArray());

        using var export = await investigator.GetAsync(Url("/api/shelf/export"), ct);
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        using (var zip = new ZipArchive(await export.Content.ReadAsStreamAsync(ct)))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("shelf.xlsx", names);
            Assert.Equal(3, names.Count(n => n.EndsWith("-target.jpg", StringComparison.Ordinal)));
            Assert.Equal(3, names.Count(n => n.EndsWith("-scene.jpg", StringComparison.Ordinal)));

            // Exported images carry the exporter's covert watermark (SC-2).
            using var scene = new MemoryStream();
            await using (var entry = zip.GetEntry($"images/{captures[0]}-scene.jpg")!.Open())
            {
                await entry.CopyToAsync(scene, ct);
            }

            var me = await investigator.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
            Assert.Equal(me.GetProperty("id").GetInt64(), CityEye.Watermark.CovertDecoder.Decode(scene.ToArray())?.Payload.UserId);
            await using var sheet = zip.GetEntry("shelf.xlsx")!.Open();
            var path = Path.GetTempFileName();
            await using (var file = File.Create(path))
            {
                await sheet.CopyToAsync(file, ct);
            }

            var rows = Spreadsheets.XlsxReader.Read(path, 100).ToList();
            File.Delete(path);
            Assert.Equal(4, rows.Count);
            Assert.Equal("衣着一致", rows[2].Cells[8]);
            Assert.Equal($"images/{captures[0]}-target.jpg", rows[1].Cells[11]);
        }

        using var archived = await investigator.PostAsJsonAsync(Url("/api/shelf/archives"), new { name = "案件 A" }, ct);
        var archiveId = (await archived.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        Assert.Empty((await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf"), ct)).GetProperty("items").EnumerateArray());
        Assert.Equal(3, (await investigator.GetFromJsonAsync<JsonElement>(Url($"/api/shelf?archiveId={archiveId}"), ct)).GetProperty("items").GetArrayLength());
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        using var foreign = await station.GetAsync(Url($"/api/shelf?archiveId={archiveId}"), ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using var restored = await investigator.PostAsync(Url($"/api/shelf/archives/{archiveId}/restore"), null, ct);
        Assert.Equal(3, (await restored.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("changed").GetInt32());
        var back = (await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf"), ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("confirmed", back[1].GetProperty("status").GetString());
        Assert.Empty((await investigator.GetFromJsonAsync<JsonElement>(Url("/api/shelf/archives"), ct)).EnumerateArray());
    }

    [Fact]
    public async Task Remembered_searches_keep_the_latest_twenty_per_user()
    {
        var ct = TestContext.Current.CancellationToken;
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        await station.DeleteAsync(Url("/api/search/history"), ct);
        for (var i = 0; i < 22; i++)
        {
            using var response = await station.GetAsync(Url($"/api/captures?type=vehicle&plate={Uri.EscapeDataString($"沪A{i:00}")}&plateMatch=prefix&remember=true"), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var notRemembered = await station.GetAsync(Url("/api/captures?type=face&gender=female"), ct);
        var history = (await station.GetFromJsonAsync<JsonElement>(Url("/api/search/history"), ct)).EnumerateArray().ToList();
        Assert.Equal(20, history.Count);
        Assert.Equal("vehicle", history[0].GetProperty("kind").GetString());
        var request = JsonSerializer.Deserialize<Dictionary<string, string>>(history[0].GetProperty("request").GetString()!)!;
        Assert.Equal("沪A21", request["plate"]);
        Assert.Equal("prefix", request["plateMatch"]);
        Assert.False(request.ContainsKey("remember"));
        Assert.Equal("沪A02", JsonSerializer.Deserialize<Dictionary<string, string>>(history[^1].GetProperty("request").GetString()!)!["plate"]);

        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>(Url("/api/search/history"), ct)).EnumerateArray(), h => h.GetProperty("id").GetInt64() == history[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Trajectories_follow_roads_from_an_osrm_compatible_service_and_fall_back_to_straight_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var requests = new List<string>();
        _ = Task.Run(
            async () =>
            {
                while (http.IsListening)
                {
                    var context = await http.GetContextAsync();
                    requests.Add(context.Request.Url!.PathAndQuery);
                    var body = """{"code":"Ok","routes":[{"geometry":{"type":"LineString","coordinates":[[121.1,31.1],[121.15,31.12],[121.2,31.2]]}}]}"""u8.ToArray();
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(body, ct);
                    context.Response.Close();
                }
            },
            ct);
        var points = new List<TrajectoryPoint>
        {
            new(1, CaptureType.Vehicle, "suspected", TimeProvider.System.GetUtcNow(), 1, "A", 121.1, 31.1),
            new(2, CaptureType.Vehicle, "suspected", TimeProvider.System.GetUtcNow(), 2, "B", 121.2, 31.2),
        };
        var clients = factory.Services.GetRequiredService<IHttpClientFactory>();
        var routing = new ShelfRouting(clients, Options.Create(new CapturesOptions { RoutingUrl = $"http://127.0.0.1:{port}/osrm" }), NullLogger<ShelfRouting>.Instance);
        var (legs, routed) = await routing.LegsAsync(points, ct);
        Assert.True(routed);
        Assert.Equal(3, Assert.Single(legs).Count);
        Assert.Equal("/osrm/route/v1/driving/121.100000,31.100000;121.200000,31.200000?overview=full&geometries=geojson", Assert.Single(requests));
        http.Stop();

        var (fallback, fellBack) = await routing.LegsAsync(points, ct);
        Assert.False(fellBack);
        Assert.Equal(2, Assert.Single(fallback).Count);
    }

    /// <summary>
    /// Ingests captures (type, person, variant) at the station user's devices, ten minutes apart, and one more vehicle
    /// at another station's device; returns the ids of the first ones in order and the other one.
    /// </summary>
    private async Task<(long[] Ids, long Outside)> IngestAsync(HttpClient admin, (string Type, int Person, int Variant)[] wanted, CancellationToken ct, bool withScene = false)
    {
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", IngestScope, ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var source = "wb-" + Guid.NewGuid().ToString("N")[..8];
        var start = TimeProvider.System.GetUtcNow().AddHours(-2);
        var png = Convert.ToBase64String(CaptureTestData.Png(40, 60, 120, 40, 40));
        var scene = Convert.ToBase64String(CaptureTestData.Png(320, 200, 30, 30, 30));
        var captures = wanted.Select((w, i) => (object)new
        {
            sourceId = $"c{i}",
            type = w.Type,
            time = start.AddMinutes(10 * i),
            deviceId = inside[i % 2].Id,
            image = Convert.ToBase64String(CaptureTestData.Png(40, 60, (byte)(100 + i), 40, 40)),
            sceneImage = withScene ? scene : null,
            vector = CaptureTestData.Vector(w.Type switch { "face" => 1024, "body" => 592, _ => 512 }, w.Person, w.Variant),
        }).Append(new { sourceId = "outside", type = "vehicle", time = start, deviceId = outside[0].Id, image = png, vector = CaptureTestData.Vector(512, 99, 0) }).ToList();
        using var pushed = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures }, ct);
        var results = (await pushed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("captureId").GetInt64()).ToArray();
        await CaptureEndpointsTests.WaitForCapturesAsync(admin, $"source={source}", captures.Count, ct);
        return (results[..^1], results[^1]);
    }
}

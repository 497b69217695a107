using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Captures;

/// <summary>
/// Capture ingest (IN-3), search (VC-1 to VC-5) and permissions against the real node (demo district, DuckDB,
/// USearch): per-capture reports, duplicates, images, plate and attribute search, image search, device scope.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class CaptureEndpointsTests(ApiFactory factory)
{
    private static readonly string[] IngestScope = ["captures.ingest"];
    private static readonly string[] PersonASources = ["a1", "a2", "a3"];
    private static readonly string[] PersonBSources = ["b0", "b1", "b2"];

    [Fact]
    public async Task Ingest_checks_every_capture_stores_the_good_ones_once_and_reports_each()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", IngestScope, ct);
        var (inside, _) = await DevicesAsync(admin, ct);
        var source = "ivs-" + Guid.NewGuid().ToString("N")[..8];
        var now = TimeProvider.System.GetUtcNow();
        var png = CaptureTestData.Png(48, 64, 200, 30, 30);
        var nan = CaptureTestData.Vector(1024, 1, 0).Select(v => (object)v).ToArray();
        nan[5] = "NaN";
        object[] captures =
        [
            new { sourceId = "f-1", type = "face", time = now.AddMinutes(-5), deviceCode = inside[0].Code, box = new { x = 10, y = 20, width = 48, height = 64 },
                  attributes = new { gender = "male", ageGroup = "adult", glasses = "no", mask = "no" }, image = Convert.ToBase64String(png), vector = CaptureTestData.Vector(1024, 1, 0) },
            new { sourceId = "v-1", type = "vehicle", time = now.AddMinutes(-4), deviceId = inside[1].Id,
                  attributes = new { plateNumber = "沪A·12345", plateColour = "blue", vehicleColour = "white", vehicleType = "car", brand = "大众" },
                  imageUrl = "http://127.0.0.1:9/ivs/v-1.jpg", vector = CaptureTestData.Vector(512, 2, 0) },
            new { sourceId = "bad-device", type = "face", time = now, deviceCode = "31011800001320999999", image = Convert.ToBase64String(png) },
            new { sourceId = "bad-dim", type = "face", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(png), vector = new float[511] },
            new { sourceId = "bad-nan", type = "face", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(png), vector = nan },
            new { sourceId = "bad-image", type = "body", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String("not an image at all"u8.ToArray()) },
            new { sourceId = "bad-bomb", type = "body", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(CaptureTestData.PngDeclaring(60_000, 60_000)) },
            new { sourceId = "bad-large", type = "body", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(new byte[9 * 1024 * 1024]) },
            new { sourceId = "bad-future", type = "body", time = now.AddHours(2), deviceCode = inside[0].Code, image = Convert.ToBase64String(png) },
            new { sourceId = "bad-old", type = "body", time = now.AddDays(-400), deviceCode = inside[0].Code, image = Convert.ToBase64String(png) },
            new { sourceId = "bad-attributes", type = "body", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(png), attributes = new { upperColour = "plaid", plateNumber = "沪A12345" } },
            new { sourceId = "bad-plate", type = "vehicle", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(png), attributes = new { plateNumber = "沪A1" } },
            new { sourceId = "f-1", type = "face", time = now, deviceCode = inside[0].Code, image = Convert.ToBase64String(png) },
            new { type = "body", time = now, deviceCode = inside[0].Code },
        ];

        using var response = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures }, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((2, 0, 12), (report.GetProperty("accepted").GetInt32(), report.GetProperty("duplicates").GetInt32(), report.GetProperty("rejected").GetInt32()));
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(captures.Length, results.Count);
        Assert.Equal("accepted", results[0].GetProperty("status").GetString());
        var faceId = results[0].GetProperty("captureId").GetInt64();
        var vehicleId = results[1].GetProperty("captureId").GetInt64();
        Assert.Equal(faceId + 1, vehicleId);

        (string Field, string Code) First(int index) => results[index].GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("field").GetString()!, v.GetProperty("code").GetString()!)).First();
        Assert.Equal(("deviceCode", "capture.unknownDevice"), First(2));
        Assert.Equal(("vector", "capture.vectorDimension"), First(3));
        Assert.Equal(("vector", "capture.vectorInvalid"), First(4));
        Assert.Equal(("image", "capture.imageInvalid"), First(5));
        Assert.Equal(("image", "capture.imageTooManyPixels"), First(6));
        Assert.Equal(("image", "capture.imageTooLarge"), First(7));
        Assert.Equal(("time", "capture.timeInFuture"), First(8));
        Assert.Equal(("time", "capture.tooOld"), First(9));
        var attributeViolations = results[10].GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("field").GetString(), v.GetProperty("code").GetString())).ToList();
        Assert.Contains(("attributes.upperColour", "field.unknownValue"), attributeViolations);
        Assert.Contains(("attributes.plateNumber", "capture.attributeNotApplicable"), attributeViolations);
        Assert.Equal(("attributes.plateNumber", "field.format"), First(11));
        Assert.Equal(("sourceId", "capture.duplicateInBatch"), First(12));
        Assert.Equal(("sourceId", "field.required"), First(13));

        // The same batch again (a retry): the stored ones are duplicates with their ids, nothing is stored twice.
        using var again = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures = captures.Take(2) }, ct);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((0, 2), (second.GetProperty("accepted").GetInt32(), second.GetProperty("duplicates").GetInt32()));
        Assert.Equal(faceId, second.GetProperty("results")[0].GetProperty("captureId").GetInt64());

        var stored = await WaitForCapturesAsync(admin, $"source={source}", 2, ct);
        var face = stored.Single(c => c.GetProperty("id").GetInt64() == faceId);
        Assert.Equal("face", face.GetProperty("type").GetString());
        Assert.Equal(inside[0].Id, face.GetProperty("deviceId").GetInt64());
        Assert.Equal("male", face.GetProperty("attributes").GetProperty("gender").GetString());
        Assert.Equal(48, face.GetProperty("box").GetProperty("width").GetInt32());
        var vehicle = stored.Single(c => c.GetProperty("id").GetInt64() == vehicleId);
        Assert.Equal("沪A12345", vehicle.GetProperty("attributes").GetProperty("plateNumber").GetString());

        using var image = await admin.GetAsync(Url($"/api/captures/{faceId}/image"), ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await image.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Url($"/api/captures/{faceId}/scene"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Url($"/api/captures/{vehicleId}/image"), ct)).StatusCode); // the source system's URL does not answer

        // An ingest token cannot read captures, and a user without captures.ingest cannot push.
        Assert.Equal(HttpStatusCode.Forbidden, (await ivs.GetAsync(Url("/api/captures"), ct)).StatusCode);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await station.PostAsJsonAsync(Url("/api/captures"), new { source, captures = captures.Take(1) }, ct)).StatusCode);
    }

    [Fact]
    public async Task Bad_envelopes_are_400_naming_the_field()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", IngestScope, ct);
        using var noSource = await ivs.PostAsJsonAsync(Url("/api/captures"), new { captures = new[] { new { sourceId = "x" } } }, ct);
        var fields = (await ProblemAssert.IsProblemAsync(noSource, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Equal(["source"], fields);
        using var empty = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source = "bad source!", captures = Array.Empty<object>() }, ct);
        fields = (await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Equal(["source", "captures"], fields);
        using var tooMany = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source = "ivs", captures = Enumerable.Range(0, 1001).Select(i => new { sourceId = $"s{i}" }) }, ct);
        Assert.Equal("capture.tooManyInBatch", (await ProblemAssert.IsProblemAsync(tooMany, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        using var malformed = await ivs.PostAsync(Url("/api/captures"), new StringContent("{\"source\":\"ivs\",\"captures\":[{", System.Text.Encoding.UTF8, "application/json"), ct);
        await ProblemAssert.IsProblemAsync(malformed, HttpStatusCode.BadRequest, ct);
    }

    [Fact]
    public async Task Searches_filter_by_attributes_plates_and_region_and_a_station_user_sees_only_its_devices()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", IngestScope, ct);
        var (inside, outside) = await DevicesAsync(admin, ct);
        var source = "ivs-" + Guid.NewGuid().ToString("N")[..8];
        var now = TimeProvider.System.GetUtcNow().AddHours(-1);
        var png = Convert.ToBase64String(CaptureTestData.Png(40, 40, 20, 90, 200));
        var captures = new List<object>();
        for (var i = 0; i < 12; i++)
        {
            var device = i % 3 == 0 ? outside[0] : inside[i % 2];
            captures.Add(new
            {
                sourceId = $"veh-{i}",
                type = "vehicle",
                time = now.AddMinutes(i),
                deviceId = device.Id,
                attributes = new { plateNumber = i < 6 ? $"沪B5{i}6{i}8" : $"苏E7{i % 10}1{i % 10}2", plateColour = i % 2 == 0 ? "blue" : "yellow", vehicleColour = "black" },
                image = png,
                vector = CaptureTestData.Vector(512, 10 + (i % 4), i),
            });
        }

        using var pushed = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures }, ct);
        Assert.Equal(12, (await pushed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accepted").GetInt32());
        var all = await WaitForCapturesAsync(admin, $"source={source}&pageSize=50", 12, ct);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.GetProperty("time").GetDateTimeOffset() >= p.Second.GetProperty("time").GetDateTimeOffset()), "newest first");

        async Task<long> CountAsync(HttpClient client, string query)
        {
            using var response = await client.GetAsync(Url($"/api/captures?source={source}&{query}"), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, $"{query}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64();
        }
        Assert.Equal(1, await CountAsync(admin, "plate=" + Uri.EscapeDataString("沪B53638")));
        Assert.Equal(1, await CountAsync(admin, "plate=B53638"));
        Assert.Equal(6, await CountAsync(admin, "plate=" + Uri.EscapeDataString("沪B5") + "&plateMatch=prefix"));
        Assert.Equal(1, await CountAsync(admin, "plate=" + Uri.EscapeDataString("沪B53639") + "&plateMatch=fuzzy"));
        Assert.Equal(6, await CountAsync(admin, "plate=E7%3F1%3F2&plateMatch=fuzzy"));
        Assert.Equal(6, await CountAsync(admin, "plateColour=yellow"));
        Assert.Equal(4, await CountAsync(admin, $"deviceIds={outside[0].Id}"));
        Assert.Equal(0, await CountAsync(admin, "type=face"));
        using var badPlate = await admin.GetAsync(Url($"/api/captures?plate=%27%3B--"), ct);
        Assert.Equal("plate", (await ProblemAssert.IsProblemAsync(badPlate, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("field").GetString());
        using var badColour = await admin.GetAsync(Url($"/api/captures?upperColour=plaid"), ct);
        await ProblemAssert.IsProblemAsync(badColour, HttpStatusCode.BadRequest, ct);

        // The police-station user sees the captures of its own devices only; another station's capture is not found.
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        Assert.Equal(8, await CountAsync(station, "pageSize=50"));
        Assert.Equal(0, await CountAsync(station, $"deviceIds={outside[0].Id}"));
        var foreign = all.First(c => c.GetProperty("deviceId").GetInt64() == outside[0].Id).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await station.GetAsync(Url($"/api/captures/{foreign}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await station.GetAsync(Url($"/api/captures/{foreign}/image"), ct)).StatusCode);
        using var searchForeign = await station.PostAsJsonAsync(Url("/api/search/image"), new { captureId = foreign }, ct);
        Assert.Equal(HttpStatusCode.NotFound, searchForeign.StatusCode);

        // Image search by a stored capture: itself first, then the same "vehicle" seen elsewhere; the station only its own.
        var probe = all.First(c => c.GetProperty("sourceId").GetString() == "veh-1").GetProperty("id").GetInt64();
        using var byImage = await admin.PostAsJsonAsync(Url("/api/search/image"), new { captureId = probe, threshold = 0.8, from = now.AddMinutes(-1), to = now.AddHours(1) }, ct);
        Assert.Equal(HttpStatusCode.OK, byImage.StatusCode);
        var hits = (await byImage.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(probe, hits[0].GetProperty("captureId").GetInt64());
        Assert.InRange(hits[0].GetProperty("similarity").GetDouble(), 0.99, 1.01);
        var sameVehicle = all.Where(c => new[] { "veh-1", "veh-5", "veh-9" }.Contains(c.GetProperty("sourceId").GetString())).Select(c => c.GetProperty("id").GetInt64()).Order();
        Assert.Equal(sameVehicle, hits.Select(h => h.GetProperty("captureId").GetInt64()).Where(sameVehicle.Contains).Order());
        Assert.All(hits, h => Assert.True(h.GetProperty("similarity").GetDouble() >= 0.8));
        using var stationSearch = await station.PostAsJsonAsync(Url("/api/search/image"), new { captureId = probe, threshold = 0.5 }, ct);
        var stationHits = (await stationSearch.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(stationHits);
        Assert.DoesNotContain(stationHits, h => h.GetProperty("deviceId").GetInt64() == outside[0].Id);
        using var badSearch = await admin.PostAsJsonAsync(Url("/api/search/image"), new { threshold = 2 }, ct);
        var badFields = (await ProblemAssert.IsProblemAsync(badSearch, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Equal(["threshold", "captureId"], badFields);
        using var noCapture = await admin.PostAsJsonAsync(Url("/api/search/image"), new { threshold = 0.5, deviceIds = "1,x" }, ct);
        badFields = (await ProblemAssert.IsProblemAsync(noCapture, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Equal(["deviceIds", "captureId"], badFields);
    }

    [Fact]
    public async Task Captures_of_one_person_are_linked_at_ingest_and_co_travellers_are_ranked_within_the_callers_devices()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var ivs = await CaptureTestData.TokenClientAsync(factory, admin, "智能视频系统", IngestScope, ct);
        var (inside, outside) = await DevicesAsync(admin, ct);
        var source = "co-" + Guid.NewGuid().ToString("N")[..8];
        var start = TimeProvider.System.GetUtcNow().AddHours(-3);
        var png = Convert.ToBase64String(CaptureTestData.Png(24, 24, 5, 5, 5));
        var captures = new List<object>();
        void Add(string id, int person, int n, long device, DateTimeOffset at) =>
            captures.Add(new { sourceId = id, type = "face", time = at, deviceId = device, image = png, vector = CaptureTestData.Vector(1024, person, n) });

        // Person 50 passes four places; person 51 is beside it at three of them (one outside the station), 52 once.
        long[] route = [inside[0].Id, inside[1].Id, outside[0].Id, inside[0].Id];
        for (var i = 0; i < route.Length; i++)
        {
            Add($"a{i}", 50, i, route[i], start.AddMinutes(30 * i));
        }

        Add("b0", 51, 0, inside[0].Id, start.AddSeconds(20));
        Add("b1", 51, 1, inside[1].Id, start.AddMinutes(30).AddSeconds(-40));
        Add("b2", 51, 2, outside[0].Id, start.AddMinutes(60).AddSeconds(10));
        Add("c0", 52, 0, inside[1].Id, start.AddMinutes(30).AddSeconds(15));
        using var pushed = await ivs.PostAsJsonAsync(Url("/api/captures"), new { source, captures }, ct);
        Assert.Equal(8, (await pushed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accepted").GetInt32());
        var stored = (await WaitForCapturesAsync(admin, $"source={source}", 8, ct)).ToDictionary(c => c.GetProperty("sourceId").GetString()!);

        // One person archive per person: the vectors linked them at ingest.
        var personA = stored["a0"].GetProperty("personId").GetInt64();
        Assert.All(PersonASources, id => Assert.Equal(personA, stored[id].GetProperty("personId").GetInt64()));
        var personB = stored["b0"].GetProperty("personId").GetInt64();
        Assert.NotEqual(personA, personB);
        Assert.Equal(personB, stored["b2"].GetProperty("personId").GetInt64());
        Assert.Equal(4, (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/captures?personId={personA}"), ct)).GetProperty("total").GetInt64());

        var co = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/captures/{stored["a1"].GetProperty("id").GetInt64()}/co-travellers?windowSeconds=60&minTimes=2"), ct);
        Assert.Equal(personA, co.GetProperty("personId").GetInt64());
        var companion = Assert.Single(co.GetProperty("items").EnumerateArray());
        Assert.Equal((personB, 3), (companion.GetProperty("personId").GetInt64(), companion.GetProperty("times").GetInt32()));
        Assert.Equal(
            PersonBSources,
            companion.GetProperty("occurrences").EnumerateArray().Select(o => o.GetProperty("other").GetProperty("sourceId").GetString()).Order());
        var loose = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/captures/{stored["a0"].GetProperty("id").GetInt64()}/co-travellers?windowSeconds=60&minTimes=1"), ct);
        Assert.Equal(2, loose.GetProperty("items").GetArrayLength());

        // The station user does not see the co-occurrence at the other station's device.
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var seen = await station.GetFromJsonAsync<JsonElement>(Url($"/api/captures/{stored["a0"].GetProperty("id").GetInt64()}/co-travellers?windowSeconds=60&minTimes=2"), ct);
        Assert.Equal(2, Assert.Single(seen.GetProperty("items").EnumerateArray()).GetProperty("times").GetInt32());
        using var bad = await admin.GetAsync(Url($"/api/captures/{stored["a0"].GetProperty("id").GetInt64()}/co-travellers?windowSeconds=1"), ct);
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ct);
    }

    /// <summary>Two devices of the station user's police station (夏阳) and one of another station.</summary>
    internal static async Task<(List<(long Id, string Code)> Inside, List<(long Id, string Code)> Outside)> DevicesAsync(HttpClient admin, CancellationToken ct)
    {
        var organisations = await admin.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct);
        var xiayang = organisations.EnumerateArray().First(o => o.GetProperty("name").GetString() == "夏阳派出所").GetProperty("id").GetInt64();
        var other = organisations.EnumerateArray().First(o => o.GetProperty("kind").GetString() == "station" && o.GetProperty("id").GetInt64() != xiayang).GetProperty("id").GetInt64();
        // The search index follows the ledger a moment later, and other tests delete, move and recode devices: take
        // the ids from the search, but the code and unit from the device file, and only devices still there.
        async Task<List<(long, string)>> Of(long organisation)
        {
            var found = new List<(long, string)>();
            var name = organisations.EnumerateArray().First(o => o.GetProperty("id").GetInt64() == organisation).GetProperty("name").GetString();
            foreach (var hit in (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?organisationId={organisation}&pageSize=20"), ct)).GetProperty("items").EnumerateArray())
            {
                using var response = await admin.GetAsync(Url($"/api/devices/{hit.GetProperty("id").GetInt64()}"), ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                var file = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                if (file.GetProperty("organisationName").GetString() == name && file.GetProperty("fields").GetProperty("gbCode").GetString() is { Length: 20 } code)
                {
                    found.Add((file.GetProperty("id").GetInt64(), code));
                }

                if (found.Count == 2)
                {
                    break;
                }
            }

            Assert.Equal(2, found.Count);
            return found;
        }

        return (await Of(xiayang), await Of(other));
    }

    /// <summary>Waits until the drain has stored <paramref name="count"/> captures matching the query, and returns them.</summary>
    internal static async Task<List<JsonElement>> WaitForCapturesAsync(HttpClient client, string query, int count, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(Url($"/api/captures?{query}"), ct);
            if (page.GetProperty("total").GetInt64() >= count)
            {
                return [.. page.GetProperty("items").EnumerateArray()];
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"only {page.GetProperty("total").GetInt64()} of {count} captures stored");
            await Task.Delay(100, ct);
        }
    }
}

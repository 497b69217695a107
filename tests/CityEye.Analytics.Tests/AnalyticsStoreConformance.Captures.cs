using CityEye.Analytics.Captures;
using CityEye.Core.Captures;

namespace CityEye.Analytics.Tests;

/// <summary>What every provider must do with captures (<see cref="ICaptureStore"/>), on the same real engines.</summary>
public abstract partial class AnalyticsStoreConformance
{
    private static readonly DateTimeOffset CaptureStart = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private ICaptureStore Captures => (ICaptureStore)Store;

    /// <summary>
    /// 300 captures over three days at four devices: faces, bodies and vehicles in turn, attributes cycling, plates
    /// 沪A1234x / 苏E5678x, vectors for faces and vehicles.
    /// </summary>
    internal static List<CaptureRecord> CaptureRecords(long firstId = 1, string source = "vendor")
    {
        var records = new List<CaptureRecord>();
        for (var i = 0; i < 300; i++)
        {
            var type = (CaptureType)(i % 3);
            var attributes = type switch
            {
                CaptureType.Face => new CaptureAttributes { Gender = i % 2 == 0 ? "male" : "female", AgeGroup = "adult", Mask = i % 5 == 0 ? "yes" : "no" },
                CaptureType.Body => new CaptureAttributes { Gender = "male", UpperColour = i % 4 == 1 ? "red" : "blue", LowerColour = "black", Backpack = "yes" },
                _ => new CaptureAttributes
                {
                    PlateNumber = (i % 2 == 0 ? "沪A1234" : "苏E5678") + (char)('0' + (i % 10)),
                    PlateColour = "blue",
                    VehicleColour = i % 4 == 2 ? "white" : "black",
                    VehicleType = "car",
                    Brand = "O'Brien \"Motors\"",
                },
            };
            float[]? vector = type == CaptureType.Body ? null : [.. Enumerable.Range(0, 8).Select(d => (float)Math.Sin(i + d))];
            records.Add(new CaptureRecord(
                new Capture
                {
                    Id = firstId + i,
                    Type = type,
                    Source = source,
                    SourceId = $"src-{i:D4}",
                    Time = CaptureStart.AddMinutes(15 * i),
                    DeviceId = 100 + (i % 4),
                    DeviceCode = $"3101180100132000{i % 4:D4}",
                    Box = new CaptureBox(10, 20, 64, 128),
                    CropImage = $"blob:captures/{i}.jpg",
                    SceneImage = i % 2 == 0 ? $"http://127.0.0.1:9/scene/{i}.jpg" : null,
                    Attributes = attributes,
                    PersonId = type == CaptureType.Vehicle ? 0 : 1 + (i % 7),
                    IngestedAt = CaptureStart.AddMinutes(15 * i).AddSeconds(3),
                },
                vector));
        }

        return records;
    }

    [Fact]
    public async Task Captures_round_trip_and_a_batch_written_twice_is_stored_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var records = CaptureRecords();
        Assert.Equal(300, (await Captures.AppendCapturesAsync(records, ct)).Count);
        Assert.Empty(await Captures.AppendCapturesAsync(records, ct));
        Assert.Equal(300, await Captures.MaxCaptureIdAsync(ct));

        // The same source ids under new node ids (sent again after the duplicate check forgot them) are skipped too,
        // and so is a duplicate inside one batch; another source may reuse the ids.
        var again = CaptureRecords(firstId: 301).Take(5).ToList();
        var other = CaptureRecords(firstId: 306, source: "other").Take(2).ToList();
        var written = await Captures.AppendCapturesAsync([.. again, .. other, other[0] with { Capture = other[0].Capture with { Id = 308 } }], ct);
        Assert.Equal([306, 307], written);

        var stored = await Captures.GetCapturesAsync([1, 3, 306, 999], ct);
        Assert.Equal([1, 3, 306], stored.Select(c => c.Id).Order());
        var vehicle = stored.Single(c => c.Id == 3);
        Assert.Equal(records[2].Capture, vehicle);
        Assert.Equal("O'Brien \"Motors\"", vehicle.Attributes.Brand);
        Assert.Equal("沪A12342", vehicle.Attributes.PlateNumber);
        Assert.Equal(records[0].Capture, stored.Single(c => c.Id == 1));

        var keys = await Captures.SourceKeysSinceAsync(CaptureStart.AddDays(3), ct);
        Assert.Equal(records.Count(r => r.Capture.IngestedAt >= CaptureStart.AddDays(3)), keys.Count);
        Assert.Contains(new CaptureSourceKey("vendor", "src-0299", 300), keys);
        var all = await Captures.SourceKeysSinceAsync(CaptureStart, ct);
        Assert.Equal(302, all.Count);
        Assert.Contains(new CaptureSourceKey("other", "src-0000", 306), all);
    }

    [Fact]
    public async Task Capture_queries_filter_by_type_time_devices_and_attributes_and_page_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var records = CaptureRecords();
        await Captures.AppendCapturesAsync(records, ct);

        var query = new CaptureQuery
        {
            Type = CaptureType.Face,
            From = CaptureStart.AddHours(6),
            Until = CaptureStart.AddDays(2),
            DeviceIds = [100, 102],
            Attributes = new Dictionary<string, string> { ["gender"] = "male" },
            Limit = 7,
            Offset = 3,
        };
        var expected = records.Select(r => r.Capture)
            .Where(c => c.Type == CaptureType.Face && c.Time >= query.From && c.Time < query.Until && c.DeviceId is 100 or 102 && c.Attributes.Gender == "male")
            .OrderByDescending(c => c.Time).ToList();
        Assert.NotEmpty(expected);
        var page = await Captures.QueryCapturesAsync(query, ct);
        Assert.Equal(expected.Count, page.Total);
        Assert.Equal(expected.Skip(3).Take(7).Select(c => c.Id), page.Items.Select(c => c.Id));

        var oldest = await Captures.QueryCapturesAsync(query with { OldestFirst = true, Offset = 0, Limit = 1 }, ct);
        Assert.Equal(expected[^1].Id, oldest.Items.Single().Id);

        var red = await Captures.QueryCapturesAsync(new CaptureQuery { Type = CaptureType.Body, Attributes = new Dictionary<string, string> { ["upperColour"] = "red" } }, ct);
        Assert.Equal(records.Count(r => r.Capture.Attributes.UpperColour == "red"), red.Total);

        var nobody = await Captures.QueryCapturesAsync(new CaptureQuery { DeviceIds = [] }, ct);
        Assert.Equal(0, nobody.Total);

        var hostile = await Captures.QueryCapturesAsync(new CaptureQuery { Attributes = new Dictionary<string, string> { ["brand"] = "O'Brien \"Motors\"" } }, ct);
        Assert.Equal(100, hostile.Total);
        var person = await Captures.QueryCapturesAsync(new CaptureQuery { PersonId = 3, Limit = 500 }, ct);
        Assert.Equal(records.Count(r => r.Capture.PersonId == 3), person.Total);
    }

    [Theory]
    [InlineData("沪A12342", PlateMatch.Exact, 10)]
    [InlineData("A12342", PlateMatch.Exact, 10)]
    [InlineData("沪a1234-2", PlateMatch.Exact, 10)]
    [InlineData("苏A12342", PlateMatch.Exact, 0)]
    [InlineData("沪A123", PlateMatch.Prefix, 50)]
    [InlineData("E56", PlateMatch.Prefix, 50)]
    [InlineData("沪A12942", PlateMatch.Fuzzy, 10)]
    [InlineData("A1234?", PlateMatch.Fuzzy, 50)]
    [InlineData("*81", PlateMatch.Fuzzy, 10)]
    [InlineData("沪A99999", PlateMatch.Fuzzy, 0)]
    public async Task Plates_match_exactly_by_prefix_and_fuzzily_with_or_without_the_province(string plate, PlateMatch mode, int count)
    {
        var ct = TestContext.Current.CancellationToken;
        await Captures.AppendCapturesAsync(CaptureRecords(), ct);
        var page = await Captures.QueryCapturesAsync(new CaptureQuery { Type = CaptureType.Vehicle, Plate = plate, PlateMatchMode = mode }, ct);
        Assert.Equal(count, page.Total);
    }

    [Fact]
    public async Task Vectors_are_kept_at_half_precision_and_read_back_per_type_and_day()
    {
        var ct = TestContext.Current.CancellationToken;
        var records = CaptureRecords();
        await Captures.AppendCapturesAsync(records, ct);

        var counts = await Captures.CountCaptureVectorsByDayAsync(CaptureType.Face, ct);
        var expected = records.Where(r => r.Capture.Type == CaptureType.Face)
            .GroupBy(r => DateOnly.FromDateTime(r.Capture.Time.UtcDateTime)).Select(g => new CaptureDayCount(g.Key, g.Count())).ToList();
        Assert.Equal(expected, counts);
        Assert.Empty(await Captures.CountCaptureVectorsByDayAsync(CaptureType.Body, ct));

        var day = expected[1].Day;
        var read = new List<CaptureVector>();
        long after = 0;
        while (await Captures.ReadCaptureVectorsAsync(CaptureType.Face, after, 13, day, ct) is { Count: > 0 } batch)
        {
            read.AddRange(batch);
            after = batch[^1].Id;
        }

        Assert.Equal(expected[1].Count, read.Count);
        foreach (var vector in read)
        {
            var original = records[(int)vector.Id - 1];
            Assert.Equal(original.Capture.Time, vector.Time);
            Assert.Equal(original.Capture.DeviceId, vector.DeviceId);
            Assert.Equal(original.Vector!.Length, vector.Vector.Length);
            for (var d = 0; d < vector.Vector.Length; d++)
            {
                Assert.InRange(vector.Vector[d] - original.Vector[d], -0.001f, 0.001f);
            }
        }

        var perDay = await Captures.CountCapturesAsync(DateOnly.FromDateTime(CaptureStart.UtcDateTime), DateOnly.FromDateTime(CaptureStart.UtcDateTime).AddDays(1), [101], ct);
        Assert.Equal(records.Where(r => r.Capture.DeviceId == 101 && r.Capture.Time < CaptureStart.AddDays(1)).GroupBy(r => r.Capture.Type).Select(g => (g.Key, (long)g.Count())).OrderBy(g => g.Key),
            perDay.Select(c => (c.Type, c.Count)).OrderBy(c => c.Type));
    }

    [Fact]
    public async Task Co_travellers_are_the_persons_seen_at_the_same_device_within_the_window_ranked_by_times()
    {
        var ct = TestContext.Current.CancellationToken;
        var records = new List<CaptureRecord>();
        void Add(long person, long device, DateTimeOffset at, CaptureType type = CaptureType.Face) => records.Add(new CaptureRecord(
            new Capture
            {
                Id = records.Count + 1,
                Type = type,
                Source = "co",
                SourceId = $"co-{records.Count}",
                Time = at,
                DeviceId = device,
                DeviceCode = "31011801001320000001",
                PersonId = person,
                IngestedAt = at,
            },
            null));

        // Person 1 passes devices 10, 11, 12, 13; person 2 is with them three times, person 3 once, person 4 at the
        // same device but ten minutes later, person 5 within the window at another device; bodies do not count.
        for (var i = 0; i < 4; i++)
        {
            Add(1, 10 + i, CaptureStart.AddHours(i));
        }

        Add(2, 10, CaptureStart.AddSeconds(20));
        Add(2, 11, CaptureStart.AddHours(1).AddSeconds(-45));
        Add(2, 13, CaptureStart.AddHours(3).AddSeconds(5));
        Add(2, 13, CaptureStart.AddHours(3).AddSeconds(9));
        Add(3, 12, CaptureStart.AddHours(2).AddSeconds(30));
        Add(4, 10, CaptureStart.AddMinutes(10));
        Add(5, 99, CaptureStart.AddSeconds(3));
        Add(6, 11, CaptureStart.AddHours(1), CaptureType.Body);
        await Captures.AppendCapturesAsync(records, ct);

        var query = new CoTravellerQuery { PersonId = 1, Type = CaptureType.Face, WindowSeconds = 60, MinTimes = 2 };
        var ranked = await Captures.CoTravellersAsync(query, ct);
        var two = Assert.Single(ranked);
        Assert.Equal((2L, 3), (two.PersonId, two.Times));
        Assert.Equal(4, two.Occurrences.Count); // two captures of person 2 beside the one at device 13
        Assert.All(two.Occurrences, o => Assert.InRange((o.OtherTime - o.TargetTime).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(60)));

        var once = await Captures.CoTravellersAsync(query with { MinTimes = 1 }, ct);
        Assert.Equal([2L, 3L], once.Select(c => c.PersonId));
        var late = await Captures.CoTravellersAsync(query with { MinTimes = 1, WindowSeconds = 700 }, ct);
        Assert.Contains(late, c => c.PersonId == 4);
        var someDevices = await Captures.CoTravellersAsync(query with { MinTimes = 1, DeviceIds = [12, 13] }, ct);
        Assert.Equal([(3L, 1), (2L, 1)], someDevices.Select(c => (c.PersonId, c.Times))); // equal times: the earlier first
        var range = await Captures.CoTravellersAsync(query with { MinTimes = 1, From = CaptureStart.AddMinutes(30), Until = CaptureStart.AddHours(2).AddMinutes(30) }, ct);
        Assert.Equal([(2L, 1), (3L, 1)], range.Select(c => (c.PersonId, c.Times)));
    }
}

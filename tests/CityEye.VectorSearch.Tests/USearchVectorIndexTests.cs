using CityEye.Core.Captures;
using CityEye.VectorSearch.USearch;

namespace CityEye.VectorSearch.Tests;

public sealed class USearchConformanceTests : VectorIndexConformance
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-usearch-").FullName;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(new USearchVectorIndex(_folder, Options));
}

/// <summary>What only the embedded index does: files on disk, damage, quantisation, concurrency.</summary>
public sealed class USearchVectorIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-usearch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Saved_segments_load_again_with_the_same_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = VectorIndexConformance.Faces();
        var query = new VectorQuery { Type = CaptureType.Face, Vector = faces[77].Vector, Limit = 10, DeviceIds = new HashSet<long> { 107, 108, 109, 101, 102, 103, 104 } };
        IReadOnlyList<VectorHit> before;
        await using (var index = new USearchVectorIndex(_folder, Options()))
        {
            await index.InitialiseAsync(ct);
            await index.AddAsync(CaptureType.Face, faces, ct);
            before = await index.SearchAsync(query, ct);
        }

        // 20 to 24 November 2026 in the 7-day segments starting Monday 16 and Monday 23 November.
        var files = Directory.GetFiles(Path.Combine(_folder, "face", "7d")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal([.. Enumerable.Range(0, 2).Select(w => 16 + (7 * w)).SelectMany(d => new[] { $"202611{d}.entries", $"202611{d}.sha256", $"202611{d}.usearch" })], files);

        await using var reopened = new USearchVectorIndex(_folder, Options());
        await reopened.InitialiseAsync(ct);
        Assert.Empty(reopened.DamagedSegments);
        Assert.Equal(faces.Count, (await reopened.CountByDayAsync(CaptureType.Face, ct)).Sum(c => c.Count));
        Assert.Equal(before, await reopened.SearchAsync(query, ct));
        Assert.Equal(0, await reopened.AddAsync(CaptureType.Face, faces.Take(100).ToList(), ct));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("garbage")]
    [InlineData("entries")]
    [InlineData("middle")]
    [InlineData("no-checksum")]
    public async Task A_damaged_segment_is_set_aside_and_its_days_can_be_added_again(string damage)
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = VectorIndexConformance.Faces();
        await using (var index = new USearchVectorIndex(_folder, Options()))
        {
            await index.InitialiseAsync(ct);
            await index.AddAsync(CaptureType.Face, faces, ct);
        }

        var victim = Path.Combine(_folder, "face", "7d", "20261116.usearch");
        switch (damage)
        {
            case "truncate":
                using (var file = new FileStream(victim, FileMode.Open))
                {
                    file.SetLength(file.Length / 2);
                }

                break;
            case "garbage":
                var bytes = File.ReadAllBytes(victim);
                new Random(3).NextBytes(bytes.AsSpan(0, 256));
                File.WriteAllBytes(victim, bytes);
                break;
            case "middle":
                // Inside the vector and graph sections: USearch itself loads such a file and may crash later; the
                // checksum saved beside the segment catches it.
                var inside = File.ReadAllBytes(victim);
                for (var i = inside.Length / 2; i < (inside.Length / 2) + 64; i++)
                {
                    inside[i] ^= 0x5A;
                }

                File.WriteAllBytes(victim, inside);
                break;
            case "no-checksum":
                File.Delete(Path.ChangeExtension(victim, ".sha256"));
                break;
            default:
                File.WriteAllBytes(Path.ChangeExtension(victim, ".entries"), [1, 2, 3]);
                break;
        }

        await using var reopened = new USearchVectorIndex(_folder, Options());
        await reopened.InitialiseAsync(ct);
        Assert.Contains(reopened.DamagedSegments, d => d.StartsWith("face/20261116", StringComparison.Ordinal));
        var counts = await reopened.CountByDayAsync(CaptureType.Face, ct);
        Assert.Equal([new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24)], counts.Select(c => c.Day));
        Assert.Contains(Directory.GetFiles(Path.Combine(_folder, "face", "7d")), f => f.Contains(".damaged-", StringComparison.Ordinal));

        // The host re-adds the segment's days (20 to 22 November) from the analytics store; the segment answers again.
        var days = faces.Where(f => DateOnly.FromDateTime(f.Time.UtcDateTime) < new DateOnly(2026, 11, 23)).ToList();
        Assert.Equal(days.Count, await reopened.AddAsync(CaptureType.Face, days, ct));
        var hits = await reopened.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = days[3].Vector, Limit = 1 }, ct);
        Assert.Equal(days[3].Id, hits.Single().Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(31)]
    public async Task Any_segment_span_gives_the_same_answers_and_a_changed_span_starts_empty_for_the_rebuild(int days)
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = VectorIndexConformance.Faces();
        var from = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
        var devices = new HashSet<long> { 101, 104, 108 };
        await using (var weekly = new USearchVectorIndex(_folder, Options()))
        {
            await weekly.InitialiseAsync(ct);
            await weekly.AddAsync(CaptureType.Face, faces, ct);
        }

        await using var index = new USearchVectorIndex(_folder, Options(segmentDays: days));
        await index.InitialiseAsync(ct);
        Assert.Empty(await index.CountByDayAsync(CaptureType.Face, ct));
        Assert.False(Directory.Exists(Path.Combine(_folder, "face", "7d")));

        await index.AddAsync(CaptureType.Face, faces, ct);
        Assert.Equal(
            faces.GroupBy(f => DateOnly.FromDateTime(f.Time.UtcDateTime)).Select(g => new VectorDayCount(g.Key, g.Count())),
            await index.CountByDayAsync(CaptureType.Face, ct));
        // With the device set (an exact scan of its entries) and without (the graph, the time as a filter).
        foreach (var scope in new[] { devices, null })
        {
            int found = 0, wanted = 0;
            foreach (var probe in faces.Where((_, i) => i % 37 == 0))
            {
                bool Keep(VectorEntry f) => f.Time >= from && f.Time < until && (scope is null || scope.Contains(f.DeviceId));
                var expected = TestVectors.ExactTop(probe.Vector, faces, 5, Keep);
                var hits = await index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe.Vector, Limit = 5, From = from, Until = until, DeviceIds = scope }, ct);
                Assert.All(hits, h => Assert.True(Keep(faces[(int)h.Id - 1]), $"hit {h.Id} at {h.Time:O} by {h.DeviceId} is outside the filter"));
                Assert.Equal(expected.Count, hits.Count);
                if (Keep(probe))
                {
                    Assert.Equal(probe.Id, hits[0].Id);
                }

                found += hits.Count(h => expected.Contains(h.Id));
                wanted += expected.Count;
            }

            Assert.True(found >= 0.95 * wanted, $"{days}-day segments, devices {(scope is null ? "all" : "3")}: {found} of {wanted} exact hits");
        }
    }

    [Fact]
    public async Task Retention_drops_whole_segments_and_the_expired_days_of_the_segment_it_cuts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var index = new USearchVectorIndex(_folder, Options());
        await index.InitialiseAsync(ct);
        var faces = VectorIndexConformance.Faces(count: 6_000);
        await index.AddAsync(CaptureType.Face, faces, ct);
        await index.FlushAsync(ct);

        // 20 November to 2 December: segments from 16, 23 and 30 November; keep from 25 November on.
        Assert.Equal(5, await index.DropDaysBeforeAsync(new DateOnly(2026, 11, 25), ct));
        Assert.False(File.Exists(Path.Combine(_folder, "face", "7d", "20261116.usearch")));
        Assert.True(File.Exists(Path.Combine(_folder, "face", "7d", "20261123.usearch")));
        var counts = await index.CountByDayAsync(CaptureType.Face, ct);
        Assert.Equal(new DateOnly(2026, 11, 25), counts[0].Day);
        Assert.Equal(faces.Count(f => f.Time >= new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero)), counts.Sum(c => c.Count));
        var expired = faces.First(f => f.Time.Day == 24);
        Assert.DoesNotContain(await index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = expired.Vector, Limit = 20 }, ct), h => h.Id == expired.Id);
    }

    [Fact]
    public void A_segment_span_outside_one_to_31_days_is_refused_with_the_setting_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new USearchVectorIndex(_folder, Options(segmentDays: 0)));
        Assert.Contains("Vectors:SegmentDays", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("i8")]
    [InlineData("f32")]
    public async Task Every_quantisation_finds_the_stored_vector(string quantisation)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var index = new USearchVectorIndex(_folder, Options(quantisation));
        await index.InitialiseAsync(ct);
        var faces = VectorIndexConformance.Faces(count: 500);
        await index.AddAsync(CaptureType.Face, faces, ct);
        foreach (var probe in faces.Where((_, i) => i % 50 == 0))
        {
            var hit = (await index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe.Vector, Limit = 1 }, ct)).Single();
            Assert.Equal(probe.Id, hit.Id);
            Assert.InRange(hit.Similarity, 0.98f, 1.01f);
        }
    }

    [Fact]
    public void An_unknown_quantisation_is_refused_with_the_setting_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new USearchVectorIndex(_folder, Options("f8")));
        Assert.Contains("Vectors:Quantisation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searches_run_while_batches_are_added_from_other_threads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var index = new USearchVectorIndex(_folder, Options());
        await index.InitialiseAsync(ct);
        var faces = VectorIndexConformance.Faces(count: 6_000);
        await index.AddAsync(CaptureType.Face, faces.Take(500).ToList(), ct);

        using var stop = new CancellationTokenSource();
        var searches = 0;
        var searchers = Enumerable.Range(0, 6).Select(t => Task.Run(async () =>
        {
            var i = t;
            while (!stop.IsCancellationRequested)
            {
                var hits = await index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = faces[i++ % 500].Vector, Limit = 5, DeviceIds = t % 2 == 0 ? null : new HashSet<long> { 100 + (t % 10) } }, ct);
                Assert.NotEmpty(hits);
                Interlocked.Increment(ref searches);
            }
        }, ct)).ToList();
        var adders = faces.Skip(500).Chunk(250).Select(batch => Task.Run(() => index.AddAsync(CaptureType.Face, batch, ct), ct)).ToList();
        await Task.WhenAll(adders);
        await stop.CancelAsync();
        await Task.WhenAll(searchers);

        Assert.True(searches > 0);
        Assert.Equal(faces.Count, (await index.CountByDayAsync(CaptureType.Face, ct)).Sum(c => c.Count));
        foreach (var probe in faces.Where((_, i) => i % 300 == 0))
        {
            Assert.Equal(probe.Id, (await index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe.Vector, Limit = 1 }, ct)).Single().Id);
        }
    }

    private static VectorOptions Options(string quantisation = "f16", int segmentDays = 7) =>
        new() { FaceDimensions = 64, BodyDimensions = 32, VehicleDimensions = 32, Quantisation = quantisation, SegmentDays = segmentDays };
}

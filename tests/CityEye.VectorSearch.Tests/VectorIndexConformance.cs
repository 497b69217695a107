using CityEye.Core.Captures;

namespace CityEye.VectorSearch.Tests;

/// <summary>
/// What every <see cref="IVectorIndex"/> provider must do, on a real engine: USearch always, Milvus when
/// <c>CITYEYE_TEST_MILVUS</c> names a server. Dimensions are small (64/32/32) so the suite runs in seconds.
/// </summary>
public abstract class VectorIndexConformance : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    protected static VectorOptions Options { get; } = new() { FaceDimensions = 64, BodyDimensions = 32, VehicleDimensions = 32, MilvusConsistency = "Strong" };

    protected IVectorIndex Index { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Index = await CreateIndexAsync();
        await Index.InitialiseAsync(TestContext.Current.CancellationToken);
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Index is not null)
        {
            await Index.DisposeAsync();
        }
    }

    protected abstract Task<IVectorIndex> CreateIndexAsync();

    /// <summary>2,000 face vectors over four days (one every three minutes) at ten devices, 200 people.</summary>
    internal static List<VectorEntry> Faces(int count = 2_000, int seed = 7) =>
        [.. TestVectors.Clustered(count, 64, 200, seed).Select((v, i) => new VectorEntry(i + 1, Start.AddMinutes(3 * i), 100 + (i % 10), v))];

    [Fact]
    public async Task Finds_a_stored_vector_first_and_its_cluster_before_others()
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = Faces();
        Assert.Equal(faces.Count, await Index.AddAsync(CaptureType.Face, faces, ct));

        var probe = faces[1234];
        var hits = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe.Vector, Limit = 10 }, ct);
        Assert.Equal(10, hits.Count);
        Assert.Equal(probe.Id, hits[0].Id);
        Assert.InRange(hits[0].Similarity, 0.99f, 1.01f);
        Assert.Equal(probe.Time, hits[0].Time);
        Assert.Equal(probe.DeviceId, hits[0].DeviceId);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity), "hits are most similar first");

        // Ten captures of the same person (cluster) exist; they are the top ten.
        Assert.Equal(TestVectors.ExactTop(probe.Vector, faces, 10, _ => true).Order(), hits.Select(h => h.Id).Order());
        Assert.All(hits, h => Assert.Equal(probe.Id % 200, h.Id % 200));

        // Other types are other spaces.
        Assert.Empty(await Index.SearchAsync(new VectorQuery { Type = CaptureType.Body, Vector = new float[32].Select((_, i) => i == 0 ? 1f : 0f).ToArray() }, ct));
    }

    [Fact]
    public async Task Filters_by_time_range_devices_and_similarity()
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = Faces();
        await Index.AddAsync(CaptureType.Face, faces, ct);
        var probe = faces[10].Vector;

        var from = Start.AddHours(30);
        var until = Start.AddHours(60);
        var inRange = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, Limit = 20, From = from, Until = until }, ct);
        Assert.NotEmpty(inRange);
        Assert.All(inRange, h => Assert.InRange(h.Time, from, until.AddTicks(-1)));
        Assert.Equal(TestVectors.ExactTop(probe, faces, 20, e => e.Time >= from && e.Time < until), inRange.Select(h => h.Id));

        HashSet<long> devices = [103, 107];
        var onDevices = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, Limit = 20, DeviceIds = devices }, ct);
        Assert.All(onDevices, h => Assert.Contains(h.DeviceId, devices));
        Assert.Equal(TestVectors.ExactTop(probe, faces, 20, e => devices.Contains(e.DeviceId)), onDevices.Select(h => h.Id));

        var both = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, Limit = 5, From = from, Until = until, DeviceIds = devices }, ct);
        Assert.Equal(TestVectors.ExactTop(probe, faces, 5, e => devices.Contains(e.DeviceId) && e.Time >= from && e.Time < until), both.Select(h => h.Id));

        Assert.Empty(await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, DeviceIds = new HashSet<long>() }, ct));
        Assert.Empty(await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, From = Start.AddDays(30), Until = Start.AddDays(31) }, ct));

        var similar = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = probe, Limit = 100, MinSimilarity = 0.5f }, ct);
        Assert.NotEmpty(similar);
        Assert.All(similar, h => Assert.True(h.Similarity >= 0.5f));
        Assert.Equal(faces.Count(e => VectorMath.Cosine(probe, e.Vector) >= 0.51f), similar.Count(h => h.Similarity >= 0.51f));
    }

    [Fact]
    public async Task Adding_again_keeps_one_copy_and_counts_per_day()
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = Faces();
        await Index.AddAsync(CaptureType.Face, faces, ct);
        await Index.AddAsync(CaptureType.Face, faces.Take(700).ToList(), ct);

        var expected = faces.GroupBy(f => DateOnly.FromDateTime(f.Time.UtcDateTime)).Select(g => new VectorDayCount(g.Key, g.Count())).ToList();
        Assert.Equal(expected, await Index.CountByDayAsync(CaptureType.Face, ct));
        Assert.Empty(await Index.CountByDayAsync(CaptureType.Vehicle, ct));

        var hits = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = faces[5].Vector, Limit = 3 }, ct);
        Assert.Single(hits, h => h.Id == faces[5].Id);
    }

    [Fact]
    public async Task Removes_by_id_and_drops_old_days()
    {
        var ct = TestContext.Current.CancellationToken;
        var faces = Faces();
        await Index.AddAsync(CaptureType.Face, faces, ct);

        Assert.Equal(2, await Index.RemoveAsync(CaptureType.Face, [faces[0].Id, faces[1].Id, 999_999], ct));
        var hits = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = faces[0].Vector, Limit = 10 }, ct);
        Assert.DoesNotContain(hits, h => h.Id == faces[0].Id);

        var cutoff = DateOnly.FromDateTime(Start.UtcDateTime).AddDays(2);
        Assert.True(await Index.DropDaysBeforeAsync(cutoff, ct) >= 2);
        var counts = await Index.CountByDayAsync(CaptureType.Face, ct);
        Assert.All(counts, c => Assert.True(c.Day >= cutoff));
        Assert.Equal(faces.Count(f => DateOnly.FromDateTime(f.Time.UtcDateTime) >= cutoff), counts.Sum(c => c.Count));
    }

    [Fact]
    public async Task Refuses_vectors_of_the_wrong_dimension_or_with_nan()
    {
        var ct = TestContext.Current.CancellationToken;
        var wrong = new VectorEntry(1, Start, 100, new float[63]);
        await Assert.ThrowsAsync<ArgumentException>(() => Index.AddAsync(CaptureType.Face, [wrong], ct));
        var nan = Enumerable.Repeat(0.1f, 64).ToArray();
        nan[7] = float.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => Index.AddAsync(CaptureType.Face, [new VectorEntry(2, Start, 100, nan)], ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.AddAsync(CaptureType.Face, [new VectorEntry(3, Start, 100, new float[64])], ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.SearchAsync(new VectorQuery { Type = CaptureType.Body, Vector = new float[64] }, ct));
        Assert.Empty(await Index.CountByDayAsync(CaptureType.Face, ct));
    }

    [Fact]
    public async Task Recall_at_ten_against_exact_search_is_at_least_095()
    {
        var ct = TestContext.Current.CancellationToken;
        var vectors = TestVectors.Clustered(6_000, 64, 3_000, seed: 11, spread: 0.8f);
        var entries = vectors.Select((v, i) => new VectorEntry(i + 1, Start.AddSeconds(20 * i), 100 + (i % 50), v)).ToList();
        await Index.AddAsync(CaptureType.Face, entries, ct);
        var random = new Random(5);
        var found = 0;
        for (var q = 0; q < 100; q++)
        {
            // A new capture of a known person: a stored vector moved by fresh noise.
            var query = VectorMath.Normalised(entries[random.Next(entries.Count)].Vector.Zip(TestVectors.Gaussian(random, 64, 0.5f / 8), (v, n) => v + n).ToArray());
            var exact = TestVectors.ExactTop(query, entries, 10, _ => true);
            var hits = await Index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = query, Limit = 10 }, ct);
            found += hits.Count(h => exact.Contains(h.Id));
        }

        Assert.True(found / 1000.0 >= 0.95, $"recall@10 {found / 1000.0:F3}");
    }
}

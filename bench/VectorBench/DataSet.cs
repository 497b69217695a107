using System.Runtime.InteropServices;
using System.Text.Json;
using CityEye.VectorSearch;
using Microsoft.Win32.SafeHandles;

namespace CityEye.Bench;

/// <summary>
/// What <c>generate</c> wrote: the sizes, the seed and the filters' shape. Both sides (this project and
/// <c>bench/faiss_peer.py</c>) read the same files of the data folder:
/// <list type="bullet">
/// <item><c>vectors.f32</c>: Count × Dimensions float32 (little-endian, row-major, unit length); the id of row i is i + 1.</item>
/// <item><c>entries.i64</c>: Count × (capture time in Unix ms, device id) int64; times grow with the row.</item>
/// <item><c>queries.f32</c>: Queries × Dimensions float32 (unit length).</item>
/// <item><c>filters.i64</c>: Queries × (from ms, until ms, FilterDevices device ids) int64; the range is [from, until).</item>
/// <item><c>truth.i64</c>: 2 × Queries × K int64 ids (-1 pads): the exact nearest by cosine without and with the query's filter.</item>
/// </list>
/// </summary>
internal sealed record DataMeta
{
    public required int Count { get; init; }

    public required int Dimensions { get; init; }

    public required int Queries { get; init; }

    public required int K { get; init; }

    public required int Clusters { get; init; }

    public required int Days { get; init; }

    public required int Devices { get; init; }

    public required int FilterDevices { get; init; }

    public required double FilterDays { get; init; }

    public required int Seed { get; init; }

    public required long StartMs { get; init; }
}

/// <summary>A query's filter: the time range [FromMs, UntilMs) and the device set.</summary>
internal sealed record QueryFilter(long FromMs, long UntilMs, long[] Devices);

/// <summary>
/// The generated data set: clustered unit vectors (cluster centres of skewed popularity, each vector its centre plus
/// Gaussian noise of a per-cluster spread, normalised), times spread over whole UTC days in row order (the order a drain
/// adds them), uniform devices; queries are noisy copies of random members with a time range and a device set each.
/// Deterministic for a seed. The exact answers are a brute-force cosine scan in float32.
/// </summary>
internal static class DataSet
{
    public const string MetaFile = "meta.json";
    public const string VectorsFile = "vectors.f32";
    public const string EntriesFile = "entries.i64";
    public const string QueriesFile = "queries.f32";
    public const string FiltersFile = "filters.i64";
    public const string TruthFile = "truth.i64";
    public const long DayMs = 86_400_000;

    /// <summary>Length of a member's noise relative to its (unit) centre: from MinSpread to MinSpread + SpreadRange.</summary>
    private const float MinSpread = 0.5f;
    private const float SpreadRange = 0.5f;

    /// <summary>Length of a query's noise relative to the (unit) member it copies: cosine about 0.96 to it.</summary>
    private const float QueryNoise = 0.3f;

    /// <summary>Cluster popularity: cluster = Clusters × u^Skew, so the first clusters are the common ones.</summary>
    private const double Skew = 1.5;

    private const int ChunkRows = 8_192;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static DataMeta ReadMeta(string folder) =>
        JsonSerializer.Deserialize<DataMeta>(File.ReadAllText(Path.Combine(folder, MetaFile)), Json)
        ?? throw new InvalidDataException($"{MetaFile} is empty");

    public static void Generate(string folder, DataMeta meta)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, MetaFile), JsonSerializer.Serialize(meta, Json));
        GenerateVectors(folder, meta);
        GenerateQueries(folder, meta);
    }

    /// <summary>The exact top K of every query by cosine (dot product of unit vectors), without and with its filter.</summary>
    public static void ComputeTruth(string folder, DataMeta meta)
    {
        var dim = meta.Dimensions;
        var queries = ReadQueries(folder, meta);
        var filters = ReadFilters(folder, meta);
        var allowed = filters.Select(f =>
        {
            var allow = new bool[meta.Devices + 1];
            foreach (var device in f.Devices)
            {
                allow[device] = true;
            }

            return allow;
        }).ToArray();
        var plain = queries.Select(_ => new TopK(meta.K)).ToArray();
        var filtered = queries.Select(_ => new TopK(meta.K)).ToArray();
        var vectors = new float[ChunkRows * dim];
        var entries = new long[ChunkRows * 2];
        using var vectorStream = OpenRead(folder, VectorsFile);
        using var entryStream = OpenRead(folder, EntriesFile);
        var partitions = Environment.ProcessorCount;
        const int Block = 64;
        for (var start = 0; start < meta.Count; start += ChunkRows)
        {
            var rows = Math.Min(ChunkRows, meta.Count - start);
            vectorStream.ReadExactly(MemoryMarshal.AsBytes(vectors.AsSpan(0, rows * dim)));
            entryStream.ReadExactly(MemoryMarshal.AsBytes(entries.AsSpan(0, rows * 2)));
            var first = start;

            // Each partition owns every partitions-th query; rows go by blocks that stay in the cache for all its queries.
            Parallel.For(0, partitions, p =>
            {
                for (var b = 0; b < rows; b += Block)
                {
                    var end = Math.Min(b + Block, rows);
                    for (var q = p; q < queries.Length; q += partitions)
                    {
                        var query = queries[q];
                        var filter = filters[q];
                        var allow = allowed[q];
                        for (var r = b; r < end; r++)
                        {
                            var score = VectorMath.Dot(query, vectors.AsSpan(r * dim, dim));
                            var id = first + r + 1L;
                            plain[q].Offer(id, score);
                            var time = entries[2 * r];
                            if (time >= filter.FromMs && time < filter.UntilMs && allow[entries[(2 * r) + 1]])
                            {
                                filtered[q].Offer(id, score);
                            }
                        }
                    }
                }
            });
        }

        var truth = new long[2 * meta.Queries * meta.K];
        Array.Fill(truth, -1L);
        for (var q = 0; q < meta.Queries; q++)
        {
            plain[q].Ids.CopyTo(truth.AsSpan(q * meta.K));
            filtered[q].Ids.CopyTo(truth.AsSpan((meta.Queries + q) * meta.K));
        }

        File.WriteAllBytes(Path.Combine(folder, TruthFile), MemoryMarshal.AsBytes(truth.AsSpan()).ToArray());
    }

    public static float[][] ReadQueries(string folder, DataMeta meta)
    {
        var all = ReadArray<float>(folder, QueriesFile, meta.Queries * meta.Dimensions);
        return [.. Enumerable.Range(0, meta.Queries).Select(q => all.AsSpan(q * meta.Dimensions, meta.Dimensions).ToArray())];
    }

    public static QueryFilter[] ReadFilters(string folder, DataMeta meta)
    {
        var width = 2 + meta.FilterDevices;
        var all = ReadArray<long>(folder, FiltersFile, meta.Queries * width);
        return [.. Enumerable.Range(0, meta.Queries).Select(q => new QueryFilter(all[q * width], all[(q * width) + 1], all.AsSpan((q * width) + 2, meta.FilterDevices).ToArray()))];
    }

    /// <summary>The exact answers: [0] without filters, [1] with the queries' filters; per query the ids, best first.</summary>
    public static long[][][] ReadTruth(string folder, DataMeta meta)
    {
        var all = ReadArray<long>(folder, TruthFile, 2 * meta.Queries * meta.K);
        return [.. Enumerable.Range(0, 2).Select(kind => Enumerable.Range(0, meta.Queries)
            .Select(q => all.AsSpan(((kind * meta.Queries) + q) * meta.K, meta.K).ToArray().Where(id => id > 0).ToArray()).ToArray())];
    }

    /// <summary>Every row's time (Unix ms) and device.</summary>
    public static long[] ReadEntries(string folder, DataMeta meta) => ReadArray<long>(folder, EntriesFile, meta.Count * 2);

    /// <summary>Rows [first, first + rows) as entries with their own vector arrays (what the index is handed).</summary>
    public static List<VectorEntry> ReadRows(SafeFileHandle vectors, long[] entries, DataMeta meta, int first, int rows)
    {
        var dim = meta.Dimensions;
        var buffer = new float[rows * dim];
        RandomAccess.Read(vectors, MemoryMarshal.AsBytes(buffer.AsSpan()), (long)first * dim * sizeof(float));
        var batch = new List<VectorEntry>(rows);
        for (var r = 0; r < rows; r++)
        {
            var row = first + r;
            batch.Add(new VectorEntry(row + 1L, DateTimeOffset.FromUnixTimeMilliseconds(entries[2 * row]), entries[(2 * row) + 1], buffer.AsSpan(r * dim, dim).ToArray()));
        }

        return batch;
    }

    private static FileStream OpenRead(string folder, string file) =>
        new(Path.Combine(folder, file), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);

    private static T[] ReadArray<T>(string folder, string file, int length)
        where T : unmanaged
    {
        var result = new T[length];
        using var stream = OpenRead(folder, file);
        stream.ReadExactly(MemoryMarshal.AsBytes(result.AsSpan()));
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{file} holds more than the values its meta.json announces");
        }

        return result;
    }

    private static void GenerateVectors(string folder, DataMeta meta)
    {
        var dim = meta.Dimensions;
        var random = new Random(meta.Seed);
        var centres = new float[meta.Clusters][];
        var spreads = new float[meta.Clusters];
        for (var c = 0; c < meta.Clusters; c++)
        {
            var centre = new float[dim];
            Gaussian(random, centre, 1f);
            centres[c] = VectorMath.Normalised(centre);
            spreads[c] = MinSpread + (SpreadRange * random.NextSingle());
        }

        var spanMs = meta.Days * DayMs;
        var chunks = (meta.Count + ChunkRows - 1) / ChunkRows;
        using var vectorStream = new FileStream(Path.Combine(folder, VectorsFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var entryStream = new FileStream(Path.Combine(folder, EntriesFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var group = Environment.ProcessorCount * 2;
        for (var firstChunk = 0; firstChunk < chunks; firstChunk += group)
        {
            var n = Math.Min(group, chunks - firstChunk);
            var vectorChunks = new float[n][];
            var entryChunks = new long[n][];
            var baseChunk = firstChunk;

            // Each chunk has its own generator seeded by its number, so the data do not depend on the thread count.
            Parallel.For(0, n, i =>
            {
                var chunk = baseChunk + i;
                var start = chunk * ChunkRows;
                var rows = Math.Min(ChunkRows, meta.Count - start);
                var rng = new Random(unchecked((meta.Seed * 1_000_003) + chunk));
                var vectors = new float[rows * dim];
                var entries = new long[rows * 2];
                var noise = new float[dim];
                for (var r = 0; r < rows; r++)
                {
                    var cluster = (int)(meta.Clusters * Math.Pow(rng.NextDouble(), Skew));
                    var centre = centres[cluster];
                    Gaussian(rng, noise, spreads[cluster] / MathF.Sqrt(dim));
                    var row = vectors.AsSpan(r * dim, dim);
                    for (var d = 0; d < dim; d++)
                    {
                        row[d] = centre[d] + noise[d];
                    }

                    Normalise(row);
                    entries[2 * r] = meta.StartMs + (long)((start + r + rng.NextDouble()) / meta.Count * spanMs);
                    entries[(2 * r) + 1] = 1 + rng.Next(meta.Devices);
                }

                vectorChunks[i] = vectors;
                entryChunks[i] = entries;
            });
            for (var i = 0; i < n; i++)
            {
                vectorStream.Write(MemoryMarshal.AsBytes(vectorChunks[i].AsSpan()));
                entryStream.Write(MemoryMarshal.AsBytes(entryChunks[i].AsSpan()));
            }
        }
    }

    private static void GenerateQueries(string folder, DataMeta meta)
    {
        var dim = meta.Dimensions;
        var rng = new Random(meta.Seed + 1);
        var queries = new float[meta.Queries * dim];
        var width = 2 + meta.FilterDevices;
        var filters = new long[meta.Queries * width];
        var member = new float[dim];
        var noise = new float[dim];
        var devices = Enumerable.Range(1, meta.Devices).ToArray();
        using var vectors = File.OpenHandle(Path.Combine(folder, VectorsFile));
        for (var q = 0; q < meta.Queries; q++)
        {
            var row = rng.Next(meta.Count);
            RandomAccess.Read(vectors, MemoryMarshal.AsBytes(member.AsSpan()), (long)row * dim * sizeof(float));
            Gaussian(rng, noise, QueryNoise / MathF.Sqrt(dim));
            var query = queries.AsSpan(q * dim, dim);
            for (var d = 0; d < dim; d++)
            {
                query[d] = member[d] + noise[d];
            }

            Normalise(query);

            // A time range of FilterDays days starting anywhere (so its first and last days are partial) and a device set.
            var from = meta.StartMs + (long)(rng.NextDouble() * (meta.Days - meta.FilterDays) * DayMs);
            filters[q * width] = from;
            filters[(q * width) + 1] = from + (long)(meta.FilterDays * DayMs);
            for (var i = 0; i < meta.FilterDevices; i++)
            {
                var j = rng.Next(i, devices.Length);
                (devices[i], devices[j]) = (devices[j], devices[i]);
                filters[(q * width) + 2 + i] = devices[i];
            }
        }

        File.WriteAllBytes(Path.Combine(folder, QueriesFile), MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(folder, FiltersFile), MemoryMarshal.AsBytes(filters.AsSpan()).ToArray());
    }

    /// <summary>Fills with independent N(0, sigma²) values (Box-Muller).</summary>
    private static void Gaussian(Random rng, Span<float> values, float sigma)
    {
        for (var i = 0; i < values.Length; i += 2)
        {
            var radius = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * sigma;
            var angle = 2 * Math.PI * rng.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }

    private static void Normalise(Span<float> values)
    {
        var norm = MathF.Sqrt(VectorMath.Dot(values, values));
        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= norm;
        }
    }

    /// <summary>The K best (id, score) offered, best first; equal scores keep the one offered first.</summary>
    private sealed class TopK(int k)
    {
        private readonly long[] _ids = new long[k];
        private readonly float[] _scores = new float[k];
        private int _count;

        public ReadOnlySpan<long> Ids => _ids.AsSpan(0, _count);

        public void Offer(long id, float score)
        {
            if (_count == k && score <= _scores[k - 1])
            {
                return;
            }

            var i = _count < k ? _count++ : k - 1;
            while (i > 0 && _scores[i - 1] < score)
            {
                _ids[i] = _ids[i - 1];
                _scores[i] = _scores[i - 1];
                i--;
            }

            _ids[i] = id;
            _scores[i] = score;
        }
    }
}

// Vector index benchmark (bench/vectors.sh): the embedded USearch index of CityEye (USearchVectorIndex, one HNSW
// segment per span of UTC days) over a generated clustered data set; FAISS runs on the same files (bench/faiss_peer.py).
//   generate --data DIR [--count N] [--queries N] [--clusters N] [--days N] [--devices N] [--filter-devices N] [--filter-days D] [--seed N]
//   build    --data DIR --index DIR --json FILE [--batch N] [--lanes N] [index options]
//   search   --data DIR --index DIR --json FILE [--runs N] [--concurrency N] [--passes N] [--ef-sweep 16,32,...] [--no-filtered-sweep] [index options]
//   report   --data DIR --build FILE --search FILE [--faiss FILE] [--targets 0.9,0.95,0.99]
// Index options: --ef N (ExpansionSearch), --connectivity N (M), --expansion-add N (efConstruction), --quantisation f16|i8|f32,
// --segment-days N (SegmentDays).
using System.Diagnostics;
using System.Globalization;
using CityEye.Bench;
using CityEye.VectorSearch;
using static CityEye.Bench.Stats;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: VectorBench generate|build|search|report --data DIR ... (see Program.cs)");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        throw new ArgumentException($"unexpected argument {args[i]}");
    }

    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

string Text(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
int Int(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
double Real(string name, double fallback) => options.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
double[] Reals(string name, string fallback) => [.. (options.TryGetValue(name, out var value) ? value : fallback)
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

VectorOptions IndexOptions(int dimensions) => new()
{
    VehicleDimensions = dimensions,
    ExpansionSearch = Int("ef", new VectorOptions().ExpansionSearch),
    Connectivity = Int("connectivity", new VectorOptions().Connectivity),
    ExpansionAdd = Int("expansion-add", new VectorOptions().ExpansionAdd),
    Quantisation = options.GetValueOrDefault("quantisation", new VectorOptions().Quantisation),
    SegmentDays = Int("segment-days", new VectorOptions().SegmentDays),
};

var data = Text("data");
switch (args[0])
{
    case "generate":
        {
            var count = Int("count", 1_000_000);
            var meta = new DataMeta
            {
                Count = count,
                Dimensions = Int("dimensions", 512),
                Queries = Int("queries", 200),
                K = 10,

                // About 200 vectors a cluster at 1,000,000; smaller sets keep at least 40 a cluster so that the nearest ten
                // of a query are still its cluster's members rather than ties between unrelated vectors.
                Clusters = Int("clusters", Math.Clamp(count / 40, 1, 5_000)),
                Days = Int("days", 10),
                Devices = Int("devices", 2_000),
                FilterDevices = Int("filter-devices", 200),
                FilterDays = Real("filter-days", 5),
                Seed = Int("seed", 42),
                StartMs = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            };
            var clock = Stopwatch.StartNew();
            DataSet.Generate(data, meta);
            Console.Error.WriteLine(F($"generated {meta.Count:N0} vectors of {meta.Dimensions} dimensions in {meta.Clusters:N0} clusters and {meta.Queries} queries in {clock.Elapsed.TotalSeconds:F1} s"));
            clock.Restart();
            DataSet.ComputeTruth(data, meta);
            Console.Error.WriteLine(F($"exact top {meta.K} of every query (without and with its filter) by a brute-force scan in {clock.Elapsed.TotalSeconds:F1} s"));
            break;
        }

    case "build":
        {
            var meta = DataSet.ReadMeta(data);
            var result = await IndexBench.BuildAsync(data, Text("index"), IndexOptions(meta.Dimensions), Int("batch", 2_000), Int("lanes", 1));
            Write(Text("json"), result);
            Console.Error.WriteLine(F($"build: {result.Count:N0} vectors in {result.Seconds:F1} s = {result.VectorsPerSecond:N0} vectors/s into {result.Segments} segments; save {result.FlushSeconds:F1} s; RSS {result.RssMiB:N0} MiB (peak {result.PeakRssMiB:N0}), native {result.NativeBytes / 1048576.0:N0} MiB, on disk {result.DiskBytes / 1048576.0:N0} MiB"));
            break;
        }

    case "search":
        {
            var meta = DataSet.ReadMeta(data);
            var sweep = Reals("ef-sweep", "16,32,64,128,256,512").Select(v => (int)v).ToArray();
            var result = await IndexBench.SearchAsync(data, Text("index"), IndexOptions(meta.Dimensions), Int("runs", 3), Int("concurrency", 16), Int("passes", 5), sweep, !options.ContainsKey("no-filtered-sweep"));
            Write(Text("json"), result);
            break;
        }

    case "report":
        {
            var meta = DataSet.ReadMeta(data);
            var faiss = options.TryGetValue("faiss", out var path) ? Read<FaissResult>(path) : null;
            Console.WriteLine(Report.Markdown(meta, Read<BuildResult>(Text("build")), Read<SearchResult>(Text("search")), faiss, Reals("targets", "0.9,0.95,0.99")));
            break;
        }

    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

return 0;

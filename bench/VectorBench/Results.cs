using System.Globalization;
using System.Text.Json;

namespace CityEye.Bench;

/// <summary>Building the embedded index over the data set.</summary>
internal sealed record BuildResult
{
    public required int Count { get; init; }

    public required int Dimensions { get; init; }

    public required string Quantisation { get; init; }

    public required int Connectivity { get; init; }

    public required int ExpansionAdd { get; init; }

    public required int Batch { get; init; }

    public required int Lanes { get; init; }

    public required int Segments { get; init; }

    /// <summary>UTC days per segment (VectorOptions.SegmentDays).</summary>
    public required int SegmentDays { get; init; }

    /// <summary>From the first AddAsync to the last one returning (reading the rows from the file included).</summary>
    public required double Seconds { get; init; }

    public required double VectorsPerSecond { get; init; }

    /// <summary>Vectors per second of this process's CPU time (user + system, all threads): less sensitive to other load.</summary>
    public required double VectorsPerCpuSecond { get; init; }

    /// <summary>FlushAsync after the adds: every segment saved.</summary>
    public required double FlushSeconds { get; init; }

    /// <summary>VmRSS of the process after the build (after a full garbage collection).</summary>
    public required double RssMiB { get; init; }

    public required double PeakRssMiB { get; init; }

    /// <summary>What DescribeAsync reports (the native indexes' own memory figure).</summary>
    public required long NativeBytes { get; init; }

    public required long DiskBytes { get; init; }
}

/// <summary>One load run: searches at a fixed concurrency.</summary>
internal sealed record LoadRun(double P50Ms, double P99Ms, double Qps, double CpuMsPerQuery, double Recall);

internal sealed record LatencyFigures
{
    public required LoadRun[] Runs { get; init; }

    public double MedianP50Ms => Stats.Median(Runs.Select(r => r.P50Ms));

    public double MedianP99Ms => Stats.Median(Runs.Select(r => r.P99Ms));

    public double MedianQps => Stats.Median(Runs.Select(r => r.Qps));

    public double MedianCpuMsPerQuery => Stats.Median(Runs.Select(r => r.CpuMsPerQuery));
}

/// <summary>
/// Recall@K, queries per second and queries per CPU-second (this process's CPU time, all threads) at one search expansion
/// (ef), without and with the filters; the rates are medians of the runs.
/// </summary>
internal sealed record SweepPoint(int Ef, double Recall, double Qps, double QpsCpu, double? FilteredRecall, double? FilteredQps, double? FilteredQpsCpu);

internal sealed record SearchResult
{
    public required double[] StartupSeconds { get; init; }

    public double StartupMedianSeconds => Stats.Median(StartupSeconds);

    /// <summary>VmRSS right after the first InitialiseAsync over the saved folder.</summary>
    public required double RssAfterLoadMiB { get; init; }

    public required int Ef { get; init; }

    public required int Concurrency { get; init; }

    public required int Passes { get; init; }

    /// <summary>Recall@K of one query at a time (no other search running).</summary>
    public required double RecallSequential { get; init; }

    public required double FilteredRecallSequential { get; init; }

    /// <summary>Share of the filtered (query, segment) searches answered by an exact scan of the device's entries.</summary>
    public required double ExactShare { get; init; }

    public required double MeanCandidatesPerSegment { get; init; }

    public required double MeanSegmentsPerFilteredQuery { get; init; }

    public required LatencyFigures Unfiltered { get; init; }

    public required LatencyFigures Filtered { get; init; }

    public required SweepPoint[] Sweep { get; init; }
}

/// <summary>What faiss_peer.py writes.</summary>
internal sealed record FaissResult
{
    public required int Threads { get; init; }

    public required int M { get; init; }

    public required int EfConstruction { get; init; }

    public required double BuildSeconds { get; init; }

    public required double VectorsPerSecond { get; init; }

    public required double VectorsPerCpuSecond { get; init; }

    public required double RssMiB { get; init; }

    public required long IndexBytes { get; init; }

    public required double LoadSeconds { get; init; }

    public required double TruthAgreement { get; init; }

    public required string Version { get; init; }

    /// <summary>faiss.get_compile_options(): "OPTIMIZE GENERIC" for Debian's build (no AVX2 code).</summary>
    public string CompileOptions { get; init; } = "";

    public required SweepPoint[] Sweep { get; init; }
}

internal static class Stats
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Mean over queries of |found ∩ exact| / |exact| (queries without exact answers are skipped).</summary>
    public static double Recall(IReadOnlyList<IEnumerable<long>> found, long[][] exact)
    {
        double sum = 0;
        var n = 0;
        for (var q = 0; q < exact.Length; q++)
        {
            if (exact[q].Length == 0)
            {
                continue;
            }

            sum += found[q].Intersect(exact[q]).Count() / (double)exact[q].Length;
            n++;
        }

        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>VmRSS and VmHWM of this process in MiB.</summary>
    public static (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024;
            }
        }

        return (rss, peak);

        static double Kib(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public static long FolderBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public static void Write<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Json));

    public static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");

    public static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

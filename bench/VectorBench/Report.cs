using System.Text;
using static CityEye.Bench.Stats;

namespace CityEye.Bench;

/// <summary>The summary in Markdown: the embedded index's figures and, when the peer ran, FAISS's beside them.</summary>
internal static class Report
{
    public static string Markdown(DataMeta meta, BuildResult build, SearchResult search, FaissResult? faiss, double[] targets)
    {
        var text = new StringBuilder();
        var dash = faiss is null ? string.Empty : " — |";
        var header = faiss is null
            ? "| figure | USearch (CityEye) |\n|---|---|"
            : F($"| figure | USearch (CityEye) | FAISS {faiss.Version} IndexHNSWFlat ({faiss.CompileOptions}) |\n|---|---|---|");
        text.AppendLine(F($"{meta.Count:N0} vectors of {meta.Dimensions} dimensions ({meta.Clusters:N0} clusters), {meta.Days} UTC days, {meta.Devices:N0} devices; {meta.Queries} queries, recall@{meta.K} against a brute-force float32 cosine scan; {Environment.ProcessorCount} cores"));
        text.AppendLine();
        text.AppendLine(header);
        Row("index", F($"HNSW per {build.SegmentDays} UTC day{(build.SegmentDays == 1 ? string.Empty : "s")} ({build.Segments} segment{(build.Segments == 1 ? string.Empty : "s")}), cosine, {build.Quantisation}, M={build.Connectivity}, efConstruction={build.ExpansionAdd}"),
            faiss is null ? null : F($"one HNSW, inner product on unit vectors, f32, M={faiss.M}, efConstruction={faiss.EfConstruction}"));
        Row("build", F($"**{build.VectorsPerSecond:N0} vectors/s** ({build.Seconds:N0} s; {build.VectorsPerCpuSecond:N0} per CPU-second; batches of {build.Batch:N0}, {Lanes(build.Lanes)}) + save {build.FlushSeconds:F1} s"),
            faiss is null ? null : F($"**{faiss.VectorsPerSecond:N0} vectors/s** ({faiss.BuildSeconds:N0} s; {faiss.VectorsPerCpuSecond:N0} per CPU-second; {faiss.Threads} OpenMP threads)"));
        Row("RSS after build", F($"{build.RssMiB:N0} MiB (peak {build.PeakRssMiB:N0}; native index {Mib(build.NativeBytes)})"),
            faiss is null ? null : F($"{faiss.RssMiB:N0} MiB (vectors array freed)"));
        Row("index on disk", Mib(build.DiskBytes), faiss is null ? null : Mib(faiss.IndexBytes));
        Row("start-up from disk", F($"{search.StartupMedianSeconds:F2} s (InitialiseAsync, warm page cache; RSS then {search.RssAfterLoadMiB:N0} MiB)"),
            faiss is null ? null : F($"{faiss.LoadSeconds:F2} s (read_index)"));
        var faissAtEf = faiss?.Sweep.FirstOrDefault(p => p.Ef == search.Ef);
        Row(F($"recall@{meta.K}, ef={search.Ef}, no filter"), F($"{search.RecallSequential:F3}"), faissAtEf is null ? null : F($"{faissAtEf.Recall:F3}"));
        Row(F($"recall@{meta.K}, ef={search.Ef}, time + device filter"),
            F($"{search.FilteredRecallSequential:F3} ({search.ExactShare:P0} of the segment searches by exact scan)"),
            faissAtEf?.FilteredRecall is { } fr ? F($"{fr:F3} (IDSelectorBitmap)") : null);
        Row(F($"{search.Concurrency} concurrent, no filter, ef={search.Ef}"),
            F($"p50 **{search.Unfiltered.MedianP50Ms:F1} ms**, p99 **{search.Unfiltered.MedianP99Ms:F1} ms**, {search.Unfiltered.MedianQps:N0} q/s, {search.Unfiltered.MedianCpuMsPerQuery:F2} CPU ms/query"),
            faissAtEf is null ? null : F($"{faissAtEf.Qps:N0} q/s (batch search), {1000 / faissAtEf.QpsCpu:F2} CPU ms/query"));
        Row(F($"{search.Concurrency} concurrent, time + device filter"),
            F($"p50 **{search.Filtered.MedianP50Ms:F1} ms**, p99 **{search.Filtered.MedianP99Ms:F1} ms**, {search.Filtered.MedianQps:N0} q/s, {search.Filtered.MedianCpuMsPerQuery:F2} CPU ms/query"),
            faissAtEf?.FilteredQps is { } fq ? F($"{fq:N0} q/s, {1000 / faissAtEf.FilteredQpsCpu:F2} CPU ms/query") : null);
        if (faiss is not null)
        {
            foreach (var target in targets)
            {
                var ours = QpsAt(search.Sweep, target, p => (p.Recall, p.Qps));
                var theirs = QpsAt(faiss.Sweep, target, p => (p.Recall, p.Qps));
                var oursCpu = QpsAt(search.Sweep, target, p => (p.Recall, p.QpsCpu));
                var theirsCpu = QpsAt(faiss.Sweep, target, p => (p.Recall, p.QpsCpu));
                Row(F($"q/s at recall {target:F2}, no filter (per CPU-second)"),
                    F($"{Show(ours)} ({Show(oursCpu)}); **USearch/FAISS {Ratio(ours, theirs)}** ({Ratio(oursCpu, theirsCpu)} per CPU-second)"),
                    F($"{Show(theirs)} ({Show(theirsCpu)})"));
            }
        }

        text.AppendLine();
        text.AppendLine(F($"Latency: medians of {search.Unfiltered.Runs.Length} runs of {search.Passes} × {meta.Queries} queries from {search.Concurrency} concurrent callers; filters: a {meta.FilterDays:0.#}-day range (about {search.MeanSegmentsPerFilteredQuery:F1} segments searched) and {meta.FilterDevices} of the {meta.Devices} devices, about {search.MeanCandidatesPerSegment:N0} candidates per segment."));
        text.AppendLine();
        text.AppendLine(faiss is null
            ? "| ef | USearch recall | q/s (per CPU-s) | USearch filtered recall | q/s (per CPU-s) |\n|---|---|---|---|---|"
            : "| ef | USearch recall | q/s (per CPU-s) | FAISS recall | q/s (per CPU-s) | USearch filtered recall | q/s (per CPU-s) | FAISS filtered recall | q/s (per CPU-s) |\n|---|---|---|---|---|---|---|---|---|");
        foreach (var point in search.Sweep)
        {
            var peer = faiss?.Sweep.FirstOrDefault(p => p.Ef == point.Ef);
            text.Append(F($"| {point.Ef} | {point.Recall:F3} | {point.Qps:N0} ({point.QpsCpu:N0}) |"));
            if (faiss is not null)
            {
                text.Append(peer is null ? dash + dash : F($" {peer.Recall:F3} | {peer.Qps:N0} ({peer.QpsCpu:N0}) |"));
            }

            text.Append(point.FilteredRecall is { } r ? F($" {r:F3} | {point.FilteredQps:N0} ({point.FilteredQpsCpu:N0}) |") : " — | — |");
            if (faiss is not null)
            {
                text.Append(peer?.FilteredRecall is { } pr ? F($" {pr:F3} | {peer.FilteredQps:N0} ({peer.FilteredQpsCpu:N0}) |") : dash + dash);
            }

            text.AppendLine();
        }

        if (faiss is not null)
        {
            text.AppendLine();
            text.AppendLine(F($"q/s at a recall: interpolated linearly between the two ef values around it; \"≥\" when the lowest ef of the sweep already reaches it (a lower ef could be faster). FAISS searches the {meta.Queries} queries as one batch on {faiss.Threads} threads; its exact answers from numpy agree with the C# scan's at {faiss.TruthAgreement:F4}."));
        }

        return text.ToString();

        void Row(string figure, string ours, string? theirs) =>
            text.AppendLine(faiss is null ? $"| {figure} | {ours} |" : $"| {figure} | {ours} | {theirs ?? "—"} |");
    }

    /// <summary>
    /// Queries per second at a recall: linear interpolation between the sweep points around it, the first point's when
    /// it already reaches it, null when no point reaches it.
    /// </summary>
    public static (double Qps, bool AtLowest)? QpsAt(IReadOnlyList<SweepPoint> sweep, double target, Func<SweepPoint, (double? Recall, double? Qps)> figures)
    {
        var points = sweep.OrderBy(p => p.Ef)
            .Select(figures)
            .Where(p => p.Recall is not null && p.Qps is not null)
            .Select(p => (Recall: p.Recall!.Value, Qps: p.Qps!.Value))
            .ToList();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Recall < target)
            {
                continue;
            }

            if (i == 0)
            {
                return (points[0].Qps, true);
            }

            var (low, high) = (points[i - 1], points[i]);
            var share = (target - low.Recall) / (high.Recall - low.Recall);
            return (low.Qps + (share * (high.Qps - low.Qps)), false);
        }

        return null;
    }

    /// <summary>A rate at a recall; "≥" when the lowest ef of the sweep already exceeds the recall (a lower ef might be faster).</summary>
    private static string Show((double Qps, bool AtLowest)? rate) =>
        rate is { } r ? F($"{(r.AtLowest ? "≥ " : string.Empty)}{r.Qps:N0} q/s") : "not reached";

    private static string Ratio((double Qps, bool AtLowest)? ours, (double Qps, bool AtLowest)? theirs) =>
        ours is { } o && theirs is { } t
            ? F($"{(o.AtLowest && !t.AtLowest ? "≥ " : !o.AtLowest && t.AtLowest ? "≤ " : o.AtLowest ? "~" : string.Empty)}{o.Qps / t.Qps:F2}")
            : "n/a";

    private static string Mib(long bytes) => F($"{bytes / 1048576.0:N0} MiB");

    private static string Lanes(int lanes) => lanes == 1 ? "one AddAsync at a time" : F($"{lanes} days added in parallel");
}

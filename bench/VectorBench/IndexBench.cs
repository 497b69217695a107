using System.Diagnostics;
using CityEye.Core.Captures;
using CityEye.VectorSearch;
using CityEye.VectorSearch.USearch;
using static CityEye.Bench.Stats;

namespace CityEye.Bench;

/// <summary>The embedded index (USearchVectorIndex, vehicle space) over the generated data set.</summary>
internal static class IndexBench
{
    private const CaptureType Type = CaptureType.Vehicle;

    /// <summary>
    /// Adds every row in batches, in time order like the capture drain (one AddAsync at a time with one lane; with more
    /// lanes, each lane adds its own segments, in parallel), saves, and measures memory and the files.
    /// </summary>
    public static async Task<BuildResult> BuildAsync(string dataFolder, string indexFolder, VectorOptions options, int batch, int lanes)
    {
        var meta = DataSet.ReadMeta(dataFolder);
        var entries = DataSet.ReadEntries(dataFolder, meta);
        var days = SegmentRanges(entries, meta, options.SegmentDays);
        await using var index = new USearchVectorIndex(indexFolder, options);
        await index.InitialiseAsync(CancellationToken.None);
        using var vectors = File.OpenHandle(Path.Combine(dataFolder, DataSet.VectorsFile));
        long added = 0;
        using var progress = new CancellationTokenSource();
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        var reporter = ReportProgressAsync(() => Interlocked.Read(ref added), meta.Count, clock, progress.Token);
        var workers = Enumerable.Range(0, lanes).Select(lane => Task.Run(async () =>
        {
            for (var day = lane; day < days.Count; day += lanes)
            {
                var (first, end) = days[day];
                for (var row = first; row < end; row += batch)
                {
                    var rows = DataSet.ReadRows(vectors, entries, meta, row, Math.Min(batch, end - row));
                    var count = await index.AddAsync(Type, rows, CancellationToken.None);
                    Interlocked.Add(ref added, count);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        cpu = CpuSeconds() - cpu;
        await progress.CancelAsync();
        await reporter;
        if (added != meta.Count)
        {
            throw new InvalidOperationException($"AddAsync added {added} of {meta.Count} vectors");
        }

        var flush = Stopwatch.StartNew();
        await index.FlushAsync(CancellationToken.None);
        var flushSeconds = flush.Elapsed.TotalSeconds;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var (rss, peak) = Memory();
        var info = await index.DescribeAsync(CancellationToken.None);
        var segments = days.Count;
        return new BuildResult
        {
            Count = meta.Count,
            Dimensions = meta.Dimensions,
            Quantisation = options.Quantisation,
            Connectivity = options.Connectivity,
            ExpansionAdd = options.ExpansionAdd,
            Batch = batch,
            Lanes = lanes,
            Segments = segments,
            SegmentDays = options.SegmentDays,
            Seconds = seconds,
            VectorsPerSecond = meta.Count / seconds,
            VectorsPerCpuSecond = meta.Count / cpu,
            FlushSeconds = flushSeconds,
            RssMiB = rss,
            PeakRssMiB = peak,
            NativeBytes = info.Bytes,
            DiskBytes = FolderBytes(indexFolder),
        };
    }

    /// <summary>
    /// Start-up over the saved folder (runs times, median), recall@K with and without filters, latency at a fixed
    /// concurrency (runs times), and recall/QPS at each ef of the sweep.
    /// </summary>
    public static async Task<SearchResult> SearchAsync(string dataFolder, string indexFolder, VectorOptions options, int runs, int concurrency, int passes, int[] sweep, bool sweepFiltered)
    {
        var meta = DataSet.ReadMeta(dataFolder);
        var vectors = DataSet.ReadQueries(dataFolder, meta);
        var filters = DataSet.ReadFilters(dataFolder, meta);
        var truth = DataSet.ReadTruth(dataFolder, meta);
        var ef = options.ExpansionSearch;

        // Searches are synchronous: each of the concurrent callers holds a thread, as requests of the API would.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, concurrency + 4), ioThreads);

        var startups = new List<double>();
        var rssAfterLoad = 0.0;
        USearchVectorIndex? last = null;
        for (var run = 0; run < Math.Max(runs, 1); run++)
        {
            var clock = Stopwatch.StartNew();
            var opened = new USearchVectorIndex(indexFolder, options);
            await opened.InitialiseAsync(CancellationToken.None);
            startups.Add(clock.Elapsed.TotalSeconds);
            if (opened.DamagedSegments.Count > 0)
            {
                throw new InvalidOperationException("segments set aside: " + string.Join("; ", opened.DamagedSegments));
            }

            if (run == 0)
            {
                GC.Collect();
                rssAfterLoad = Memory().Rss;
            }

            if (run < runs - 1)
            {
                await opened.DisposeAsync();
            }
            else
            {
                last = opened;
            }
        }

        await using var index = last ?? throw new InvalidOperationException("no index was opened");
        Console.Error.WriteLine(F($"start-up (InitialiseAsync over the saved folder): {string.Join(" / ", startups.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s; RSS after the first {rssAfterLoad:F0} MiB"));
        var described = await index.DescribeAsync(CancellationToken.None);
        if (described.Vectors["vehicle"] != meta.Count)
        {
            throw new InvalidOperationException($"the loaded index holds {described.Vectors["vehicle"]} vectors, not {meta.Count}");
        }

        var plain = vectors.Select(v => new VectorQuery { Type = Type, Vector = v, Limit = meta.K }).ToArray();
        var filtered = vectors.Select((v, q) => new VectorQuery
        {
            Type = Type,
            Vector = v,
            Limit = meta.K,
            From = DateTimeOffset.FromUnixTimeMilliseconds(filters[q].FromMs),
            Until = DateTimeOffset.FromUnixTimeMilliseconds(filters[q].UntilMs),
            DeviceIds = filters[q].Devices.ToHashSet(),
        }).ToArray();
        var (exactShare, meanCandidates, meanSegments) = FilteredPaths(DataSet.ReadEntries(dataFolder, meta), filters, meta, options.SegmentDays);

        // One query at a time (also the warm-up): recall without interference of concurrent searches.
        var recallSequential = Recall(await SequentialAsync(index, plain), truth[0]);
        var filteredRecallSequential = Recall(await SequentialAsync(index, filtered), truth[1]);
        Console.Error.WriteLine(F($"ef {ef}, one query at a time: recall@{meta.K} {recallSequential:F4}, filtered {filteredRecallSequential:F4} ({exactShare:P0} of the filtered segment searches by exact scan, {meanCandidates:F0} candidates per segment on average)"));

        var unfilteredRuns = new List<LoadRun>();
        var filteredRuns = new List<LoadRun>();
        for (var run = 1; run <= runs; run++)
        {
            unfilteredRuns.Add(await LoadAsync(index, plain, truth[0], concurrency, passes));
            filteredRuns.Add(await LoadAsync(index, filtered, truth[1], concurrency, passes));
            Console.Error.WriteLine(F($"run {run}: {concurrency} concurrent, no filter: p50 {unfilteredRuns[^1].P50Ms:F2} ms, p99 {unfilteredRuns[^1].P99Ms:F2} ms, {unfilteredRuns[^1].Qps:F0} q/s ({unfilteredRuns[^1].CpuMsPerQuery:F2} CPU ms/query), recall {unfilteredRuns[^1].Recall:F4}; time+device filter: p50 {filteredRuns[^1].P50Ms:F2} ms, p99 {filteredRuns[^1].P99Ms:F2} ms, {filteredRuns[^1].Qps:F0} q/s ({filteredRuns[^1].CpuMsPerQuery:F2} CPU ms/query), recall {filteredRuns[^1].Recall:F4}"));
        }

        // The index reads VectorOptions.ExpansionSearch on every search, so the sweep changes it in place instead of
        // reopening the index for every ef.
        var points = new List<SweepPoint>();
        foreach (var sweepEf in sweep)
        {
            options.ExpansionSearch = sweepEf;
            var plainRuns = new List<LoadRun>();
            var filteredSweepRuns = new List<LoadRun>();
            for (var run = 0; run < runs; run++)
            {
                plainRuns.Add(await LoadAsync(index, plain, truth[0], concurrency, passes));
                if (sweepFiltered)
                {
                    filteredSweepRuns.Add(await LoadAsync(index, filtered, truth[1], concurrency, 1));
                }
            }

            points.Add(new SweepPoint(
                sweepEf,
                plainRuns[0].Recall,
                Median(plainRuns.Select(r => r.Qps)),
                Median(plainRuns.Select(r => 1000 / r.CpuMsPerQuery)),
                sweepFiltered ? filteredSweepRuns[0].Recall : null,
                sweepFiltered ? Median(filteredSweepRuns.Select(r => r.Qps)) : null,
                sweepFiltered ? Median(filteredSweepRuns.Select(r => 1000 / r.CpuMsPerQuery)) : null));
            Console.Error.WriteLine(F($"ef {sweepEf}: recall@{meta.K} {points[^1].Recall:F4}, {points[^1].Qps:F0} q/s, {points[^1].QpsCpu:F0} q/CPU-s")
                + (sweepFiltered ? F($"; filtered recall {points[^1].FilteredRecall:F4}, {points[^1].FilteredQps:F0} q/s, {points[^1].FilteredQpsCpu:F0} q/CPU-s") : string.Empty));
        }

        options.ExpansionSearch = ef;
        return new SearchResult
        {
            StartupSeconds = [.. startups],
            RssAfterLoadMiB = rssAfterLoad,
            Ef = ef,
            Concurrency = concurrency,
            Passes = passes,
            RecallSequential = recallSequential,
            FilteredRecallSequential = filteredRecallSequential,
            ExactShare = exactShare,
            MeanCandidatesPerSegment = meanCandidates,
            MeanSegmentsPerFilteredQuery = meanSegments,
            Unfiltered = new LatencyFigures { Runs = [.. unfilteredRuns] },
            Filtered = new LatencyFigures { Runs = [.. filteredRuns] },
            Sweep = [.. points],
        };
    }

    /// <summary>The rows of each segment of <paramref name="span"/> UTC days (rows are in time order).</summary>
    private static List<(int First, int End)> SegmentRanges(long[] entries, DataMeta meta, int span)
    {
        var ranges = new List<(int, int)>();
        var first = 0;
        for (var row = 1; row <= meta.Count; row++)
        {
            if (row == meta.Count || SegmentOf(entries[2 * row], span) != SegmentOf(entries[2 * first], span))
            {
                ranges.Add((first, row));
                first = row;
            }
        }

        return ranges;
    }

    private static double CpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static DateOnly DayOf(long timeMs) => VectorChecks.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(timeMs));

    /// <summary>The day number of the first day of a time's segment (as USearchVectorIndex counts them).</summary>
    private static int SegmentOf(long timeMs, int span) => DayOf(timeMs).DayNumber - (DayOf(timeMs).DayNumber % span);

    private static async Task ReportProgressAsync(Func<long> added, int total, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var done = added();
                var rate = done / clock.Elapsed.TotalSeconds;
                Console.Error.WriteLine(F($"  added {done:N0} of {total:N0} ({rate:N0} vectors/s, about {(total - done) / Math.Max(rate, 1) / 60:F0} min left)"));
            }
        }
        catch (OperationCanceledException)
        {
            // The build is done.
        }
    }

    /// <summary>
    /// How the index answers the filtered queries, from the same rule as USearchSegment: per (query, segment) the
    /// candidates are the entries of the query's devices in that segment; below USearchVectorIndex.ExactBelow the
    /// segment is scanned exactly, otherwise its graph is walked with the filter.
    /// </summary>
    private static (double ExactShare, double MeanCandidates, double MeanSegments) FilteredPaths(long[] entries, QueryFilter[] filters, DataMeta meta, int span)
    {
        var perSegment = new Dictionary<int, int[]>();
        for (var row = 0; row < meta.Count; row++)
        {
            var segment = SegmentOf(entries[2 * row], span);
            if (!perSegment.TryGetValue(segment, out var counts))
            {
                perSegment[segment] = counts = new int[meta.Devices + 1];
            }

            counts[entries[(2 * row) + 1]]++;
        }

        long searches = 0, exact = 0, candidates = 0;
        foreach (var filter in filters)
        {
            var first = SegmentOf(filter.FromMs, span);
            var last = SegmentOf(filter.UntilMs - 1, span);
            foreach (var (segment, counts) in perSegment.Where(s => s.Key >= first && s.Key <= last))
            {
                var count = filter.Devices.Sum(d => (long)counts[d]);
                searches++;
                candidates += count;
                if (count < USearchVectorIndex.ExactBelow)
                {
                    exact++;
                }
            }
        }

        return (exact / (double)searches, candidates / (double)searches, searches / (double)filters.Length);
    }

    private static async Task<List<long[]>> SequentialAsync(USearchVectorIndex index, VectorQuery[] queries)
    {
        var found = new List<long[]>(queries.Length);
        foreach (var query in queries)
        {
            found.Add([.. (await index.SearchAsync(query, CancellationToken.None)).Select(h => h.Id)]);
        }

        return found;
    }

    /// <summary>passes × the queries from <paramref name="concurrency"/> callers at once; recall of the first pass.</summary>
    private static async Task<LoadRun> LoadAsync(USearchVectorIndex index, VectorQuery[] queries, long[][] truth, int concurrency, int passes)
    {
        var total = queries.Length * passes;
        var latencies = new double[total];
        var found = new long[queries.Length][];
        var next = -1;
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                var hits = await index.SearchAsync(queries[i % queries.Length], CancellationToken.None);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i < queries.Length)
                {
                    found[i] = [.. hits.Select(h => h.Id)];
                }
            }
        })).ToArray();
        await Task.WhenAll(callers);
        var seconds = clock.Elapsed.TotalSeconds;
        cpu = CpuSeconds() - cpu;
        Array.Sort(latencies);
        return new LoadRun(Percentile(latencies, 50), Percentile(latencies, 99), total / seconds, cpu * 1000 / total, Recall(found, truth));
    }
}

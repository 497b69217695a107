// Log pipeline benchmark (issue 7): journal append latency (what logging adds to a request), journal → store drain
// throughput, and log search / aggregation latency on DuckDB and, when --clickhouse is given, on ClickHouse, over the
// same generated entries. Run through bench/logs.sh.
using System.Diagnostics;
using System.Globalization;
using CityEye.Analytics;
using CityEye.Analytics.ClickHouse;
using CityEye.Analytics.DuckDb;
using CityEye.Analytics.Logging;

var entries = 2_000_000;
var users = 300;
var days = 60;
string? clickhouse = null;
var behaviour = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--entries": entries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--users": users = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--days": days = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--clickhouse": clickhouse = args[++i]; break;
        case "--behaviour": behaviour = true; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

if (behaviour)
{
    await BehaviourBench.RunAsync(users, days);
    return;
}

var folder = Directory.CreateTempSubdirectory("cityeye-logbench-").FullName;
try
{
    var end = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    var start = end.AddDays(-days);
    var step = (end - start).Ticks / entries;
    string[] modules = ["devices", "search", "archive", "video", "captures", "auth", "jobs", "map"];
    string[] operations = ["search", "get", "export", "update", "play", "download", "list"];
    var random = new Random(7);
    LogEntry Make(int i) => new()
    {
        Sequence = 0,
        At = start.AddTicks(step * i),
        Kind = i % 17 == 0 ? LogKinds.ServiceCall : LogKinds.Operation,
        UserId = (i * 7919 % users) + 1,
        Username = "user" + ((i * 7919 % users) + 1).ToString("D3", CultureInfo.InvariantCulture),
        OrganisationId = (i * 7919 % users % 19) + 1,
        OrganisationName = "unit" + ((i * 7919 % users % 19) + 1).ToString(CultureInfo.InvariantCulture),
        ClientIp = "10.0." + (i % 250).ToString(CultureInfo.InvariantCulture) + ".1",
        Module = modules[random.Next(modules.Length)],
        Operation = operations[random.Next(operations.Length)],
        DataType = "device",
        DeviceCode = "3101180100132" + random.Next(16_231).ToString("D7", CultureInfo.InvariantCulture),
        Method = "GET",
        Path = "/api/devices/search?q=" + random.Next(100_000).ToString(CultureInfo.InvariantCulture),
        Status = 200,
        DurationMs = random.Next(50),
    };

    var results = new Dictionary<string, (double SearchP50, double SearchP99, double AggregateP50, double AggregateP99)>();

    // 1. Journal append: the time the middleware adds to a request.
    var journal = new LogJournal(Path.Combine(folder, "journal"));
    var latencies = new double[entries];
    var total = Stopwatch.StartNew();
    for (var i = 0; i < entries; i++)
    {
        var entry = Make(i);
        var t = Stopwatch.GetTimestamp();
        journal.Append(entry);
        latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }

    total.Stop();
    Array.Sort(latencies);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"journal append: {entries:N0} entries in {total.Elapsed.TotalSeconds:F1} s; per entry p50 {latencies[entries / 2] * 1000:F1} µs, p99 {latencies[(int)(entries * 0.99)] * 1000:F1} µs, max {latencies[^1]:F2} ms"));

    async Task Run(string name, IAnalyticsStore store, Func<Task>? settle = null)
    {
        await store.MigrateAsync(default);
        var drain = Stopwatch.StartNew();
        long after = 0;
        while (true)
        {
            var batch = journal.ReadAfter(after, 10_000);
            if (batch.Count == 0)
            {
                break;
            }

            await store.AppendAsync(batch, default);
            after = batch[^1].Sequence;
        }

        drain.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} drain: {entries:N0} entries in {drain.Elapsed.TotalSeconds:F1} s = {entries / drain.Elapsed.TotalSeconds:N0} entries/s (batches of 10,000, journal read included)"));

        await Measure(name);
        if (settle is not null)
        {
            var clock = Stopwatch.StartNew();
            await settle();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: OPTIMIZE TABLE … FINAL (merge the parts) took {clock.Elapsed.TotalSeconds:F1} s"));
            await Measure(name + " settled");
        }

        await store.DisposeAsync();

        async Task Measure(string label)
        {
            var search = new List<double>();
            var aggregate = new List<double>();
            var pick = new Random(11);
            for (var i = 0; i < 40; i++)
            {
                var user = "user" + (pick.Next(users) + 1).ToString("D3", CultureInfo.InvariantCulture);
                var from = start.AddDays(pick.Next(days - 2));
                var t = Stopwatch.GetTimestamp();
                var page = await store.SearchAsync(new LogQuery { Username = user, From = from, To = from.AddDays(2), Limit = 20 }, default);
                search.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                if (i < 10)
                {
                    t = Stopwatch.GetTimestamp();
                    await store.CountByDayUnitModuleAsync(DateOnly.FromDateTime(end.AddDays(-30).UtcDateTime), DateOnly.FromDateTime(end.UtcDateTime), null, default);
                    aggregate.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                _ = page;
            }

            search.Sort();
            aggregate.Sort();
            results[label] = (search[search.Count / 2], search[(int)(search.Count * 0.99)], aggregate[aggregate.Count / 2], aggregate[^1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label} search (one user, 2-day range, 40 queries): p50 {search[search.Count / 2]:F1} ms, p99 {search[(int)(search.Count * 0.99)]:F1} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label} per day/unit/module over 30 days (10 queries): p50 {aggregate[aggregate.Count / 2]:F1} ms, p99 {aggregate[^1]:F1} ms"));
        }
    }

    await Run("DuckDB", new DuckDbAnalyticsStore(Path.Combine(folder, "bench.duckdb")));
    if (clickhouse is not null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var connection = ClickHouseConnection.Parse(clickhouse);
        await Run("ClickHouse", new ClickHouseAnalyticsStore(http, connection), async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(connection.Url, $"?database={Uri.EscapeDataString(connection.Database)}"))
            {
                Content = new StringContent("OPTIMIZE TABLE log_entries FINAL"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{connection.Username}:{connection.Password}")));
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        });
        foreach (var other in new[] { "ClickHouse", "ClickHouse settled" })
        {
            var (dd, cc) = (results["DuckDB"], results[other]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"DuckDB/{other} time ratio: search p50 {dd.SearchP50 / cc.SearchP50:F2}, p99 {dd.SearchP99 / cc.SearchP99:F2}; aggregation p50 {dd.AggregateP50 / cc.AggregateP50:F2}, p99 {dd.AggregateP99 / cc.AggregateP99:F2} (below 1: DuckDB faster)"));
        }
    }

    journal.Dispose();
}
finally
{
    Directory.Delete(folder, recursive: true);
}

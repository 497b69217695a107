using System.Diagnostics;
using System.Globalization;
using CityEye.Analytics.Behaviour;
using CityEye.Analytics.DuckDb;

/// <summary>
/// Behaviour-audit figures (issue 7): the demo generator's history (users × days, planted abuse) in a DuckDB file;
/// then, five times: the user-day counts from the store, training (ML.NET randomized PCA), scoring, and precision at
/// 10 of the model alone and of the anomaly list (model and rules) on the planted cases. Medians are printed.
/// </summary>
internal static class BehaviourBench
{
    public static async Task RunAsync(int users, int days)
    {
        var folder = Directory.CreateTempSubdirectory("cityeye-behaviourbench-").FullName;
        try
        {
            var units = Enumerable.Range(1, 13).Select(i => new HistoryUnit(i, $"派出所{i:D2}")).ToList();
            var devices = Enumerable.Range(0, 4000).Select(i => new HistoryDevice($"310118{i:D14}", $"点位{i}", 1 + (i % 13))).ToList();
            var last = new DateOnly(2026, 11, 25);
            var generator = new AuditHistoryGenerator(users, days, last, units, devices);
            await using var store = new DuckDbAnalyticsStore(Path.Combine(folder, "behaviour.duckdb"));
            await store.MigrateAsync(default);
            long sequence = 0;
            foreach (var chunk in generator.Generate().Chunk(50_000))
            {
                await store.AppendAsync([.. chunk.Select(e => e with { Sequence = ++sequence })], default);
            }

            var planted = generator.Planted.Select(p => (p.Username, p.Day)).ToHashSet();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"behaviour: {sequence:N0} generated log entries, {users} users × {days} days, {planted.Count} planted abusive user-days"));
            var since = new DateTimeOffset(last.AddDays(-days + 1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
            var features = new List<double>();
            var train = new List<double>();
            var score = new List<double>();
            var model10 = new List<double>();
            var list10 = new List<double>();
            var userDays = 0;
            for (var run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                var counts = await store.UserDayCountsAsync(since, since.AddDays(days), default);
                features.Add(clock.Elapsed.TotalMilliseconds);
                userDays = counts.Count;
                var result = BehaviourAnalysis.Run(counts, new BehaviourRuleOptions());
                train.Add(result.TrainMilliseconds);
                score.Add(result.ScoreMilliseconds);
                model10.Add(BehaviourAnalysis.PrecisionAt(result.Days.OrderByDescending(d => d.Score.Score), 10, planted));
                list10.Add(BehaviourAnalysis.PrecisionAt(result.Anomalies, 10, planted));
            }

            static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"behaviour ({userDays:N0} user-days, 5 runs, medians): user-day counts from DuckDB {Median(features):F0} ms, training {Median(train):F0} ms (first run {train[0]:F0} ms), scoring {Median(score):F0} ms; precision@10 model {Median(model10):F2}, anomaly list (model + rules) {Median(list10):F2}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

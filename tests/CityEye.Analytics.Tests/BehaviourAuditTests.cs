using System.Diagnostics;
using CityEye.Analytics.Behaviour;
using CityEye.Analytics.DuckDb;

namespace CityEye.Analytics.Tests;

/// <summary>
/// The behaviour audit end to end on a real DuckDB file: 60 days of generated history for 300 users with planted
/// abusive patterns go into the store, the features come out of it, ML.NET's randomized PCA is trained on them, and
/// the planted days must lead the anomaly list.
/// </summary>
public sealed class BehaviourAuditTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-behaviour-").FullName;
    private DuckDbAnalyticsStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = new DuckDbAnalyticsStore(Path.Combine(_folder, "analytics.duckdb"));
        await _store.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    internal static AuditHistoryGenerator Generator(int users = 300, int days = 60)
    {
        var units = Enumerable.Range(1, 12).Select(i => new HistoryUnit(i, $"派出所{i:D2}")).ToList();
        var devices = Enumerable.Range(0, 1200).Select(i => new HistoryDevice($"310118{i:D14}", $"点位{i}", 1 + (i % 12))).ToList();
        return new AuditHistoryGenerator(users, days, new DateOnly(2026, 11, 25), units, devices);
    }

    [Fact]
    public async Task PlantedAbuse_LeadsTheAnomalies_WithReasonsAndRules()
    {
        var ct = TestContext.Current.CancellationToken;
        var generator = Generator();
        long sequence = 0;
        foreach (var chunk in generator.Generate().Chunk(20_000))
        {
            await _store.AppendAsync([.. chunk.Select(e => e with { Sequence = ++sequence })], ct);
        }

        var since = new DateTimeOffset(2026, 9, 27, 0, 0, 0, TimeSpan.FromHours(8));
        var clock = Stopwatch.StartNew();
        var counts = await _store.UserDayCountsAsync(since, since.AddDays(60), ct);
        var featureMs = clock.ElapsedMilliseconds;
        var result = BehaviourAnalysis.Run(counts, new BehaviourRuleOptions());
        var planted = generator.Planted.Select(p => (p.Username, p.Day)).ToHashSet();

        var byModel = result.Days.OrderByDescending(d => d.Score.Score).ToList();
        var modelP10 = BehaviourAnalysis.PrecisionAt(byModel, 10, planted);
        var combinedP10 = BehaviourAnalysis.PrecisionAt(result.Anomalies, 10, planted);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{sequence} entries, {counts.Count} user-days ({featureMs} ms from DuckDB), train {result.TrainMilliseconds} ms, score {result.ScoreMilliseconds} ms, "
            + $"planted {planted.Count}, precision@10 model {modelP10:0.00}, model+rules {combinedP10:0.00}");

        Assert.Equal(15, planted.Count);
        Assert.True(counts.Count > 300 * 30, $"only {counts.Count} user-days");
        Assert.True(combinedP10 >= 0.9, $"precision@10 of the anomaly list is {combinedP10:0.00}");
        Assert.True(modelP10 >= 0.7, $"precision@10 of the model alone is {modelP10:0.00}");

        // Every planted pattern is found, and explained by the feature it abuses.
        var anomalies = result.Anomalies.ToList();
        var exports = anomalies.Where(a => a.Day.Username == AuditHistoryGenerator.Username(17) && planted.Contains((a.Day.Username, a.Day.Day))).ToList();
        Assert.Equal(3, exports.Count);
        Assert.All(exports, e => Assert.Contains(BehaviourRules.NightBulkExport, e.Rules));
        Assert.All(exports, e => Assert.Contains(e.Score.Reasons, r => r.Feature == "exports"));
        foreach (var (index, _) in AuditHistoryGenerator.PlantedUsers)
        {
            Assert.Contains(anomalies.Take(30), a => a.Day.Username == AuditHistoryGenerator.Username(index));
        }

        // Normal users are rarely flagged: at most 1.5 % of their days.
        var normalFlagged = anomalies.Count(a => !planted.Contains((a.Day.Username, a.Day.Day)));
        Assert.True(normalFlagged <= counts.Count * 0.015, $"{normalFlagged} normal user-days flagged");
    }

    [Fact]
    public void Features_NewAddresses_CountOnlyAfterTheWarmUp()
    {
        UserDayCounts Day(int d, params string[] addresses) => new() { Username = "u", Day = new DateOnly(2026, 11, 1).AddDays(d), Operations = 1, Addresses = addresses };
        var days = BehaviourFeatures.Build([Day(0, "a"), Day(1, "b"), Day(8, "a", "c"), Day(9, "c", "d"), Day(50, "a")]);
        Assert.Equal([0, 0, 1, 1, 1], days.Select(d => d.NewAddresses));
    }
}

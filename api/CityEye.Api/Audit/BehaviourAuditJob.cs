using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using CityEye.Analytics;
using CityEye.Analytics.Behaviour;
using CityEye.Core.Behaviour;
using CityEye.Core.Jobs;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Audit;

/// <summary>Behaviour audit settings (<c>Behaviour</c> section).</summary>
public sealed class BehaviourOptions
{
    public const string SectionName = "Behaviour";

    /// <summary>Retrain and rescore once a day (the first run as soon as the node is ready).</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>Days of log the model is trained on and scores.</summary>
    [Range(14, 365)]
    public int Days { get; set; } = 60;

    /// <summary>Principal components the model keeps.</summary>
    [Range(1, 8)]
    public int Rank { get; set; } = 4;

    /// <summary>Most anomalies one run keeps.</summary>
    [Range(10, 10_000)]
    public int MaxFindings { get; set; } = 500;

    /// <summary>Thresholds of the rules beside the model.</summary>
    public BehaviourRuleOptions Rules { get; set; } = new();
}

/// <summary>What starts a behaviour-audit run.</summary>
public sealed record BehaviourAuditParameters(string Trigger, string StartedBy);

/// <summary>
/// Trains the behaviour model on the last <see cref="BehaviourOptions.Days"/> days of the log (counted by the analytics
/// store), scores every user-day of them, applies the rules and stores the anomalies with their reasons.
/// </summary>
internal sealed class BehaviourAuditJob(IAnalyticsStore analytics, BehaviourStore store, IOptions<BehaviourOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobKind = "behaviour-audit";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    public bool Resumable => true;

    public static string Serialize(BehaviourAuditParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<BehaviourAuditParameters>(context.Job.Parameters!, Json)!;
        var settings = options.Value;
        var shanghai = TimeSpan.FromHours(8);
        // Completed local days only: today is still being written.
        var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(shanghai).DateTime).AddDays(-1);
        var first = today.AddDays(-settings.Days + 1);
        var run = await store.GetRunByJobAsync(context.Job.Id, cancellationToken)
            ?? await store.StartAsync(context.Job.Id, parameters.Trigger, parameters.StartedBy, Day(first), Day(today), cancellationToken);
        try
        {
            await context.ReportAsync(0.1, "正在从分析库统计每人每日行为 (counting user-days)", cancellationToken);
            var since = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), shanghai);
            var counts = await analytics.UserDayCountsAsync(since, since.AddDays(settings.Days), cancellationToken);
            var minimum = BehaviourFeatures.Names.Count * 4;
            if (counts.Count < minimum)
            {
                throw new InvalidOperationException($"Not enough history to train the behaviour model: {counts.Count} user-days between {Day(first)} and {Day(today)}; at least {minimum} are needed.");
            }

            await context.ReportAsync(0.4, string.Create(CultureInfo.InvariantCulture, $"正在训练行为模型：{counts.Count} 个用户日 (training on {counts.Count} user-days)"), cancellationToken);
            var result = BehaviourAnalysis.Run(counts, settings.Rules, settings.Rank);
            var anomalies = result.Anomalies.Take(settings.MaxFindings).ToList();
            var findings = anomalies.Select((a, i) => new BehaviourFinding
            {
                Rank = i + 1,
                Username = a.Day.Username,
                OrganisationId = a.Day.Counts.OrganisationId,
                OrganisationName = a.Day.Counts.OrganisationName,
                Day = Day(a.Day.Day),
                Score = Math.Round(a.Score.Score, 3),
                Severity = Math.Round(a.Severity, 3),
                Rules = string.Join(",", a.Rules),
                Reasons = JsonSerializer.Serialize(a.Score.Reasons, Json),
                Features = JsonSerializer.Serialize(BehaviourFeatures.Names.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => Math.Round(a.Day.Raw[p.j], 3)), Json),
            }).ToList();
            var finished = run with
            {
                Status = BehaviourRunStates.Succeeded,
                UserDays = counts.Count,
                Users = counts.Select(c => c.Username).Distinct(StringComparer.Ordinal).Count(),
                Anomalies = result.Anomalies.Count(),
                ModelRank = result.Rank,
                Threshold = Math.Round(result.Threshold, 4),
                TrainMs = result.TrainMilliseconds,
                ScoreMs = result.ScoreMilliseconds,
            };
            await store.FinishAsync(finished, findings, cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"run {run.Id}: {counts.Count} user-days of {finished.Users} users, {finished.Anomalies} anomalies; trained in {result.TrainMilliseconds} ms, scored in {result.ScoreMilliseconds} ms");
        }
        catch (Exception e)
        {
            await store.FinishAsync(run with { Status = BehaviourRunStates.Failed, Error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message }, [], CancellationToken.None);
            throw;
        }
    }

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Queues the daily retraining once the node is ready: when the last scheduled run is a day old, or there is none.</summary>
internal sealed partial class BehaviourScheduler(
    JobStore jobs, BehaviourStore store, ReadinessRegistry readiness, IOptions<BehaviourOptions> options, TimeProvider time, ILogger<BehaviourScheduler> logger) : BackgroundService
{
    public const string Trigger = "scheduled";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Scheduled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (readiness.IsReady)
                {
                    var last = await store.LastStartedAsync(Trigger, stoppingToken);
                    if (last is null || time.GetUtcNow() - last.Value >= TimeSpan.FromDays(1))
                    {
                        var pending = (await jobs.ListAsync(0, 5, BehaviourAuditJob.JobKind, null, stoppingToken)).Items.Any(j => j.Status is JobStatus.Queued or JobStatus.Running);
                        if (!pending)
                        {
                            await jobs.EnqueueAsync(BehaviourAuditJob.JobKind, "行为审计模型训练（定时）", BehaviourAuditJob.Serialize(new BehaviourAuditParameters(Trigger, "system")), "system", null, stoppingToken);
                        }
                    }
                }
            }
#pragma warning disable CA1031 // The schedule must outlive any failure of one attempt; it tries again later.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogScheduleFailed(logger, e);
            }

            await Task.Delay(readiness.IsReady ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The behaviour audit could not be scheduled")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception);
}

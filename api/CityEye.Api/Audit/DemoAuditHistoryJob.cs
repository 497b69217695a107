using System.Globalization;
using System.Text.Json;
using CityEye.Analytics.Behaviour;
using CityEye.Analytics.Logging;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;

namespace CityEye.Api.Audit;

/// <summary>What the demo history writes: users, days, and the seeding job to wait for.</summary>
public sealed record DemoAuditHistoryParameters(string? SeedJobId, int Users, int Days);

/// <summary>
/// Writes the demo district's operation-log history (<see cref="AuditHistoryGenerator"/>: a few hundred police users
/// over 60 days with planted abusive patterns) through the same journal every request writes to, so it is numbered,
/// SM3-chained and drained into the analytics store like real entries; then queues the behaviour audit. Waits for the
/// district to be seeded (it needs the stations and cameras).
/// </summary>
internal sealed class DemoAuditHistoryJob(JobStore jobs, OrganisationStore organisations, DeviceStore devices, LogJournal journal, Logs.LogDrain drain, TimeProvider time) : IJobHandler
{
    public const string JobKind = "demo-audit-history";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    /// <summary>Not resumable: a restart half-way would write the first half twice.</summary>
    public bool Resumable => false;

    public static string Serialize(DemoAuditHistoryParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<DemoAuditHistoryParameters>(context.Job.Parameters!, Json)!;
        while (parameters.SeedJobId is not null && await jobs.GetAsync(parameters.SeedJobId, cancellationToken) is { Status: JobStatus.Queued or JobStatus.Running })
        {
            await context.ReportAsync(0.01, "等待演示辖区生成完成 (waiting for the demo district)", cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);
        }

        var units = (await organisations.ListAsync(DeviceScope.All, cancellationToken))
            .Where(o => o.Kind == OrganisationKind.Station && o.DeviceCount > 0)
            .Select(o => new HistoryUnit(o.Id, o.Name))
            .ToList();
        var points = await devices.MapPointsAsync(DeviceScope.All, cancellationToken);
        var sample = await devices.GetManyAsync([.. points.Select(p => p.Id).Where((_, i) => i % 4 == 0)], cancellationToken);
        if (units.Count == 0 || sample.Count == 0)
        {
            throw new InvalidOperationException("The demo district has no police stations with cameras: seed the district first.");
        }

        var yesterday = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
        var generator = new AuditHistoryGenerator(
            parameters.Users, parameters.Days, yesterday, units, [.. sample.Select(d => new HistoryDevice(d.GbCode, d.Name, d.OrganisationId))]);
        var written = 0;
        var expected = parameters.Users * parameters.Days * 20;
        foreach (var entry in generator.Generate())
        {
            journal.Append(entry);
            if (++written % 20_000 == 0)
            {
                await context.ReportAsync(Math.Min(0.95, (double)written / expected), string.Create(CultureInfo.InvariantCulture, $"已写入 {written} 条历史日志 (entries written)"), cancellationToken);
            }
        }

        // The model must see the whole history: wait until the drain has moved it into the analytics store.
        var last = journal.LastSequence;
        for (var idle = 0; drain.StoredSequence < last && idle < 30;)
        {
            await context.ReportAsync(0.97, string.Create(CultureInfo.InvariantCulture, $"正在写入分析库 (storing): {Math.Max(drain.StoredSequence, 0)} / {last}"), cancellationToken);
            if (await drain.DrainAsync(cancellationToken) == 0)
            {
                idle++;
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }

        await jobs.EnqueueAsync(BehaviourAuditJob.JobKind, "行为审计模型训练（演示数据）", BehaviourAuditJob.Serialize(new BehaviourAuditParameters("demo", "system")), "system", null, cancellationToken);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{written} entries for {parameters.Users} users over {parameters.Days} days up to {yesterday:yyyy-MM-dd}; planted: {string.Join(", ", generator.Planted.Select(p => $"{p.Username} {p.Day:MM-dd} {p.Pattern}"))}");
    }
}

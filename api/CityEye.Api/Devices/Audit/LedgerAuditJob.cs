using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using CityEye.Core.Auth;
using CityEye.Core.Devices.Audit;
using CityEye.Core.Jobs;
using CityEye.Core.Notifications;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Devices.Audit;

/// <summary>The scheduled data audit (<c>Audit:*</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Run the audit every day.</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>Time of day (Asia/Shanghai, HH:mm) of the daily audit; a node that was down then audits when it is back.</summary>
    [RegularExpression("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    public string DailyAt { get; set; } = "02:00";
}

/// <summary>Parameters of an audit job.</summary>
internal sealed record LedgerAuditParameters(string Kind, string StartedBy);

/// <summary>
/// Runs one data audit of the whole ledger, records its findings, and notifies the responsible units' users (those
/// of each unit with findings who may see devices) and the archive staff (<c>archive.manage</c>) in the in-app
/// notification centre. Resumable: a run interrupted by a restart starts its findings again.
/// </summary>
internal sealed class LedgerAuditJob(LedgerAuditor auditor, LedgerAuditStore store, NotificationStore notifications, ReferenceNames names) : IJobHandler
{
    public const string JobKind = "ledger-audit";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    public bool Resumable => true;

    public static string Serialize(LedgerAuditParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<LedgerAuditParameters>(context.Job.Parameters!, Json)!;
        var run = await store.GetRunByJobAsync(context.Job.Id, cancellationToken)
            ?? await store.StartAsync(parameters.Kind, parameters.StartedBy, context.Job.Id, cancellationToken);
        LedgerAuditResult result;
        try
        {
            result = await auditor.RunAsync(run.Id, (share, message) => context.ReportAsync(share, message, cancellationToken), cancellationToken);
        }
        catch (Exception)
        {
            // Failed, cancelled or stopped by shutdown; a resumed job reuses the run and finishes it.
            await store.FinishAsync(run.Id, AuditRunStates.Failed, 0, 0, 0, CancellationToken.None);
            throw;
        }

        await store.FinishAsync(run.Id, AuditRunStates.Succeeded, result.Devices, result.DevicesWithFindings, result.Findings, cancellationToken);
        await context.ReportAsync(0.95, "正在发送通知 (notifying)", cancellationToken);
        var sent = await NotifyAsync(run.Id, result, cancellationToken);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"run {run.Id}: {result.Devices} devices audited, {result.DevicesWithFindings} with {result.Findings} findings; {sent} notifications");
    }

    private async Task<int> NotifyAsync(long runId, LedgerAuditResult result, CancellationToken cancellationToken)
    {
        var snapshot = await names.GetAsync(cancellationToken);
        var sent = 0;
        foreach (var (unit, (devices, findings)) in result.ByUnit.OrderBy(u => u.Key))
        {
            var users = await notifications.UsersOfUnitAsync(unit, Permissions.DevicesView, cancellationToken);
            if (users.Count == 0)
            {
                continue;
            }

            var unitName = snapshot.Organisations.GetValueOrDefault(unit, unit.ToString(CultureInfo.InvariantCulture));
            sent += await notifications.AddAsync(
                users,
                "audit.unit",
                $"数据审计：{unitName} 有 {devices} 台设备存在问题",
                string.Create(CultureInfo.InvariantCulture, $"第 {runId} 次审计发现 {unitName} 的 {devices} 台设备共 {findings} 项不符合档案规则，请及时整改。"),
                string.Create(CultureInfo.InvariantCulture, $"/archive/audit?run={runId}&organisationId={unit}"),
                cancellationToken);
        }

        // The district-wide summary goes only to archive staff who see the whole district.
        var staff = await notifications.DistrictUsersWithAsync(Permissions.ArchiveManage, cancellationToken);
        sent += await notifications.AddAsync(
            staff,
            "audit.summary",
            string.Create(CultureInfo.InvariantCulture, $"数据审计完成：{result.DevicesWithFindings} 台设备存在问题"),
            string.Create(CultureInfo.InvariantCulture, $"第 {runId} 次审计检查了 {result.Devices} 台设备，{result.DevicesWithFindings} 台共 {result.Findings} 项不符合档案规则，涉及 {result.ByUnit.Count} 个单位。"),
            string.Create(CultureInfo.InvariantCulture, $"/archive/audit?run={runId}"),
            cancellationToken);
        return sent;
    }
}

/// <summary>Queues the daily audit at <see cref="AuditOptions.DailyAt"/> (Asia/Shanghai), once the node is ready.</summary>
internal sealed partial class AuditScheduler(
    JobStore jobs, JobRunner runner, LedgerAuditStore store, ReadinessRegistry readiness, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The most recent daily slot at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset LastSlot(DateTimeOffset now, string dailyAt)
    {
        var local = now.ToOffset(Shanghai);
        var at = TimeOnly.ParseExact(dailyAt, "HH:mm", CultureInfo.InvariantCulture);
        var slot = new DateTimeOffset(DateOnly.FromDateTime(local.DateTime).ToDateTime(at), Shanghai);
        return slot > local ? slot.AddDays(-1) : slot;
    }

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
                    var slot = LastSlot(time.GetUtcNow(), options.Value.DailyAt);
                    var last = await store.LastStartedAsync(AuditRunKinds.Scheduled, stoppingToken);
                    if (last is null || last < slot)
                    {
                        var (queued, _) = await jobs.ListAsync(0, 1, LedgerAuditJob.JobKind, null, stoppingToken);
                        if (!queued.Any(j => j.Status is JobStatus.Queued or JobStatus.Running))
                        {
                            await jobs.EnqueueAsync(LedgerAuditJob.JobKind, "数据审计（定时）", LedgerAuditJob.Serialize(new LedgerAuditParameters(AuditRunKinds.Scheduled, "system")), "system", null, stoppingToken);
                            runner.Wake();
                            LogQueued(logger, slot);
                        }
                    }
                }
            }
            catch (Exception e) when (StoreFailures.IsUnavailable(e) || e is System.Data.Common.DbException)
            {
                LogStoreDown(logger, e);
            }

            // Until the node is ready (demo district written) look often; then once a minute.
            await Task.Delay(readiness.IsReady ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(2), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued the scheduled data audit of {Slot}")]
    private static partial void LogQueued(ILogger logger, DateTimeOffset slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit scheduler cannot reach the store; retrying")]
    private static partial void LogStoreDown(ILogger logger, Exception exception);
}

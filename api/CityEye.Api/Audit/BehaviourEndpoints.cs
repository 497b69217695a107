using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using CityEye.Analytics;
using CityEye.Analytics.Behaviour;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Jobs;
using CityEye.Core.Auth;
using CityEye.Core.Behaviour;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Audit;

/// <summary>An anomaly search over the newest successful run (or one run).</summary>
public sealed record AnomalySearchRequest(
    [property: MaxLength(128)] string? User = null,
    DateOnly? From = null,
    DateOnly? To = null,
    [property: AllowedValues(null, "", BehaviourRules.NightBulkExport, BehaviourRules.FailedSignInBurst, BehaviourRules.MassDeviceViewing, BehaviourRules.ImageSearchFlood, BehaviourRules.NewAddressProbing)] string? Rule = null,
    long? RunId = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 20) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (From is { } from && To is { } to && to < from)
        {
            yield return new CodedValidationResult(nameof(To), ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = from, ["max"] = null });
        }
    }
}

/// <summary>A behaviour-audit run.</summary>
public sealed record BehaviourRunResponse(
    long Id, string Trigger, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Status, string FromDay, string ToDay,
    int UserDays, int Users, int Anomalies, int ModelRank, double Threshold, long TrainMs, long ScoreMs, string? Error, string? JobId)
{
    internal static BehaviourRunResponse From(BehaviourRun r) => new(
        r.Id, r.TriggerKind, r.StartedBy, r.StartedAt, r.FinishedAt, r.Status, r.FromDay, r.ToDay, r.UserDays, r.Users, r.Anomalies, r.ModelRank, r.Threshold, r.TrainMs, r.ScoreMs, r.Error, r.JobId);
}

/// <summary>One anomalous user-day: who, which day, how anomalous, and why (features and rules).</summary>
public sealed record AnomalyResponse(
    int Rank, string User, long OrganisationId, string OrganisationName, string Day, double Score, double Severity,
    IReadOnlyList<string> Rules, IReadOnlyList<BehaviourReason> Reasons, IReadOnlyDictionary<string, double> Features);

/// <summary>The anomalies of a run, most severe first.</summary>
public sealed record AnomalyPage(BehaviourRunResponse? Run, int Total, IReadOnlyList<AnomalyResponse> Items);

/// <summary>Operations per unit or module over the days of a window.</summary>
public sealed record SeriesResponse(string Key, string Name, long Total, IReadOnlyList<long> PerDay);

/// <summary>A device operations named often.</summary>
public sealed record TopDeviceResponse(long? DeviceId, string Code, string Name, string? OrganisationName, long Operations, long Users);

/// <summary>The supervisors' dashboards: operations per unit and module per day, active users per day, most-viewed devices.</summary>
public sealed record OperationStatsResponse(
    IReadOnlyList<string> Days, IReadOnlyList<SeriesResponse> Units, IReadOnlyList<SeriesResponse> Modules, IReadOnlyList<long> ActiveUsers, IReadOnlyList<TopDeviceResponse> TopDevices, long Total);

/// <summary>A statistics window.</summary>
public sealed record OperationStatsRequest([property: Range(1, 180)] int Days = 30, long? OrganisationId = null);

/// <summary>
/// The behaviour audit (UM-10: anomalies with their reasons, runs, retraining on demand) and the supervisors'
/// dashboards drawn from the analytics store.
/// </summary>
internal static class BehaviourEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapBehaviourEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/audit").WithTags("Audit");
        group.MapGet("/anomalies", AnomaliesAsync).RequirePermission(Permissions.AuditView).WithName("Audit_Anomalies")
            .WithSummary("Anomalous user-days of the newest behaviour-audit run (or of runId), most severe first, each with its score, the rules it breaks and the features that drive it.")
            .ProducesValidationProblem();
        group.MapGet("/runs", RunsAsync).RequirePermission(Permissions.AuditView).WithName("Audit_BehaviourRuns").WithSummary("The last 50 behaviour-audit runs.");
        group.MapPost("/runs", StartAsync).RequirePermission(Permissions.AuditView).WithName("Audit_StartBehaviourRun")
            .WithSummary("Retrains the behaviour model and rescores the window now (a job).").ProducesProblem(StatusCodes.Status409Conflict);

        var stats = routes.MapGroup("/api/stats").WithTags("Stats");
        stats.MapGet("/operations", OperationsAsync).RequirePermission(Permissions.StatsView).WithName("Stats_Operations")
            .WithSummary("Operations per unit and module per day, active users per day and the most-viewed devices (inside the caller's device scope) over the last days.")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Ok<AnomalyPage>> AnomaliesAsync([AsParameters] AnomalySearchRequest request, BehaviourStore store, CancellationToken cancellationToken)
    {
        var run = request.RunId is { } id ? await store.GetRunAsync(id, cancellationToken) : await store.LatestSucceededAsync(cancellationToken);
        if (run is null)
        {
            return TypedResults.Ok(new AnomalyPage(null, 0, []));
        }

        var filter = new BehaviourFindingFilter(request.User, request.From is { } f ? BehaviourAuditJob.Day(f) : null, request.To is { } t ? BehaviourAuditJob.Day(t) : null, string.IsNullOrEmpty(request.Rule) ? null : request.Rule);
        var (items, total) = await store.FindingsAsync(run.Id, filter, (request.Page - 1) * request.PageSize, request.PageSize, cancellationToken);
        return TypedResults.Ok(new AnomalyPage(BehaviourRunResponse.From(run), total, items.Select(i => new AnomalyResponse(
            i.Rank, i.Username, i.OrganisationId, i.OrganisationName, i.Day, i.Score, i.Severity,
            i.Rules.Split(',', StringSplitOptions.RemoveEmptyEntries),
            JsonSerializer.Deserialize<List<BehaviourReason>>(i.Reasons, Json) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, double>>(i.Features, Json) ?? [])).ToList()));
    }

    private static async Task<Ok<IReadOnlyList<BehaviourRunResponse>>> RunsAsync(BehaviourStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<BehaviourRunResponse>>([.. (await store.RunsAsync(50, cancellationToken)).Select(BehaviourRunResponse.From)]);

    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> StartAsync(HttpContext context, JobStore jobs, CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        if ((await jobs.ListAsync(0, 5, BehaviourAuditJob.JobKind, null, cancellationToken)).Items.Any(j => j.Status is JobStatus.Queued or JobStatus.Running))
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict);
        }

        var job = await jobs.EnqueueAsync(BehaviourAuditJob.JobKind, "行为审计模型训练", BehaviourAuditJob.Serialize(new BehaviourAuditParameters("manual", user.Username)), user.Username, user.UserId, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Ok<OperationStatsResponse>> OperationsAsync(
        [AsParameters] OperationStatsRequest request, Caller caller, IAnalyticsStore analytics, OrganisationStore organisations, DeviceStore devices, TimeProvider time, CancellationToken cancellationToken)
    {
        var until = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        var from = until.AddDays(-request.Days);
        var days = Enumerable.Range(0, request.Days).Select(i => from.AddDays(i)).ToList();
        var counts = (await analytics.CountByDayUnitModuleAsync(from, until, null, cancellationToken))
            .Where(c => request.OrganisationId is null || c.OrganisationId == request.OrganisationId)
            .ToList();
        var names = (await organisations.ListAsync(DeviceScope.All, cancellationToken)).ToDictionary(o => o.Id, o => o.Name);
        IReadOnlyList<long> PerDay(IEnumerable<LogCount> rows)
        {
            var byDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
            return [.. days.Select(d => byDay.GetValueOrDefault(d))];
        }

        var units = counts.GroupBy(c => c.OrganisationId)
            .Select(g => new SeriesResponse(g.Key.ToString(CultureInfo.InvariantCulture), g.Key == 0 ? "（未登录）" : names.GetValueOrDefault(g.Key, "#" + g.Key.ToString(CultureInfo.InvariantCulture)), g.Sum(r => r.Count), PerDay(g)))
            .OrderByDescending(s => s.Total).ToList();
        var modules = counts.GroupBy(c => c.Module)
            .Select(g => new SeriesResponse(g.Key, g.Key, g.Sum(r => r.Count), PerDay(g)))
            .OrderByDescending(s => s.Total).ToList();
        var active = (await analytics.ActiveUsersByDayAsync(from, until, request.OrganisationId, cancellationToken)).ToDictionary(a => a.Day, a => a.Value);

        // Most-viewed devices: the log names devices by id (API calls) or GB code (imported history); only devices that
        // still exist and lie inside the caller's device scope are shown.
        var used = await analytics.TopDevicesAsync(from, until, request.OrganisationId, 100, cancellationToken);
        var byId = await devices.GetManyAsync([.. used.Select(u => long.TryParse(u.DeviceCode, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && u.DeviceCode.Length < 12 ? id : 0).Where(id => id > 0)], cancellationToken);
        var byCode = await devices.GetByGbCodesAsync(used.Where(u => u.DeviceCode.Length >= 12).Select(u => u.DeviceCode), cancellationToken);
        var ids = byId.ToDictionary(d => d.Id.ToString(CultureInfo.InvariantCulture));
        var top = new List<TopDeviceResponse>();
        foreach (var use in used)
        {
            var device = ids.GetValueOrDefault(use.DeviceCode) ?? byCode.GetValueOrDefault(use.DeviceCode);
            if (device is not null && caller.DeviceScope.Includes(device.OrganisationId, device.Id))
            {
                top.Add(new TopDeviceResponse(device.Id, device.GbCode, device.Name, names.GetValueOrDefault(device.OrganisationId), use.Operations, use.Users));
            }

            if (top.Count == 10)
            {
                break;
            }
        }

        return TypedResults.Ok(new OperationStatsResponse(
            [.. days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))],
            units,
            modules,
            [.. days.Select(d => active.GetValueOrDefault(d))],
            top,
            counts.Sum(c => c.Count)));
    }
}

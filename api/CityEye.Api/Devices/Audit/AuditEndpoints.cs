using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Api.Jobs;
using CityEye.Core.Auth;
using CityEye.Core.Devices.Audit;
using CityEye.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Devices.Audit;

/// <summary>An audit run with its ledger-wide counts and, inside the caller's device scope, its findings per category.</summary>
public sealed record AuditRunResponse(
    long Id,
    string Kind,
    string StartedBy,
    string? JobId,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int Devices,
    int DevicesWithFindings,
    int Findings,
    IReadOnlyList<AuditCategoryCount> Categories);

/// <summary>Findings of one category (completeness, compliance, accuracy, uniqueness) and the devices they concern.</summary>
public sealed record AuditCategoryCount(string Category, int Findings, int Devices);

/// <summary>Runs, newest first (their categories make the trend).</summary>
public sealed record AuditRunPage(IReadOnlyList<AuditRunResponse> Items, int Total);

/// <summary>Findings of one rule.</summary>
public sealed record AuditRuleCount(string RuleId, string Field, string Category, string? Description, int Findings, int Devices);

/// <summary>Findings of one owning unit.</summary>
public sealed record AuditUnitCount(long OrganisationId, string? OrganisationName, int Findings, int Devices);

/// <summary>One run in detail: counts per rule and per unit (inside the caller's scope).</summary>
public sealed record AuditRunDetail(AuditRunResponse Run, IReadOnlyList<AuditRuleCount> Rules, IReadOnlyList<AuditUnitCount> Units);

/// <summary>A finding: the device, the field, the rule, the value.</summary>
public sealed record AuditFindingResponse(long DeviceId, string? GbCode, string? Name, long OrganisationId, string? OrganisationName, string Field, string RuleId, string Category, string Code, string? Value);

/// <summary>A page of findings.</summary>
public sealed record AuditFindingPage(IReadOnlyList<AuditFindingResponse> Items, int Total);

/// <summary>Filter of a run's findings.</summary>
/// <param name="RuleId">One rule.</param>
/// <param name="Category">completeness, compliance, accuracy or uniqueness.</param>
/// <param name="Field">One field.</param>
/// <param name="OrganisationId">One owning unit.</param>
/// <param name="DeviceId">One device.</param>
public sealed record AuditFindingQuery(
    [property: MaxLength(100)] string? RuleId,
    [property: AllowedValues(null, "", "completeness", "compliance", "accuracy", "uniqueness")] string? Category,
    [property: MaxLength(64)] string? Field,
    long? OrganisationId,
    long? DeviceId);

/// <summary>The data audit (AR-9): on-demand and scheduled runs, findings per device and field, counts per rule and unit, trend.</summary>
internal static class AuditEndpoints
{
    /// <summary>Runs the trend covers.</summary>
    public const int TrendRuns = 30;

    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/archive/audit").WithTags("Data audit");

        group.MapPost("/runs", StartAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("Audit_Start")
            .WithSummary("Starts an audit of the whole ledger against every enabled rule, as a job; the daily run is scheduled by Audit:DailyAt.");

        group.MapGet("/runs", RunsAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Audit_Runs")
            .WithSummary("Audit runs, newest first, each with findings per category inside the caller's device scope (the trend).")
            .ProducesValidationProblem();

        group.MapGet("/runs/{id:long}", RunAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Audit_Run")
            .WithSummary("One run: counts per rule and per owning unit inside the caller's device scope.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/runs/{id:long}/findings", FindingsAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Audit_Findings")
            .WithSummary("A run's findings inside the caller's device scope, by unit and device, filtered by rule, category, field, unit or device.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Accepted<JobResponse>> StartAsync(Caller caller, JobStore jobs, JobRunner runner, CancellationToken cancellationToken)
    {
        var job = await jobs.EnqueueAsync(
            LedgerAuditJob.JobKind, "数据审计（手动）", LedgerAuditJob.Serialize(new LedgerAuditParameters(AuditRunKinds.Manual, caller.User.Username)), caller.User.Username, caller.User.UserId, cancellationToken);
        runner.Wake();
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Ok<AuditRunPage>> RunsAsync([AsParameters] PageQuery paging, Caller caller, LedgerAuditStore store, CityEye.Core.Devices.DeviceStore devices, CancellationToken cancellationToken)
    {
        var (runs, total) = await store.ListRunsAsync(paging.Skip, Math.Min(paging.Take, TrendRuns), cancellationToken);
        var trend = await store.TrendAsync([.. runs.Select(r => r.Id)], caller.DeviceScope, cancellationToken);
        var scoped = await ScopedAsync(runs, caller, store, devices, cancellationToken);
        return TypedResults.Ok(new AuditRunPage([.. scoped.Select(r => Response(r, trend))], total));
    }

    /// <summary>
    /// Runs as the caller may see them: ledger-wide counts for holders of the whole district; for the others their
    /// own findings, and the devices in their scope now (the run does not keep per-unit device counts).
    /// </summary>
    private static async Task<List<AuditRun>> ScopedAsync(IReadOnlyList<AuditRun> runs, Caller caller, LedgerAuditStore store, CityEye.Core.Devices.DeviceStore devices, CancellationToken cancellationToken)
    {
        if (caller.DeviceScope.IsAll || runs.Count == 0)
        {
            return [.. runs];
        }

        var totals = (await store.TotalsAsync([.. runs.Select(r => r.Id)], caller.DeviceScope, cancellationToken)).ToDictionary(t => t.RunId);
        var inScope = (await devices.SummariseAsync(caller.DeviceScope, cancellationToken)).Total;
        return [.. runs.Select(r => r with
        {
            Devices = inScope,
            Findings = totals.GetValueOrDefault(r.Id).Findings,
            DevicesWithFindings = totals.GetValueOrDefault(r.Id).Devices,
        })];
    }

    private static async Task<Results<Ok<AuditRunDetail>, NotFound>> RunAsync(
        long id, Caller caller, LedgerAuditStore store, CityEye.Core.Devices.DeviceStore devices, CityEye.Core.Devices.Rules.LedgerCatalog catalog, ReferenceNames names, CancellationToken cancellationToken)
    {
        var found = await store.GetRunAsync(id, cancellationToken);
        if (found is null)
        {
            return TypedResults.NotFound();
        }

        var run = (await ScopedAsync([found], caller, store, devices, cancellationToken))[0];

        var trend = await store.TrendAsync([id], caller.DeviceScope, cancellationToken);
        var descriptions = (await catalog.ListRulesAsync(cancellationToken)).ToDictionary(r => r.Id, r => r.Description, StringComparer.Ordinal);
        var snapshot = await names.GetAsync(cancellationToken);
        var rules = (await store.ByRuleAsync(id, caller.DeviceScope, cancellationToken))
            .Select(r => new AuditRuleCount(r.RuleId, r.Field, r.Category, descriptions.GetValueOrDefault(r.RuleId), r.Findings, r.Devices)).ToList();
        var units = (await store.ByUnitAsync(id, caller.DeviceScope, cancellationToken))
            .Select(u => new AuditUnitCount(u.OrganisationId, snapshot.Organisations.GetValueOrDefault(u.OrganisationId), u.Findings, u.Devices)).ToList();
        return TypedResults.Ok(new AuditRunDetail(Response(run, trend), rules, units));
    }

    private static async Task<Results<Ok<AuditFindingPage>, NotFound>> FindingsAsync(
        long id, [AsParameters] AuditFindingQuery query, [AsParameters] PageQuery paging, Caller caller, LedgerAuditStore store, ReferenceNames names, CancellationToken cancellationToken)
    {
        if (await store.GetRunAsync(id, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var (items, total) = await store.FindingsAsync(
            id, new AuditFindingFilter(query.RuleId, query.Category, query.Field, query.OrganisationId, query.DeviceId), caller.DeviceScope, paging.Skip, paging.Take, cancellationToken);
        var snapshot = await names.GetAsync(cancellationToken);
        return TypedResults.Ok(new AuditFindingPage(
            [.. items.Select(f => new AuditFindingResponse(f.DeviceId, f.GbCode, f.Name, f.OrganisationId, snapshot.Organisations.GetValueOrDefault(f.OrganisationId), f.Field, f.RuleId, f.Category, f.Code, f.Value))],
            total));
    }

    private static AuditRunResponse Response(AuditRun run, IReadOnlyList<(long RunId, string Category, int Findings, int Devices)> trend) => new(
        run.Id,
        run.Kind,
        run.StartedBy,
        run.JobId,
        run.Status,
        run.StartedAt,
        run.FinishedAt,
        run.Devices,
        run.DevicesWithFindings,
        run.Findings,
        [.. CityEye.Core.Devices.Rules.RuleCategories.All.Select(c => trend.Where(t => t.RunId == run.Id && t.Category == c).Select(t => new AuditCategoryCount(c, t.Findings, t.Devices)).FirstOrDefault() ?? new AuditCategoryCount(c, 0, 0))]);
}

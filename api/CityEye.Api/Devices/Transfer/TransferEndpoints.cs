using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Jobs;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Jobs;
using CityEye.Core.Validation;
using CityEye.Indexers;
using CityEye.Indexers.Query;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Devices.Transfer;

/// <summary>Template, import, export of the ledger as xlsx (AR-1, AR-5, TG-2, TG-3).</summary>
internal static class TransferEndpoints
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Largest upload accepted.</summary>
    public const int MaxUploadMegabytes = 20;

    /// <summary>Most devices one export holds.</summary>
    public const int MaxExportRows = 50_000;

    public static RouteGroupBuilder MapTransferEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/devices").WithTags("Device transfer");

        group.MapGet("/template", TemplateAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Template")
            .WithSummary("The xlsx import template: one column per field with its Chinese label, drop-downs for dictionaries, units and groups, and an example row.");

        group.MapGet("/export", ExportAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Export")
            .WithSummary("The devices a search finds (same parameters as /api/devices/search, up to 50,000) as xlsx in the template's columns; it re-imports unchanged.")
            .ProducesValidationProblem();

        group.MapPost("/import", ImportAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .DisableAntiforgery()
            .WithName("Devices_Import")
            .WithSummary("Uploads an xlsx (multipart field 'file') and imports it as a job: rows upsert by GB code, all or nothing (mode=allOrNothing) or valid rows only (mode=validRowsOnly).")
            .ProducesValidationProblem();

        group.MapGet("/imports/{jobId:guid}", ReportAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .WithName("Devices_ImportReport")
            .WithSummary("The report of a finished import: counts and every problem by row and field.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/imports/{jobId:guid}/report.xlsx", ReportXlsxAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .WithName("Devices_ImportReportXlsx")
            .WithSummary("The import report as xlsx: row, GB code, field, rule, message.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/versions.xlsx", VersionsXlsxAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_VersionsXlsx")
            .WithSummary("Every version of a device as xlsx: version, action, who, when, path, field, before, after.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<FileContentHttpResult> TemplateAsync(LedgerCatalog catalog, ReferenceNames names, CancellationToken cancellationToken)
    {
        var sheets = await DeviceImportJob.SheetsAsync(catalog, names, cancellationToken);
        var snapshot = await names.GetAsync(cancellationToken);
        var station = snapshot.Organisations.FirstOrDefault(o => o.Value == "夏阳派出所").Key;
        var group = snapshot.BusinessGroups.FirstOrDefault(g => g.Value.StartsWith("夏阳派出所", StringComparison.Ordinal)).Key;
        var example = sheets.Example(station == 0 ? snapshot.Organisations.Keys.FirstOrDefault() : station, group == 0 ? null : group);
        return Xlsx("device-template.xlsx", new XlsxSheet(DeviceSheets.SheetName, sheets.Header, [example]) { DropDowns = sheets.DropDowns() });
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
        Caller caller, [AsParameters] DeviceSearchRequest request, ISearchIndex index, QueryParser parser, DeviceStore devices, LedgerCatalog catalog, ReferenceNames names,
        Core.Tags.TagCatalog tagCatalog, TimeProvider time, CancellationToken cancellationToken)
    {
        if (DeviceEndpoints.QueryProblemOf(request.Q) is { } problem)
        {
            return problem;
        }

        var (tags, access) = await Tags.TagEndpoints.AccessAsync(caller, tagCatalog, cancellationToken);
        if (Tags.TagEndpoints.HiddenTagProblem(request.TagIds(), tags, access) is { } hiddenTag)
        {
            return hiddenTag;
        }

        var result = await index.SearchAsync(request.ToQuery(parser.Parse(request.Q), caller.DeviceScope, 0, MaxExportRows, []), cancellationToken);
        var sheets = await DeviceImportJob.SheetsAsync(catalog, names, cancellationToken);
        var order = result.Items.Select((hit, i) => (hit.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var found = (await devices.GetManyAsync(order.Keys, cancellationToken)).Where(d => caller.DeviceScope.Includes(d.OrganisationId, d.Id)).OrderBy(d => order[d.Id]);
        return Xlsx($"devices-{time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)):yyyyMMdd-HHmm}.xlsx", new XlsxSheet(DeviceSheets.SheetName, sheets.Header, found.Select(sheets.Row)));
    }

    private static async Task<Results<Accepted<JobResponse>, ValidationProblem>> ImportAsync(
        Caller caller, IFormFile? file, [FromQuery] string? mode, JobStore jobs, IOptions<CityEyeOptions> options, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", ErrorCodes.Required);
        }

        if (file.Length > MaxUploadMegabytes * 1024L * 1024L)
        {
            return Problems.Validation("file", ErrorCodes.ImportTooLarge, new Dictionary<string, object?> { ["max"] = MaxUploadMegabytes });
        }

        ImportMode importMode;
        switch (mode)
        {
            case null or "" or "allOrNothing":
                importMode = ImportMode.AllOrNothing;
                break;
            case "validRowsOnly":
                importMode = ImportMode.ValidRowsOnly;
                break;
            default:
                return Problems.Validation("mode", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = mode.Length > 40 ? mode[..40] : mode });
        }

        // An xlsx file is a zip archive: anything else (a renamed csv, an image) is refused before it is stored.
        var head = new byte[4];
        await using (var probe = file.OpenReadStream())
        {
            if (await probe.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken) < 4 || head is not [0x50, 0x4B, 0x03, 0x04])
            {
                return Problems.Validation("file", ErrorCodes.ImportNotXlsx);
            }
        }

        var folder = DeviceImportJob.Folder(options.Value);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".xlsx");
        await using (var target = File.Create(path))
        {
            await file.CopyToAsync(target, cancellationToken);
        }

        var name = Path.GetFileName(file.FileName);
        var parameters = DeviceImportJob.Serialize(new DeviceImportParameters(path, name.Length > 120 ? name[..120] : name, importMode, caller.User.UserId, caller.User.Username));
        var job = await jobs.EnqueueAsync(DeviceImportJob.JobKind, $"导入设备台账 {name}", parameters, caller.User.Username, caller.User.UserId, cancellationToken);
        return TypedResults.Accepted($"/api/devices/imports/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Ok<ImportReport>, NotFound>> ReportAsync(Guid jobId, HttpContext context, JobStore jobs, IOptions<CityEyeOptions> options, CancellationToken cancellationToken)
    {
        var report = await VisibleReportAsync(jobId, context, jobs, options.Value, cancellationToken);
        return report is null ? TypedResults.NotFound() : TypedResults.Ok(report);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ReportXlsxAsync(
        Guid jobId, HttpContext context, JobStore jobs, LedgerCatalog catalog, IOptions<CityEyeOptions> options, CancellationToken cancellationToken)
    {
        var report = await VisibleReportAsync(jobId, context, jobs, options.Value, cancellationToken);
        if (report is null)
        {
            return TypedResults.NotFound();
        }

        var labels = (await catalog.ListFieldsAsync(cancellationToken)).ToDictionary(f => f.Key, f => f.Label, StringComparer.Ordinal);
        var rows = report.FileProblems.Select(v => (IReadOnlyList<object?>)[null, null, "文件", v.Code, v.Message])
            .Concat(report.Problems.SelectMany(p => p.Violations.Select(v => (IReadOnlyList<object?>)
            [
                p.Row,
                p.GbCode,
                labels.GetValueOrDefault(v.Field, v.Field),
                v.Args?.GetValueOrDefault("rule")?.ToString() ?? v.Code,
                v.Message,
            ])));
        return Xlsx($"import-report-{jobId:N}.xlsx", new XlsxSheet("导入问题", ["行号", "国标编码", "字段", "规则", "说明"], rows));
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> VersionsXlsxAsync(long id, Caller caller, DeviceStore devices, LedgerCatalog catalog, CancellationToken cancellationToken)
    {
        var versions = await devices.VersionsAsync(id, caller.DeviceScope, cancellationToken);
        if (versions.Count == 0)
        {
            return TypedResults.NotFound();
        }

        var labels = (await catalog.ListFieldsAsync(cancellationToken)).ToDictionary(f => f.Key, f => f.Label, StringComparer.Ordinal);
        var rows = versions.SelectMany(v => v.Changes.Select(c => (IReadOnlyList<object?>)
        [
            v.Version,
            v.Action,
            v.ChangedBy,
            v.Source,
            v.ChangedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            labels.GetValueOrDefault(c.Field, c.Field),
            c.Before,
            c.After,
        ]));
        return Xlsx($"device-{id.ToString(CultureInfo.InvariantCulture)}-versions.xlsx", new XlsxSheet("版本记录", ["版本", "操作", "修改人", "途径", "时间 (UTC+8)", "字段", "修改前", "修改后"], rows));
    }

    /// <summary>The report of an import the caller may see: their own, or any with jobs.manage.</summary>
    private static async Task<ImportReport?> VisibleReportAsync(Guid jobId, HttpContext context, JobStore jobs, CityEyeOptions options, CancellationToken cancellationToken)
    {
        var id = jobId.ToString();
        var job = await jobs.GetAsync(id, cancellationToken);
        if (job is null || job.Kind != DeviceImportJob.JobKind
            || (!context.User.HasClaim(CityEyeClaims.Permission, Permissions.JobsManage) && job.OwnerUserId != context.User.UserId()))
        {
            return null;
        }

        return await DeviceImportJob.ReadReportAsync(options, id, cancellationToken);
    }

    private static FileContentHttpResult Xlsx(string fileName, XlsxSheet sheet)
    {
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [sheet]);
        return TypedResults.File(buffer.ToArray(), XlsxType, fileName);
    }
}

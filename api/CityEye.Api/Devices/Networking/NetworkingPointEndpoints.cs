using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Devices.Networking;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Devices.Networking;

/// <summary>A ministry or province point.</summary>
public sealed record NetworkingPointResponse(
    long DeviceId,
    string GbCode,
    string Name,
    long OrganisationId,
    string? OrganisationName,
    string Level,
    string State,
    string? Comment,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string UpdatedBy,
    DateTimeOffset UpdatedAt);

/// <summary>Points per level and state.</summary>
public sealed record NetworkingPointCount(string Level, string State, int Count);

/// <summary>A page of points, with the counts per level and state that the tabs show.</summary>
public sealed record NetworkingPointPage(IReadOnlyList<NetworkingPointResponse> Items, int Total, IReadOnlyList<NetworkingPointCount> Counts);

/// <summary>Filter of the point list.</summary>
/// <param name="State">draft, declared, underReview, approved, rejected or abnormal.</param>
/// <param name="Level">ministry or province.</param>
/// <param name="Q">Part of the device name, or the start of its GB code.</param>
/// <param name="OrganisationId">Owning unit.</param>
public sealed record NetworkingPointQuery(
    [property: AllowedValues(null, "", "draft", "declared", "underReview", "approved", "rejected", "abnormal")] string? State,
    [property: AllowedValues(null, "", "ministry", "province")] string? Level,
    [property: MaxLength(100)] string? Q,
    long? OrganisationId);

/// <summary>Devices to mark as draft points of a level.</summary>
public sealed record NetworkingPointMarkRequest
{
    [Required]
    [MinLength(1)]
    [MaxLength(NetworkingPointService.MaxBatch)]
    public IReadOnlyList<long> DeviceIds { get; init; } = [];

    [Required]
    [AllowedValues("ministry", "province")]
    public string Level { get; init; } = string.Empty;
}

/// <summary>Points to move through the workflow, with the reason (required to reject or report abnormal).</summary>
public sealed record NetworkingPointActionRequest
{
    [Required]
    [MinLength(1)]
    [MaxLength(NetworkingPointService.MaxBatch)]
    public IReadOnlyList<long> DeviceIds { get; init; } = [];

    [MaxLength(500)]
    public string? Comment { get; init; }
}

/// <summary>One step of a point's history.</summary>
public sealed record NetworkingPointEventResponse(long Id, string Level, string? FromState, string ToState, string Actor, DateTimeOffset ChangedAt, string? Comment);

/// <summary>
/// Ministry and province networking points (AR-7): marking by selection or import, the rule check before declaring,
/// the review workflow with who and when at each step, lists filtered by state.
/// </summary>
internal static class NetworkingPointEndpoints
{
    /// <summary>Most data rows of a point import.</summary>
    public const int MaxImportRows = NetworkingPointService.MaxBatch;

    public static RouteGroupBuilder MapNetworkingPointEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/archive/networking-points").WithTags("Networking points");

        group.MapGet("/", ListAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("NetworkingPoints_List")
            .WithSummary("Ministry and province points the caller may see, filtered by state, level, unit and text, newest change first, with counts per level and state.")
            .ProducesValidationProblem();

        group.MapPost("/", MarkAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("NetworkingPoints_Mark")
            .WithSummary("Marks the selected devices as draft points of a level (ministry or province); each device that cannot be marked is listed with the reason.")
            .ProducesValidationProblem();

        group.MapPost("/import", ImportAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .DisableAntiforgery()
            .WithName("NetworkingPoints_Import")
            .WithSummary("Marks points from an xlsx (multipart field 'file') with the columns 国标编码 and 联网级别 (部级/省级 or ministry/province); each row that cannot be marked is listed with the reason.")
            .ProducesValidationProblem();

        foreach (var action in NetworkingPointActions.All)
        {
            group.MapPost("/" + action, (NetworkingPointActionRequest request, Caller caller, NetworkingPointService service, CancellationToken cancellationToken) =>
                    ApplyAsync(action, request, caller, service, cancellationToken))
                .RequirePermission(NetworkingPointActions.IsReview(action) ? Permissions.ArchiveReview : Permissions.ArchiveManage)
                .WithName("NetworkingPoints_" + char.ToUpperInvariant(action[0]) + action[1..])
                .WithSummary(Summary(action))
                .ProducesValidationProblem();
        }

        group.MapGet("/{deviceId:long}/events", EventsAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("NetworkingPoints_Events")
            .WithSummary("A point's history: each step with who, when, from which state to which, and the reason.");

        group.MapGet("/{deviceId:long}/check", CheckAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("NetworkingPoints_Check")
            .WithSummary("The ledger rules (blocking and audit-only) the point's device breaks now; a point is declared only when there are none.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static string Summary(string action) => action switch
    {
        NetworkingPointActions.Declare => "Declares draft, rejected or abnormal points after checking each device against every rule (archive.manage).",
        NetworkingPointActions.StartReview => "Records that the upper level has started reviewing declared points (archive.review).",
        NetworkingPointActions.Approve => "Records approval of points under review; the device file's networking level becomes the point's level (archive.review).",
        NetworkingPointActions.Reject => "Records rejection of declared points or points under review, with the reason in comment (archive.review).",
        NetworkingPointActions.ReportAbnormal => "Records that the ministry reported approved points abnormal, with the reason in comment (archive.review).",
        _ => "Withdraws draft or rejected points (archive.manage); their history stays.",
    };

    private static async Task<Ok<NetworkingPointPage>> ListAsync(
        [AsParameters] NetworkingPointQuery query, [AsParameters] PageQuery paging, Caller caller, NetworkingPointStore points, ReferenceNames names, CancellationToken cancellationToken)
    {
        var (items, total) = await points.ListAsync(new NetworkingPointFilter(query.State, query.Level, query.Q?.Trim(), query.OrganisationId), caller.DeviceScope, paging.Skip, paging.Take, cancellationToken);
        var counts = await points.CountsAsync(caller.DeviceScope, cancellationToken);
        var snapshot = await names.GetAsync(cancellationToken);
        return TypedResults.Ok(new NetworkingPointPage(
            items.Select(p => new NetworkingPointResponse(
                p.DeviceId, p.GbCode, p.Name, p.OrganisationId, snapshot.Organisations.GetValueOrDefault(p.OrganisationId), p.Level, p.State, p.Comment, p.CreatedBy, p.CreatedAt, p.UpdatedBy, p.UpdatedAt)).ToList(),
            total,
            counts.Select(c => new NetworkingPointCount(c.Level, c.State, c.Count)).ToList()));
    }

    private static async Task<Ok<NetworkingPointOutcome>> MarkAsync(NetworkingPointMarkRequest request, Caller caller, NetworkingPointService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.MarkAsync(request.DeviceIds, request.Level, caller.User.Username, caller.DeviceScope, cancellationToken));

    private static async Task<Results<Ok<NetworkingPointOutcome>, ValidationProblem>> ApplyAsync(
        string action, NetworkingPointActionRequest request, Caller caller, NetworkingPointService service, CancellationToken cancellationToken)
    {
        if (NetworkingPointActions.NeedsComment(action) && string.IsNullOrWhiteSpace(request.Comment))
        {
            return Problems.Validation("comment", ErrorCodes.Required);
        }

        return TypedResults.Ok(await service.ApplyAsync(request.DeviceIds, action, request.Comment?.Trim(), caller.User.Username, caller.DeviceScope, cancellationToken));
    }

    private static async Task<Results<Ok<NetworkingPointOutcome>, ValidationProblem>> ImportAsync(IFormFile? file, Caller caller, NetworkingPointService service, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", ErrorCodes.Required);
        }

        if (file.Length > TransferEndpoints.MaxUploadMegabytes * 1024L * 1024L)
        {
            return Problems.Validation("file", ErrorCodes.ImportTooLarge, new Dictionary<string, object?> { ["max"] = TransferEndpoints.MaxUploadMegabytes });
        }

        var path = Path.GetTempFileName();
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            List<(int Row, string?[] Cells)> rows;
            try
            {
                rows = [.. XlsxReader.Read(path, MaxImportRows + 1)];
            }
            catch (XlsxTooManyRowsException)
            {
                return Problems.Validation("file", ErrorCodes.ImportTooManyRows, new Dictionary<string, object?> { ["max"] = MaxImportRows });
            }
            catch (Exception e) when (e is XlsxFormatException or System.Xml.XmlException or InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidOperationException)
            {
                return Problems.Validation("file", ErrorCodes.ImportNotXlsx);
            }

            if (rows.Count < 2)
            {
                return Problems.Validation("file", ErrorCodes.ImportEmpty);
            }

            var header = rows[0].Cells.Select(c => c?.Trim()).ToList();
            var gb = header.FindIndex(h => h is "国标编码" or "gbCode" or "GB code");
            var level = header.FindIndex(h => h is "联网级别" or "level" or "networkingLevel" or "Level");
            if (gb < 0 || level < 0)
            {
                return Problems.Validation("file", gb < 0 ? ErrorCodes.ImportNoGbCodeColumn : ErrorCodes.ImportUnknownColumns, new Dictionary<string, object?> { ["value"] = "联网级别" });
            }

            var marks = new List<(int Row, string GbCode, string Level)>();
            var problems = new List<NetworkingPointProblem>();
            foreach (var (row, cells) in rows.Skip(1))
            {
                var code = gb < cells.Length ? cells[gb]?.Trim() : null;
                var levelText = level < cells.Length ? cells[level]?.Trim() : null;
                var parsed = levelText switch
                {
                    "部级" or "部级联网" or "ministry" => NetworkingPointLevels.Ministry,
                    "省级" or "省级联网" or "province" => NetworkingPointLevels.Province,
                    _ => null,
                };
                if (string.IsNullOrEmpty(code) || parsed is null)
                {
                    var violation = string.IsNullOrEmpty(code)
                        ? new Violation("gbCode", ErrorCodes.Required)
                        : new Violation("level", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = levelText });
                    problems.Add(new NetworkingPointProblem(0, code, violation.Code, violation.Args, [violation], row));
                    continue;
                }

                marks.Add((row, code, parsed));
            }

            var outcome = await service.MarkByGbCodeAsync(marks, caller.User.Username, caller.DeviceScope, cancellationToken);
            return TypedResults.Ok(new NetworkingPointOutcome(outcome.Done, [.. problems, .. outcome.Problems]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<Ok<List<NetworkingPointEventResponse>>> EventsAsync(long deviceId, Caller caller, NetworkingPointStore points, CancellationToken cancellationToken) =>
        TypedResults.Ok((await points.EventsAsync(deviceId, caller.DeviceScope, cancellationToken))
            .Select(e => new NetworkingPointEventResponse(e.Id, e.Level, e.FromState, e.ToState, e.Actor, e.ChangedAt, e.Comment)).ToList());

    private static async Task<Results<Ok<List<Violation>>, NotFound>> CheckAsync(
        long deviceId, Caller caller, CityEye.Core.Devices.DeviceStore devices, NetworkingPointService service, CancellationToken cancellationToken)
    {
        var device = await devices.GetAsync(deviceId, caller.DeviceScope, cancellationToken);
        return device is null ? TypedResults.NotFound() : TypedResults.Ok((await service.CheckAsync(device, cancellationToken)).ToList());
    }
}

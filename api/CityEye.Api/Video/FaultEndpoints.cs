using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Captures;
using CityEye.Api.Infrastructure;
using CityEye.Api.Logs;
using CityEye.Api.Watermark;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Notifications;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using CityEye.Video;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Video;

/// <summary>
/// Fault tickets (故障申报, VI-12): anyone watching a camera reports what is wrong from the player, with a snapshot the
/// node takes at once (watermarked for the reporter); a dispatcher (<c>faults.manage</c>) assigns it, the assignee
/// records how it was handled, the dispatcher verifies (or sends it back) and closes it. The responsible unit's
/// dispatchers, the assignee and the reporter are notified at their steps. Tickets are seen within the device scope.
/// </summary>
internal static class FaultEndpoints
{
    public static void MapFaultEndpoints(this IEndpointRouteBuilder routes)
    {
        var view = routes.MapGroup("/api/video/faults").WithTags("Video").RequirePermission(Permissions.VideoView);
        view.MapPost("/", ReportAsync).WithName("Faults_Report")
            .WithSummary("Reports a fault of a device (kind, description); the node attaches a snapshot of the device when it is online. 409 faults.open when the device already has an open ticket.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        view.MapGet("/", ListAsync).WithName("Faults_List")
            .WithSummary("Fault tickets of the caller's devices, newest first, paged; filter by states, by mine=reported|assigned, by device; with the count per state.");
        view.MapGet("/{id:long}", async Task<Results<Ok<FaultDetailResponse>, ProblemHttpResult>> (long id, Caller caller, VideoFaultStore store, DeviceStore devices, CancellationToken ct) =>
                await VisibleAsync(id, caller, store, devices, ct) is ({ } fault, _)
                    ? TypedResults.Ok(new FaultDetailResponse(Describe(fault), [.. (await store.EventsAsync(id, ct)).Select(e => new FaultEventResponse(e.At, e.ActorName, e.Action, e.State, e.Comment))], Actions(fault, caller)))
                    : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Faults_Get").WithSummary("A fault ticket with its steps and the steps the caller may take now.");
        view.MapGet("/{id:long}/snapshot", async Task<IResult> (long id, Caller caller, VideoFaultStore store, DeviceStore devices, BlobStore blobs, CancellationToken ct) =>
                await VisibleAsync(id, caller, store, devices, ct) is ({ } fault, _) && blobs.PathOf(fault.Snapshot) is { } path
                    ? TypedResults.PhysicalFile(path, "image/jpeg", $"fault-{id}.jpg")
                    : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Faults_Snapshot").WithSummary("The snapshot taken when the fault was reported (watermarked for the reporter).")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        view.MapPost("/{id:long}/handle", HandleAsync).WithName("Faults_Handle")
            .WithSummary("Records how an assigned fault was handled (the assignee, or a dispatcher): assigned → handled.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var manage = routes.MapGroup("/api/video/faults").WithTags("Video").RequirePermission(Permissions.FaultsManage);
        manage.MapGet("/{id:long}/assignees", async Task<Results<Ok<List<FaultAssigneeResponse>>, ProblemHttpResult>> (long id, Caller caller, VideoFaultStore store, DeviceStore devices, UserStore users, CancellationToken ct) =>
                await VisibleAsync(id, caller, store, devices, ct) is { Fault: not null } visible
                    ? TypedResults.Ok((await AssigneesAsync(visible, store, users, ct)).Select(u => new FaultAssigneeResponse(u.Id, u.Username, u.DisplayName)).ToList())
                    : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Faults_Assignees").WithSummary("The users the fault can be assigned to: enabled users who may watch video and whose devices include the fault's device.");
        manage.MapPost("/{id:long}/assign", AssignAsync).WithName("Faults_Assign")
            .WithSummary("Assigns (or reassigns) a reported or assigned fault to a user: → assigned.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/{id:long}/verify", VerifyAsync).WithName("Faults_Verify")
            .WithSummary("Verifies a handled fault: passed → verified; not passed (comment required) → back to assigned.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/{id:long}/close", CloseAsync).WithName("Faults_Close")
            .WithSummary("Closes a verified fault, or a reported one that is no fault (comment required): → closed.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Created<FaultResponse>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        FaultReportRequest request, Caller caller, HttpContext context, DeviceStore devices, IVideoSource source, Watermarks watermarks, BlobStore blobs,
        VideoFaultStore store, NotificationStore notifications, CancellationToken cancellationToken)
    {
        var deviceId = request.DeviceId!.Value;
        OperationLogMiddleware.NameDevice(context, deviceId);
        if (!FaultKinds.All.Contains(request.Kind))
        {
            return Problems.Validation("kind", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = request.Kind });
        }

        var device = await devices.GetAsync(deviceId, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (await store.OpenAsync(device.Id, cancellationToken) is { } already)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.FaultOpen, new Dictionary<string, object?> { ["value"] = device.Name, ["id"] = already.Id });
        }

        // The picture as the reporter saw it, with the reporter's marks; an offline device gives none.
        string? snapshot = null;
        if (device.Status == DeviceStatus.Online)
        {
            try
            {
                var jpeg = await watermarks.JpegAsync(await source.SnapshotAsync(VideoEndpoints.Video(device), cancellationToken), caller.User, context, cancellationToken);
                snapshot = await blobs.PutAsync(jpeg, ".jpg", cancellationToken);
            }
            catch (VideoUnavailableException)
            {
                // Reported without a picture: the fault may be exactly that there is none.
            }
        }

        var reporter = Actor(caller);
        var (created, open) = await store.ReportAsync(
            new VideoFault
            {
                DeviceId = device.Id,
                DeviceName = device.Name,
                OrganisationId = device.OrganisationId,
                Kind = request.Kind!,
                Description = request.Description!.Trim(),
                Snapshot = snapshot,
                State = FaultStates.Reported,
                ReporterId = reporter.Id,
                ReporterName = reporter.Name,
            },
            cancellationToken);
        if (open is not null)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.FaultOpen, new Dictionary<string, object?> { ["value"] = device.Name, ["id"] = open.Id });
        }

        await notifications.AddAsync(
            await DispatchersAsync(device.OrganisationId, notifications, cancellationToken),
            "faults.reported",
            $"视频故障申报：{device.Name}",
            $"{reporter.Name} 申报了 {device.Name} 的视频故障（{KindLabel(request.Kind!)}）：{created!.Description}",
            Link(created.Id),
            cancellationToken);
        return TypedResults.Created($"/api/video/faults/{created.Id}", Describe(created));
    }

    private static async Task<Ok<FaultPageResponse>> ListAsync(
        Caller caller, VideoFaultStore store, CancellationToken cancellationToken, string[]? state = null, string? mine = null, long? deviceId = null, int page = 1, int pageSize = 20)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var states = (state ?? []).Where(FaultStates.All.Contains).Distinct().ToList();
        var query = new FaultQuery(
            caller.DeviceScope, states, mine == "reported" ? caller.User.UserId : null, mine == "assigned" ? caller.User.UserId : null, deviceId, (page - 1) * pageSize, pageSize);
        var (total, items, counts) = await store.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new FaultPageResponse(total, page, pageSize, [.. items.Select(Describe)], FaultStates.All.ToDictionary(s => s, s => counts.GetValueOrDefault(s))));
    }

    private static async Task<Results<Ok<FaultResponse>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        long id, FaultAssignRequest request, Caller caller, VideoFaultStore store, DeviceStore devices, UserStore users, NotificationStore notifications, CancellationToken cancellationToken)
    {
        var (fault, organisation) = await VisibleAsync(id, caller, store, devices, cancellationToken);
        if (fault is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var assignee = (await AssigneesAsync((fault, organisation), store, users, cancellationToken)).FirstOrDefault(u => u.Id == request.AssigneeId);
        if (assignee.Id == 0)
        {
            return Problems.Validation("assigneeId", ErrorCodes.NotFound, new Dictionary<string, object?> { ["value"] = request.AssigneeId });
        }

        var moved = await store.MoveAsync(id, [FaultStates.Reported, FaultStates.Assigned], FaultStates.Assigned, "assign", Actor(caller), Comment(request.Comment), new FaultActor(assignee.Id, assignee.DisplayName), cancellationToken);
        if (moved is null)
        {
            return WrongState(fault);
        }

        await notifications.AddAsync([assignee.Id], "faults.assigned", $"视频故障派单：{fault.DeviceName}", $"{caller.User.DisplayName} 将 {fault.DeviceName} 的视频故障（{KindLabel(fault.Kind)}）派给您处理。", Link(id), cancellationToken);
        return TypedResults.Ok(Describe(moved));
    }

    private static async Task<Results<Ok<FaultResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        long id, FaultCommentRequest request, Caller caller, VideoFaultStore store, DeviceStore devices, NotificationStore notifications, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(id, caller, store, devices, cancellationToken) is not ({ } fault, _))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (fault.AssigneeId != caller.User.UserId && !caller.User.Permissions.Contains(Permissions.FaultsManage))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.FaultNotAssignee);
        }

        if (Comment(request.Comment) is not { } comment)
        {
            return Problems.Validation("comment", ErrorCodes.Required);
        }

        var moved = await store.MoveAsync(id, [FaultStates.Assigned], FaultStates.Handled, "handle", Actor(caller), comment, null, cancellationToken);
        if (moved is null)
        {
            return WrongState(fault);
        }

        var readers = (await DispatchersAsync(fault.OrganisationId, notifications, cancellationToken)).Append(fault.ReporterId);
        await notifications.AddAsync(readers, "faults.handled", $"视频故障已处理：{fault.DeviceName}", $"{caller.User.DisplayName} 已处理 {fault.DeviceName} 的视频故障：{comment}，请验收。", Link(id), cancellationToken);
        return TypedResults.Ok(Describe(moved));
    }

    private static async Task<Results<Ok<FaultResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        long id, FaultVerifyRequest request, Caller caller, VideoFaultStore store, DeviceStore devices, NotificationStore notifications, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(id, caller, store, devices, cancellationToken) is not ({ } fault, _))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var passed = request.Passed!.Value;
        var comment = Comment(request.Comment);
        if (!passed && comment is null)
        {
            return Problems.Validation("comment", ErrorCodes.Required);
        }

        var moved = await store.MoveAsync(id, [FaultStates.Handled], passed ? FaultStates.Verified : FaultStates.Assigned, passed ? "verify" : "reject", Actor(caller), comment, null, cancellationToken);
        if (moved is null)
        {
            return WrongState(fault);
        }

        if (!passed && fault.AssigneeId is { } assignee)
        {
            await notifications.AddAsync([assignee], "faults.rejected", $"视频故障验收未通过：{fault.DeviceName}", $"{caller.User.DisplayName} 验收 {fault.DeviceName} 的视频故障未通过：{comment}，请重新处理。", Link(id), cancellationToken);
        }

        return TypedResults.Ok(Describe(moved));
    }

    private static async Task<Results<Ok<FaultResponse>, ValidationProblem, ProblemHttpResult>> CloseAsync(
        long id, FaultCommentRequest request, Caller caller, VideoFaultStore store, DeviceStore devices, NotificationStore notifications, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(id, caller, store, devices, cancellationToken) is not ({ } fault, _))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        // A ticket closed without being handled says why (no fault, a duplicate).
        var comment = Comment(request.Comment);
        if (fault.State == FaultStates.Reported && comment is null)
        {
            return Problems.Validation("comment", ErrorCodes.Required);
        }

        var moved = await store.MoveAsync(id, [FaultStates.Verified, FaultStates.Reported], FaultStates.Closed, "close", Actor(caller), comment, null, cancellationToken);
        if (moved is null)
        {
            return WrongState(fault);
        }

        await notifications.AddAsync([fault.ReporterId], "faults.closed", $"视频故障已关闭：{fault.DeviceName}", $"您申报的 {fault.DeviceName} 视频故障已由 {caller.User.DisplayName} 关闭{(comment is null ? "。" : "：" + comment)}", Link(id), cancellationToken);
        return TypedResults.Ok(Describe(moved));
    }

    /// <summary>
    /// The ticket and its device's unit now (the unit at report time when the device is gone), when the device is
    /// within the caller's scope; (null, 0) otherwise.
    /// </summary>
    private static async Task<(VideoFault? Fault, long Organisation)> VisibleAsync(long id, Caller caller, VideoFaultStore store, DeviceStore devices, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } fault)
        {
            return (null, 0);
        }

        var organisation = (await devices.GetManyAsync([fault.DeviceId], cancellationToken)) is [var device, ..] ? device.OrganisationId : fault.OrganisationId;
        return caller.DeviceScope.Includes(organisation, fault.DeviceId) ? (fault, organisation) : (null, 0);
    }

    /// <summary>Enabled users who may watch video and whose device scope includes the ticket's device.</summary>
    private static async Task<List<(long Id, string Username, string DisplayName, long OrganisationId)>> AssigneesAsync(
        (VideoFault? Fault, long Organisation) ticket, VideoFaultStore store, UserStore users, CancellationToken cancellationToken)
    {
        var result = new List<(long, string, string, long)>();
        foreach (var user in await store.UsersWithAsync(Permissions.VideoView, cancellationToken))
        {
            if ((await users.GetDeviceScopeAsync(user.Id, cancellationToken)).Includes(ticket.Organisation, ticket.Fault!.DeviceId))
            {
                result.Add(user);
            }
        }

        return result;
    }

    /// <summary>The steps the caller may take on the ticket now (for the buttons of the SPA; the endpoints check again).</summary>
    private static List<string> Actions(VideoFault fault, Caller caller)
    {
        var dispatcher = caller.User.Permissions.Contains(Permissions.FaultsManage);
        var actions = new List<string>();
        if (dispatcher && fault.State is FaultStates.Reported or FaultStates.Assigned)
        {
            actions.Add("assign");
        }

        if (fault.State == FaultStates.Assigned && (dispatcher || fault.AssigneeId == caller.User.UserId))
        {
            actions.Add("handle");
        }

        if (dispatcher && fault.State == FaultStates.Handled)
        {
            actions.Add("verify");
        }

        if (dispatcher && fault.State is FaultStates.Verified or FaultStates.Reported)
        {
            actions.Add("close");
        }

        return actions;
    }

    /// <summary>The responsible unit's dispatchers and those of the whole district.</summary>
    private static async Task<IReadOnlyList<long>> DispatchersAsync(long organisationId, NotificationStore notifications, CancellationToken cancellationToken) =>
        [.. (await notifications.UsersOfUnitAsync(organisationId, Permissions.FaultsManage, cancellationToken)).Concat(await notifications.DistrictUsersWithAsync(Permissions.FaultsManage, cancellationToken)).Distinct()];

    private static ProblemHttpResult WrongState(VideoFault fault) =>
        Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.FaultWrongState, new Dictionary<string, object?> { ["state"] = fault.State });

    private static FaultActor Actor(Caller caller) => new(caller.User.UserId, caller.User.DisplayName);

    private static string? Comment(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Link(long id) => string.Create(CultureInfo.InvariantCulture, $"/video/faults?id={id}");

    private static string KindLabel(string kind) => kind switch
    {
        "noVideo" => "无视频",
        "picture" => "画面异常",
        "ptz" => "云台失灵",
        "recording" => "录像缺失",
        "clock" => "时间不准",
        _ => "其他",
    };

    private static FaultResponse Describe(VideoFault f) => new(
        f.Id, f.DeviceId, f.DeviceName, f.Kind, f.Description, f.Snapshot is not null, f.State, f.ReporterName, f.AssigneeId, f.AssigneeName, f.ReportedAt, f.UpdatedAt);
}

/// <summary>A fault to report: the device, what is wrong (noVideo, picture, ptz, recording, clock, other) and a description.</summary>
public sealed record FaultReportRequest([property: Required] long? DeviceId, [property: Required] string? Kind, [property: Required, StringLength(500, MinimumLength = 2)] string? Description);

public sealed record FaultAssignRequest([property: Required] long? AssigneeId, [property: StringLength(500)] string? Comment);

public sealed record FaultCommentRequest([property: StringLength(500)] string? Comment);

public sealed record FaultVerifyRequest([property: Required] bool? Passed, [property: StringLength(500)] string? Comment);

/// <summary>A fault ticket; hasSnapshot says whether GET .../snapshot has a picture.</summary>
public sealed record FaultResponse(
    long Id, long DeviceId, string DeviceName, string Kind, string Description, bool HasSnapshot, string State, string ReporterName, long? AssigneeId, string? AssigneeName,
    DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt);

public sealed record FaultEventResponse(DateTimeOffset At, string ActorName, string Action, string State, string? Comment);

/// <summary>A ticket, its steps, and the steps the caller may take now (assign, handle, verify, close).</summary>
public sealed record FaultDetailResponse(FaultResponse Fault, IReadOnlyList<FaultEventResponse> Events, IReadOnlyList<string> Actions);

public sealed record FaultPageResponse(int Total, int Page, int PageSize, IReadOnlyList<FaultResponse> Items, IReadOnlyDictionary<string, int> Counts);

public sealed record FaultAssigneeResponse(long Id, string Username, string DisplayName);

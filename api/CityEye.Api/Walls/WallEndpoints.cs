using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Validation;
using CityEye.Core.Walls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Walls;

/// <summary>
/// The video wall (电视墙): walls of rows × columns screens, a console that sends cameras to cells or whole screens,
/// swaps, pages and patrols them, and an event stream (server-sent events) that the wall pages follow. Every command
/// checks the console user's device scope; each wall page plays its cells as its own signed-in user, so that user's
/// scope and stream limit apply there too.
/// </summary>
internal static class WallEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StreamLifetime = TimeSpan.FromMinutes(2);

    public static void MapWallEndpoints(this IEndpointRouteBuilder routes)
    {
        var view = routes.MapGroup("/api/walls").WithTags("Walls").RequirePermission(Permissions.VideoView);
        view.MapGet("/", ListAsync).WithName("Walls_List").WithSummary("The video walls: name, size and how many wall pages show each now.");
        view.MapGet("/{id:long}", async Task<Results<Ok<WallResponse>, ProblemHttpResult>> (long id, Caller caller, VideoWallStore store, DeviceStore devices, WallHub hub, CancellationToken ct) =>
                await store.GetAsync(id, ct) is { } wall ? TypedResults.Ok(await DescribeAsync(wall, caller, devices, hub, ct)) : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Walls_Get").WithSummary("A wall and what each screen shows (devices the caller may not watch are marked hidden).");
        view.MapGet("/{id:long}/events", Events).WithName("Walls_Events")
            .WithSummary("Server-sent events of the wall: a `state` event (the wall as Walls_Get answers it) at once and after every change, `ping` every 20 s, `deleted` when the wall is removed; the stream ends after 2 minutes and the browser reconnects. console=true for the console (not counted as a display). 429 beyond 16 streams per user.")
            .Produces<WallResponse>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);

        var manage = routes.MapGroup("/api/walls").WithTags("Walls").RequirePermission(Permissions.WallManage);
        manage.MapPost("/", CreateAsync).WithName("Walls_Create").WithSummary($"Creates an empty wall (names unique, 1–{WallLayout.MaxRows} rows and 1–{WallLayout.MaxColumns} columns of screens, at most {VideoWallStore.MaxWalls} walls).")
            .ProducesValidationProblem();
        manage.MapPut("/{id:long}", UpdateAsync).WithName("Walls_Update").WithSummary("Renames or resizes a wall (screens beyond the new size are dropped, new screens start empty).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, WallConsole console, CancellationToken ct) =>
                await console.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Walls_Delete").WithSummary("Deletes a wall; its wall pages are told so.");

        var control = routes.MapGroup("/api/walls/{id:long}").WithTags("Walls").RequirePermission(Permissions.WallControl);
        control.MapPut("/screens/{screen:int}/cells/{cell:int}", SendCellAsync).WithName("Walls_SendCell")
            .WithSummary("Sends a device to a cell of the page a screen shows (deviceId null empties the cell).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPut("/screens/{screen:int}", SendScreenAsync).WithName("Walls_SendScreen")
            .WithSummary("Sends a whole screen: its split and its devices from the first cell (null for an empty cell); a list longer than the split is paged, and patrolled every patrolSeconds when given.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPut("/screens/{screen:int}/split", (long id, int screen, WallSplitRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken ct) =>
                CommandAsync(console, id, s => WallLayout.SetSplit(s, screen, request.Split!.Value), caller, devices, hub, ct))
            .WithName("Walls_SetSplit").WithSummary("Changes a screen's split, keeping its devices in order.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPost("/swap", (long id, WallSwapRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken ct) =>
                CommandAsync(console, id, s => WallLayout.Swap(s, request.FromScreen!.Value, request.FromCell!.Value, request.ToScreen!.Value, request.ToCell!.Value), caller, devices, hub, ct))
            .WithName("Walls_Swap").WithSummary("Swaps two cells (of one screen or of two).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPost("/screens/{screen:int}/page", (long id, int screen, WallPageRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken ct) =>
                CommandAsync(console, id, s => WallLayout.Page(s, screen, request.Step!.Value), caller, devices, hub, ct))
            .WithName("Walls_Page").WithSummary("Shows a screen's next (step 1) or previous (step -1) page, wrapping around.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPost("/screens/{screen:int}/patrol", (long id, int screen, WallPatrolRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken ct) =>
                CommandAsync(console, id, s => WallLayout.Patrol(s, screen, request.Running!.Value, request.IntervalSeconds!.Value), caller, devices, hub, ct))
            .WithName("Walls_Patrol").WithSummary("Starts (running true) or pauses a screen's patrol: its next page every intervalSeconds.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPost("/clear", (long id, WallClearRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken ct) =>
                CommandAsync(console, id, s => WallLayout.Clear(s, request.Screen), caller, devices, hub, ct))
            .WithName("Walls_Clear").WithSummary("Empties one screen (screen given) or the whole wall.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        control.MapPost("/sync", (long id, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, TimeProvider time, CancellationToken ct) =>
                CommandAsync(console, id, s => s with { SyncedAt = time.GetUtcNow() }, caller, devices, hub, ct))
            .WithName("Walls_Sync").WithSummary("Shows the wall's state again on every controller; the wall pages reopen every cell's stream.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<List<WallSummaryResponse>>> ListAsync(VideoWallStore store, WallHub hub, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(w => new WallSummaryResponse(w.Id, w.Name, w.Rows, w.Columns, hub.Displays(w.Id), w.UpdatedAt)).ToList());

    private static async Task<Results<Created<WallSummaryResponse>, ValidationProblem>> CreateAsync(WallRequest request, Caller caller, VideoWallStore store, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        if (await store.CountAsync(cancellationToken) >= VideoWallStore.MaxWalls)
        {
            return Problems.Validation("name", ErrorCodes.WallLimit, new Dictionary<string, object?> { ["max"] = VideoWallStore.MaxWalls });
        }

        var wall = await store.CreateAsync(name, request.Rows!.Value, request.Columns!.Value, caller.User.Username, cancellationToken);
        return wall is null
            ? Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name })
            : TypedResults.Created($"/api/walls/{wall.Id}", new WallSummaryResponse(wall.Id, wall.Name, wall.Rows, wall.Columns, 0, wall.UpdatedAt));
    }

    private static async Task<Results<Ok<WallSummaryResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, WallRequest request, WallConsole console, WallHub hub, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        try
        {
            var (rows, columns) = (request.Rows!.Value, request.Columns!.Value);
            var wall = await console.ChangeAsync(id, w => w with { Name = name, Rows = rows, Columns = columns, State = WallLayout.Resize(w.State, rows * columns) }, cancellationToken);
            return wall is null
                ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
                : TypedResults.Ok(new WallSummaryResponse(wall.Id, wall.Name, wall.Rows, wall.Columns, hub.Displays(id), wall.UpdatedAt));
        }
        catch (WallNameTakenException)
        {
            return Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name });
        }
    }

    private static async Task<Results<Ok<WallResponse>, ValidationProblem, ProblemHttpResult>> SendCellAsync(
        long id, int screen, int cell, WallCellRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, HttpContext context, CancellationToken cancellationToken)
    {
        if (request.DeviceId is { } deviceId)
        {
            Logs.OperationLogMiddleware.NameDevice(context, deviceId);
            if (await MissingAsync([deviceId], caller, devices, cancellationToken) is { } missing)
            {
                return missing;
            }
        }

        return await CommandAsync(console, id, s => WallLayout.SendCell(s, screen, cell, request.DeviceId), caller, devices, hub, cancellationToken);
    }

    private static async Task<Results<Ok<WallResponse>, ValidationProblem, ProblemHttpResult>> SendScreenAsync(
        long id, int screen, WallScreenRequest request, Caller caller, DeviceStore devices, WallConsole console, WallHub hub, CancellationToken cancellationToken)
    {
        var ids = request.DeviceIds!;
        if (await MissingAsync([.. ids.OfType<long>().Distinct()], caller, devices, cancellationToken) is { } missing)
        {
            return missing;
        }

        return await CommandAsync(console, id, s => WallLayout.SendScreen(s, screen, request.Split!.Value, ids, request.PatrolSeconds), caller, devices, hub, cancellationToken);
    }

    /// <summary>A device the caller may not watch (or that does not exist) cannot be sent to the wall.</summary>
    private static async Task<ValidationProblem?> MissingAsync(IReadOnlyCollection<long> ids, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var found = await devices.VisibleIdsAsync(ids, caller.DeviceScope, cancellationToken);
        return ids.Where(d => !found.Contains(d)).Select(d => (long?)d).FirstOrDefault() is { } missing
            ? Problems.Validation("deviceId", ErrorCodes.NotFound, new Dictionary<string, object?> { ["value"] = missing })
            : null;
    }

    private static async Task<Results<Ok<WallResponse>, ValidationProblem, ProblemHttpResult>> CommandAsync(
        WallConsole console, long id, Func<WallState, WallState> change, Caller caller, DeviceStore devices, WallHub hub, CancellationToken cancellationToken)
    {
        try
        {
            var wall = await console.ChangeAsync(id, w => w with { State = change(w.State) }, cancellationToken);
            return wall is null ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound) : TypedResults.Ok(await DescribeAsync(wall, caller, devices, hub, cancellationToken));
        }
        catch (WallCommandException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
        catch (WallConflictException)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict);
        }
    }

    private static async Task<Results<ServerSentEventsResult<WallResponse?>, ProblemHttpResult>> Events(
        long id, Caller caller, HttpContext context, VideoWallStore store, DeviceStore devices, WallHub hub, IHostApplicationLifetime lifetime, CancellationToken cancellationToken, bool console = false)
    {
        if (await store.GetAsync(id, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (hub.Subscribe(id, !console, caller.User.UserId) is not { } subscriber)
        {
            return Problems.TooManyRequests(context, 30, ErrorCodes.WallTooManyStreams);
        }

        // Whatever ends the request ends the subscription.
        context.Response.OnCompleted(() =>
        {
            hub.Unsubscribe(id, subscriber);
            return Task.CompletedTask;
        });
        return TypedResults.ServerSentEvents(StreamAsync(id, subscriber, caller, store, devices, hub, lifetime.ApplicationStopping, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<WallResponse?>> StreamAsync(
        long id, WallHub.Subscriber subscriber, Caller caller, VideoWallStore store, DeviceStore devices, WallHub hub, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The stream ends when the page goes, the node stops, or after StreamLifetime: the browser reconnects by
        // itself, signed in again, so a session that ended or a device scope that changed takes effect within it.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        linked.CancelAfter(StreamLifetime);
        var token = linked.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var wall = await store.GetAsync(id, token);
                if (wall is null)
                {
                    yield return new SseItem<WallResponse?>(null, "deleted");
                    yield break;
                }

                yield return new SseItem<WallResponse?>(await DescribeAsync(wall, caller, devices, hub, token), "state");
                while (!await ChangedAsync(subscriber, token))
                {
                    if (token.IsCancellationRequested)
                    {
                        yield break;
                    }

                    yield return new SseItem<WallResponse?>(null, "ping");
                }
            }
        }
        finally
        {
            hub.Unsubscribe(id, subscriber);
        }
    }

    /// <summary>True when the wall changed, false after <see cref="KeepAlive"/> without change or when the stream ends.</summary>
    private static async Task<bool> ChangedAsync(WallHub.Subscriber subscriber, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(KeepAlive);
        try
        {
            return await subscriber.Changed.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<WallResponse> DescribeAsync(VideoWall wall, Caller caller, DeviceStore devices, WallHub hub, CancellationToken cancellationToken)
    {
        var known = (await devices.GetManyAsync([.. WallLayout.DeviceIds(wall.State)], cancellationToken)).ToDictionary(d => d.Id);
        WallDeviceResponse? Describe(long? deviceId) => deviceId is not { } one ? null
            : known.TryGetValue(one, out var device) && caller.DeviceScope.Includes(device.OrganisationId, device.Id)
                ? new WallDeviceResponse(one, device.Name, device.Status, device.Type == DeviceType.HdDome, false)
                : new WallDeviceResponse(one, null, null, false, true);
        return new WallResponse(
            wall.Id, wall.Name, wall.Rows, wall.Columns, wall.Version, hub.Displays(wall.Id), wall.State.SyncedAt, wall.UpdatedAt,
            [.. wall.State.Screens.Select((s, i) => new WallScreenResponse(
                i, s.Split, s.Page, s.Pages, s.Patrolling, s.PatrolSeconds, [.. s.Showing.Select(Describe)], [.. s.Devices.Select(Describe)]))]);
    }
}

/// <summary>A wall's name and size.</summary>
public sealed record WallRequest(
    [property: Required, StringLength(40)] string? Name,
    [property: Required, Range(1, WallLayout.MaxRows)] int? Rows,
    [property: Required, Range(1, WallLayout.MaxColumns)] int? Columns);

/// <summary>The device to show in a cell (null empties it).</summary>
public sealed record WallCellRequest(long? DeviceId);

/// <summary>A whole screen: split, devices from the first cell (null = empty cell), patrol interval to start a patrol.</summary>
public sealed record WallScreenRequest(
    [property: Required] int? Split,
    [property: Required, MaxLength(WallLayout.MaxDevicesPerScreen)] long?[]? DeviceIds,
    [property: Range(WallLayout.MinPatrolSeconds, WallLayout.MaxPatrolSeconds)] int? PatrolSeconds);

public sealed record WallSplitRequest([property: Required] int? Split);

/// <summary>Two cells to swap: screen and cell of each.</summary>
public sealed record WallSwapRequest([property: Required] int? FromScreen, [property: Required] int? FromCell, [property: Required] int? ToScreen, [property: Required] int? ToCell);

public sealed record WallPageRequest([property: Required, Range(-1, 1)] int? Step);

public sealed record WallPatrolRequest([property: Required] bool? Running, [property: Required, Range(WallLayout.MinPatrolSeconds, WallLayout.MaxPatrolSeconds)] int? IntervalSeconds);

/// <summary>The screen to empty, or null for the whole wall.</summary>
public sealed record WallClearRequest(int? Screen);

public sealed record WallSummaryResponse(long Id, string Name, int Rows, int Columns, int Displays, DateTimeOffset UpdatedAt);

/// <summary>A device on the wall: hidden (no name) when the caller may not watch it.</summary>
public sealed record WallDeviceResponse(long Id, string? Name, DeviceStatus? Status, bool Ptz, bool Hidden);

/// <summary>One screen: its split, the page on show of how many, its patrol, the cells on show and every device sent to it.</summary>
public sealed record WallScreenResponse(int Index, int Split, int Page, int Pages, bool Patrolling, int PatrolSeconds, IReadOnlyList<WallDeviceResponse?> Cells, IReadOnlyList<WallDeviceResponse?> Devices);

/// <summary>A wall and what it shows; version counts the changes, syncedAt is when the console last asked the pages to start afresh.</summary>
public sealed record WallResponse(long Id, string Name, int Rows, int Columns, long Version, int Displays, DateTimeOffset? SyncedAt, DateTimeOffset UpdatedAt, IReadOnlyList<WallScreenResponse> Screens);

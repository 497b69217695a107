using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Logs;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using CityEye.Video;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Video;

/// <summary>
/// PTZ control of dome cameras (VI-9): move, zoom and presets, for devices in the caller's scope that are online.
/// Every command is in the operation log with the device.
/// </summary>
internal static class PtzEndpoints
{
    public static void MapPtzEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/devices/{id:long}/ptz", CommandAsync).WithName("Devices_Ptz")
            .WithSummary("Moves a dome camera: command up, down, left, right, upLeft, upRight, downLeft, downRight (a step that grows with speed 1–10), zoomIn, zoomOut, stop, or gotoPreset / setPreset (with a name) / removePreset with preset 1–255. Answers where it looks now and its presets. 409 for a fixed camera or an offline device.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/devices/{id:long}/ptz", StateAsync).WithName("Devices_PtzState")
            .WithSummary("Where a dome camera looks now (pan and tilt 0–1, zoom 1/2/4) and its presets.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<PtzResponse>, ValidationProblem, ProblemHttpResult>> CommandAsync(
        long id, PtzRequest request, Caller caller, HttpContext context, DeviceStore devices, IVideoSource source, CancellationToken cancellationToken)
    {
        OperationLogMiddleware.NameDevice(context, id);
        var action = request.Command!;
        if (!PtzActions.All.Contains(action))
        {
            return Problems.Validation("command", ErrorCodes.VideoPtzCommand, new Dictionary<string, object?> { ["value"] = action });
        }

        if (PtzActions.NeedsPreset(action) && request.Preset is null)
        {
            return Problems.Validation("preset", ErrorCodes.Required);
        }

        var (device, problem) = await VideoEndpoints.VisibleOnlineAsync(id, caller, devices, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var video = VideoEndpoints.Video(device!);
        try
        {
            var position = await source.PtzAsync(video, new PtzCommand(action, request.Speed ?? 5, request.Preset, request.Name), cancellationToken);
            return TypedResults.Ok(Response(position, source.PtzState(video).Presets));
        }
        catch (PtzUnsupportedException)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoPtzUnsupported, new Dictionary<string, object?> { ["value"] = device!.Name });
        }
        catch (PtzPresetNotFoundException)
        {
            return Problems.Validation("preset", ErrorCodes.VideoPtzPreset, new Dictionary<string, object?> { ["value"] = request.Preset });
        }
    }

    private static async Task<Results<Ok<PtzResponse>, ProblemHttpResult>> StateAsync(long id, Caller caller, DeviceStore devices, IVideoSource source, CancellationToken cancellationToken)
    {
        var device = await devices.GetAsync(id, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        try
        {
            var (position, presets) = source.PtzState(VideoEndpoints.Video(device));
            return TypedResults.Ok(Response(position, presets));
        }
        catch (PtzUnsupportedException)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoPtzUnsupported, new Dictionary<string, object?> { ["value"] = device.Name });
        }
    }

    private static PtzResponse Response(PtzPosition position, IReadOnlyList<PtzPreset> presets) =>
        new(position.Pan, position.Tilt, position.Zoom, position.Applied, [.. presets.Select(p => new PtzPresetResponse(p.Number, p.Name, p.Pan, p.Tilt, p.Zoom))]);
}

/// <summary>A PTZ command: see <c>POST /api/devices/{id}/ptz</c>.</summary>
public sealed record PtzRequest(
    [property: Required, StringLength(20)] string? Command,
    [property: Range(1, 10)] int? Speed,
    [property: Range(1, PtzActions.MaxPreset)] int? Preset,
    [property: StringLength(40)] string? Name);

/// <summary>Where a dome camera looks (pan and tilt 0–1, zoom 1/2/4), whether a running live stream followed at once, and its presets.</summary>
public sealed record PtzResponse(double Pan, double Tilt, int Zoom, bool Applied, IReadOnlyList<PtzPresetResponse> Presets);

/// <summary>A saved PTZ position.</summary>
public sealed record PtzPresetResponse(int Number, string Name, double Pan, double Tilt, int Zoom);

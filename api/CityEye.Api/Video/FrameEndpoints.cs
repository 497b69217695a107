using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Captures;
using CityEye.Api.Infrastructure;
using CityEye.Api.Logs;
using CityEye.Api.Watermark;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using CityEye.Video;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Video;

/// <summary>
/// Frames from recorded video (VC-16): a screenshot taken while playing a recording gives the five frames around
/// that moment, each a JPEG with the taker's visible and covert watermarks, kept for the taker to search by image or
/// download.
/// </summary>
internal static class FrameEndpoints
{
    public const int Count = 5;

    public static void MapFrameEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/video/frames", TakeAsync).WithName("Video_Frames")
            .WithSummary("The five frames of a device's recorded video around a moment (the frame shown then in the middle), watermarked for the caller; each is kept for the caller (GET /api/video/frames/{id}).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/video/frames/{id:long}", async Task<IResult> (long id, Caller caller, VideoFrameStore store, DeviceStore devices, BlobStore blobs, HttpContext context, CancellationToken ct) =>
            {
                // The taker's own frames of devices they may still see.
                if (await store.GetAsync(caller.User.Username, id, ct) is not { } frame || blobs.PathOf(frame.Blob) is not { } path
                    || await devices.GetAsync(frame.DeviceId, caller.DeviceScope, ct) is null)
                {
                    return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
                }

                context.Response.Headers.CacheControl = "private, max-age=86400";
                return TypedResults.PhysicalFile(path, "image/jpeg", $"frame-{frame.DeviceId}-{frame.At.ToUnixTimeMilliseconds()}.jpg");
            })
            .WithName("Video_Frame").WithSummary("A frame the caller took (image/jpeg).")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<VideoFramesResponse>, ValidationProblem, ProblemHttpResult>> TakeAsync(
        VideoFramesRequest request, Caller caller, HttpContext context, DeviceStore devices, IVideoSource source, Watermarks watermarks, BlobStore blobs,
        VideoFrameStore store, IOptions<VideoOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var deviceId = request.DeviceId!.Value;
        var at = request.At!.Value;
        OperationLogMiddleware.NameDevice(context, deviceId);
        var now = time.GetUtcNow();
        if (at > now.AddSeconds(-2))
        {
            return Problems.Validation("at", ErrorCodes.VideoRangeInFuture);
        }

        if (at < now.AddDays(-options.Value.RecordingDays))
        {
            return Problems.Validation("at", ErrorCodes.VideoRangeTooOld, new Dictionary<string, object?> { ["days"] = options.Value.RecordingDays });
        }

        var device = await devices.GetAsync(deviceId, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var video = VideoEndpoints.Video(device);
        if (!source.Capabilities(video).Recordings)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoNoRecordings, new Dictionary<string, object?> { ["value"] = device.Name });
        }

        var overlay = await watermarks.OverlayFileAsync(options.Value.Width, options.Value.Height, caller.User, context, cancellationToken);
        IReadOnlyList<VideoFrame> frames;
        try
        {
            frames = await source.FramesAsync(video, at, Count, overlay, cancellationToken);
        }
        catch (VideoUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }
        finally
        {
            File.Delete(overlay);
        }

        var kept = new List<(DateTimeOffset, string)>();
        foreach (var frame in frames)
        {
            kept.Add((frame.At, await blobs.PutAsync(frame.Jpeg, ".jpg", cancellationToken)));
        }

        var stored = await store.AddAsync(caller.User.Username, deviceId, kept, cancellationToken);
        return TypedResults.Ok(new VideoFramesResponse(deviceId, device.Name, at, [.. stored.Select((f, i) => new VideoFrameResponse(f.Id, f.At, i == Count / 2))]));
    }
}

/// <summary>The moment of a device's recorded video to take the frames around.</summary>
public sealed record VideoFramesRequest([property: Required] long? DeviceId, [property: Required] DateTimeOffset? At);

/// <summary>A frame taken: its id (GET /api/video/frames/{id}), when it was shown, and whether it is the one at the moment asked for.</summary>
public sealed record VideoFrameResponse(long Id, DateTimeOffset At, bool Centre);

public sealed record VideoFramesResponse(long DeviceId, string DeviceName, DateTimeOffset At, IReadOnlyList<VideoFrameResponse> Frames);

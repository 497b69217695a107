using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CityEye.Analytics.Captures;
using CityEye.Api.Auth;
using CityEye.Api.Captures;
using CityEye.Api.Infrastructure;
using CityEye.Api.Logs;
using CityEye.Api.Watermark;
using CityEye.Core.Auth;
using CityEye.Core.Captures;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using CityEye.Video;
using CityEye.Vision;
using CityEye.Watermark;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SkiaSharp;

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
        group.MapPost("/video/frames/{id:long}/captures", CapturesAsync).WithName("Video_FrameCaptures").RequirePermission(Permissions.CapturesView)
            .WithSummary($"Makes each face, person and vehicle the node's models find in a frame the caller took a capture (source {FrameSource}: its target crop, the frame as the scene, the frame's device and time), so that it can be staged, favourited and searched like any other; idempotent (a frame's targets become captures once). A frame with no target gives an empty list.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The data source of captures made from frames of recorded video.</summary>
    public const string FrameSource = "video-frames";

    /// <summary>How long the request waits for its captures to reach the analytics store.</summary>
    private static readonly TimeSpan StoredWithin = TimeSpan.FromSeconds(15);

    private static async Task<Results<Ok<FrameCapturesResponse>, ValidationProblem, ProblemHttpResult>> CapturesAsync(
        long id, Caller caller, HttpContext context, VideoFrameStore frames, DeviceStore devices, BlobStore blobs, IFeatureExtractor extractor,
        CaptureIngest ingest, ICaptureStore captures, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await frames.GetAsync(caller.User.Username, id, cancellationToken) is not { } frame || blobs.PathOf(frame.Blob) is not { } path
            || await devices.GetAsync(frame.DeviceId, caller.DeviceScope, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        OperationLogMiddleware.NameDevice(context, frame.DeviceId);
        var jpeg = await File.ReadAllBytesAsync(path, cancellationToken);
        var targets = await extractor.DetectAsync(jpeg, cancellationToken);
        if (targets.Count == 0)
        {
            return TypedResults.Ok(new FrameCapturesResponse(id, []));
        }

        if (!ingest.TryEnter())
        {
            return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
        }

        CaptureBatchResponse batch;
        try
        {
            var scene = Convert.ToBase64String(jpeg);
            using var picture = SKBitmap.Decode(jpeg);
            batch = await ingest.IngestAsync(
                FrameSource,
                [.. targets.Select(t => new CaptureIngestItem
                {
                    SourceId = string.Create(CultureInfo.InvariantCulture, $"frame-{id}-{t.Type.ToString().ToLowerInvariant()}-{t.Box.X}-{t.Box.Y}-{t.Box.Width}-{t.Box.Height}"),
                    Type = t.Type,
                    Time = frame.At,
                    DeviceId = frame.DeviceId,
                    Box = t.Box,
                    Attributes = t.Attributes,
                    Vector = t.Vector,
                    Image = Convert.ToBase64String(Crop(picture, t.Box)),
                    SceneImage = scene,
                })],
                caller.DeviceScope,
                cancellationToken);
        }
        finally
        {
            ingest.Exit();
        }

        if (batch.Results.FirstOrDefault(r => r.Status == "rejected") is { } rejected)
        {
            return Problems.Validation(rejected.Violations ?? []);
        }

        // Staging and favouriting read the analytics store: answer once the drain has put the captures there.
        var ids = batch.Results.Select(r => r.CaptureId!.Value).ToList();
        var deadline = time.GetUtcNow() + StoredWithin;
        while (true)
        {
            var stored = await captures.GetCapturesAsync(ids, cancellationToken);
            if (stored.Count == ids.Count)
            {
                return TypedResults.Ok(new FrameCapturesResponse(id, await CaptureEndpoints.DescribeAsync([.. stored.OrderBy(c => c.Id)], devices, cancellationToken)));
            }

            if (time.GetUtcNow() > deadline)
            {
                return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A target's crop of the frame as a JPEG (the box clipped to the picture).</summary>
    private static byte[] Crop(SKBitmap picture, CaptureBox box)
    {
        var area = SKRectI.Intersect(new SKRectI(0, 0, picture.Width, picture.Height), SKRectI.Create(box.X, box.Y, Math.Max(1, box.Width), Math.Max(1, box.Height)));
        using var crop = new SKBitmap(area.Width, area.Height);
        picture.ExtractSubset(crop, area);
        return WatermarkRenderer.Encode(crop, SKEncodedImageFormat.Jpeg, 90);
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

/// <summary>The captures made from a frame's targets.</summary>
public sealed record FrameCapturesResponse(long FrameId, IReadOnlyList<CaptureResponse> Captures);

public sealed record VideoFramesResponse(long DeviceId, string DeviceName, DateTimeOffset At, IReadOnlyList<VideoFrameResponse> Frames);

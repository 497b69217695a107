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
            .WithSummary($"Makes each face, person and vehicle the node's models find in a frame the caller took a capture (source {FrameSource}: its target crop, the frame without watermarks as the scene, the frame's device and time), so that it can be staged, favourited and searched like any other; once per frame (asking again gives the same captures). A frame with no target gives an empty list; 409 video.frameRetake for frames taken before this was offered; 429 when the ingest is saturated or slow to store them (ask again).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The data source of captures made from frames of recorded video.</summary>
    public const string FrameSource = "video-frames";

    /// <summary>How long the request waits for its captures to reach the analytics store.</summary>
    private static readonly TimeSpan StoredWithin = TimeSpan.FromSeconds(15);

    private static async Task<Results<Ok<FrameCapturesResponse>, ProblemHttpResult>> CapturesAsync(
        long id, Caller caller, HttpContext context, VideoFrameStore frames, DeviceStore devices, BlobStore blobs, IFeatureExtractor extractor,
        CaptureIngest ingest, ICaptureStore captures, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await frames.GetAsync(caller.User.Username, id, cancellationToken) is not { } frame
            || await devices.GetAsync(frame.DeviceId, caller.DeviceScope, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        OperationLogMiddleware.NameDevice(context, frame.DeviceId);
        if (frame.Captures is { } made)
        {
            // Made before: the same captures (those the retention has not dropped yet).
            return TypedResults.Ok(new FrameCapturesResponse(id, await DescribeAsync(await captures.GetCapturesAsync([.. made], cancellationToken), devices, cancellationToken), 0));
        }

        if (blobs.PathOf(frame.RawBlob) is not { } path)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoFrameRetake);
        }

        // Detection and ingest take one of the ingest's batch slots, so that frames cannot crowd out the sources.
        if (!ingest.TryEnter())
        {
            return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
        }

        CaptureBatchResponse batch;
        try
        {
            var jpeg = await File.ReadAllBytesAsync(path, cancellationToken);
            using var picture = SKBitmap.Decode(jpeg) ?? throw new InvalidDataException($"The frame {id} kept at {path} is not a picture.");
            var items = new Dictionary<string, CaptureIngestItem>(StringComparer.Ordinal);
            foreach (var target in await extractor.DetectAsync(jpeg, cancellationToken))
            {
                // The box inside the picture (a target at the edge), so that the crop is the box.
                var area = SKRectI.Intersect(new SKRectI(0, 0, picture.Width, picture.Height), SKRectI.Create(target.Box.X, target.Box.Y, target.Box.Width, target.Box.Height));
                if (area.Width < 2 || area.Height < 2)
                {
                    continue;
                }

                var box = new CaptureBox(area.Left, area.Top, area.Width, area.Height);
                var sourceId = string.Create(CultureInfo.InvariantCulture, $"frame-{id}-{target.Type.ToString().ToLowerInvariant()}-{box.X}-{box.Y}-{box.Width}-{box.Height}");
                items.TryAdd(sourceId, new CaptureIngestItem
                {
                    SourceId = sourceId,
                    Type = target.Type,
                    Time = frame.At,
                    DeviceId = frame.DeviceId,
                    Box = box,
                    Attributes = target.Attributes,
                    Vector = target.Vector,
                    Image = Convert.ToBase64String(Crop(picture, area)),
                    SceneImage = Convert.ToBase64String(jpeg),
                });
            }

            if (items.Count > 0 && ingest.IsFull(items.Count))
            {
                return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
            }

            batch = await ingest.IngestAsync(FrameSource, [.. items.Values], caller.DeviceScope, cancellationToken);
        }
        finally
        {
            ingest.Exit();
        }

        // Staging and favouriting read the analytics store: answer once the drain has put the captures there.
        var ids = batch.Results.Where(r => r.CaptureId is not null).Select(r => r.CaptureId!.Value).ToList();
        var rejected = batch.Results.Count(r => r.Status == "rejected");
        foreach (var refused in batch.Results.Where(r => r.Status == "rejected"))
        {
            loggers.CreateLogger("CityEye.Api.Video.Frames").LogWarning(
                "A target {SourceId} of frame {FrameId} was refused by the ingest: {Problems}", refused.SourceId, id, string.Join(", ", (refused.Violations ?? []).Select(v => $"{v.Field} {v.Code}")));
        }

        var deadline = time.GetUtcNow() + StoredWithin;
        while (true)
        {
            var stored = await captures.GetCapturesAsync(ids, cancellationToken);
            if (stored.Count == ids.Count)
            {
                await frames.SetCapturesAsync(caller.User.Username, id, ids, cancellationToken);
                return TypedResults.Ok(new FrameCapturesResponse(id, await DescribeAsync(stored, devices, cancellationToken), rejected));
            }

            if (time.GetUtcNow() > deadline)
            {
                // Asking again is safe: the same targets are the same captures.
                return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private static Task<List<CaptureResponse>> DescribeAsync(IReadOnlyList<Capture> stored, DeviceStore devices, CancellationToken cancellationToken) =>
        CaptureEndpoints.DescribeAsync([.. stored.OrderBy(c => c.Id)], devices, cancellationToken);

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

        IReadOnlyList<VideoFrame> frames;
        try
        {
            frames = await source.FramesAsync(video, at, Count, overlay: null, cancellationToken);
        }
        catch (VideoUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }

        // What leaves the node carries the taker's marks; the pictures without them stay on the node, to make captures
        // of their targets that carry nobody's.
        using var tile = await watermarks.TileAsync(watermarks.Identity(caller.User, context), cancellationToken);
        var kept = new List<(DateTimeOffset, string, string)>();
        foreach (var frame in frames)
        {
            var marked = await blobs.PutAsync(WatermarkRenderer.WatermarkJpeg(frame.Jpeg, tile), ".jpg", cancellationToken);
            kept.Add((frame.At, marked, await blobs.PutAsync(frame.Jpeg, ".jpg", cancellationToken)));
        }

        var stored = await store.AddAsync(caller.User.Username, deviceId, kept, cancellationToken);
        return TypedResults.Ok(new VideoFramesResponse(deviceId, device.Name, at, [.. stored.Select((f, i) => new VideoFrameResponse(f.Id, f.At, i == Count / 2))]));
    }

    /// <summary>An area of the frame (inside it) as a JPEG.</summary>
    private static byte[] Crop(SKBitmap picture, SKRectI area)
    {
        using var crop = new SKBitmap(area.Width, area.Height);
        if (!picture.ExtractSubset(crop, area))
        {
            throw new InvalidOperationException($"The area {area} is not inside the frame.");
        }

        return WatermarkRenderer.Encode(crop, SKEncodedImageFormat.Jpeg, 90);
    }
}

/// <summary>The moment of a device's recorded video to take the frames around.</summary>
public sealed record VideoFramesRequest([property: Required] long? DeviceId, [property: Required] DateTimeOffset? At);

/// <summary>A frame taken: its id (GET /api/video/frames/{id}), when it was shown, and whether it is the one at the moment asked for.</summary>
public sealed record VideoFrameResponse(long Id, DateTimeOffset At, bool Centre);

/// <summary>The captures made from a frame's targets, and how many targets the ingest refused (their problems are in the node's log).</summary>
public sealed record FrameCapturesResponse(long FrameId, IReadOnlyList<CaptureResponse> Captures, int Rejected);

public sealed record VideoFramesResponse(long DeviceId, string DeviceName, DateTimeOffset At, IReadOnlyList<VideoFrameResponse> Frames);

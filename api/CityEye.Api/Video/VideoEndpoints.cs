using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Logs;
using CityEye.Api.Watermark;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using CityEye.Video;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Video;

/// <summary>
/// Live video and snapshots (VI-6, VI-7, UM-2): a stream starts only for a device inside the caller's device scope
/// that is online, within the caller's concurrent-stream limit and the node's encoder cap; its URL is signed for the
/// caller's session and short-lived. Media files are served under <c>/media</c> (outside <c>/api</c>, so the operation
/// log holds the opening of a stream, not every segment).
/// </summary>
internal static class VideoEndpoints
{
    public static void MapVideoEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Video").RequirePermission(Permissions.VideoView);
        group.MapPost("/video/live", OpenLiveAsync).WithName("Video_Live")
            .WithSummary("Opens a device's live video: an HLS playlist URL (H.264) signed for this session, valid until expiresAt. 404 outside the caller's devices, 409 when the device is offline, 429 beyond the caller's stream limit, 503 when the node runs all the encoders it may.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/video/live/{deviceId:long}", (long deviceId, Caller caller, LiveViewers viewers) =>
            {
                viewers.Close(caller.User.UserId, deviceId);
                return TypedResults.NoContent();
            })
            .WithName("Video_Close").WithSummary("Tells the node the player closed a device's live video (it no longer counts towards the stream limit).");
        group.MapGet("/video/streams", async (Caller caller, LiveViewers viewers, UserStore users, CancellationToken ct) =>
                TypedResults.Ok(new OpenStreamsResponse(
                    (await users.GetAsync(caller.User.UserId, ct))?.MaxStreams ?? UserAccount.DefaultMaxStreams,
                    [.. viewers.Of(caller.User.UserId).Select(v => new OpenStreamResponse(v.DeviceId, v.OpenedAt, v.LastReadAt))])))
            .WithName("Video_Streams").WithSummary("The caller's open live streams and their limit (UM-2).");
        group.MapGet("/devices/{id:long}/snapshot", SnapshotAsync).WithName("Devices_Snapshot")
            .WithSummary("A JPEG of what the device shows now, with the caller's visible and covert watermarks burnt in.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/video/playback", OpenPlaybackAsync).WithName("Video_Playback")
            .WithSummary("Opens a device's recorded video of [from, to): an HLS VOD playlist URL signed for this session that starts at from; the picture's clock shows the recorded time. At most Video:MaxPlaybackRange, within Video:RecordingDays, not in the future.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/devices/{id:long}/recording", RecordingAsync).WithName("Devices_Recording")
            .WithSummary("The recorded video of [from, to) as an MP4 download (at most Video:MaxDownloadRange), with the caller's visible and covert watermarks burnt into every frame.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPtzEndpoints();
        group.MapViewingEndpoints();
        group.MapFrameEndpoints();
        routes.MapFaultEndpoints();

        routes.MapGet("/media/live/{token}/{file}", LiveFileAsync).RequirePermission(Permissions.VideoView).ExcludeFromDescription();
        routes.MapGet("/media/vod/{token}/{file}", RecordedFileAsync).RequirePermission(Permissions.VideoView).ExcludeFromDescription();
    }

    /// <summary>The hash of the credential the request carries (session cookie or API token), that stream URLs are bound to.</summary>
    internal static byte[] Binding(HttpContext context) =>
        StreamTokens.Binding(context.User.FindFirst(CityEyeClaims.ApiTokenId)?.Value is { } token
            ? "token:" + token
            : "session:" + SessionAuthenticationHandler.SessionKey(context.Request));

    private static async Task<Results<Ok<LiveResponse>, ProblemHttpResult>> OpenLiveAsync(
        LiveRequest request, Caller caller, HttpContext context, DeviceStore devices, UserStore users, LiveViewers viewers, IVideoSource source,
        StreamTokens tokens, VideoHistoryStore history, IOptions<VideoOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var deviceId = request.DeviceId!.Value;
        OperationLogMiddleware.NameDevice(context, deviceId);
        var (device, problem) = await VisibleOnlineAsync(deviceId, caller, devices, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await StreamLimitAsync(caller, deviceId, users, viewers, cancellationToken) is { } limited)
        {
            return limited;
        }

        var video = Video(device!);
        try
        {
            await source.OpenLiveAsync(video, cancellationToken);
        }
        catch (VideoBusyException e)
        {
            viewers.Close(caller.User.UserId, deviceId);
            context.Response.Headers.RetryAfter = "10";
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoBusy, new Dictionary<string, object?> { ["running"] = e.Running, ["limit"] = e.Limit });
        }
        catch (VideoUnavailableException e)
        {
            viewers.Close(caller.User.UserId, deviceId);
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }

        var expiresAt = time.GetUtcNow() + options.Value.StreamUrlLifetime;
        var token = tokens.Issue(deviceId, caller.User.UserId, expiresAt, Binding(context));
        var capabilities = source.Capabilities(video);
        await history.AddAsync(caller.User.Username, deviceId, "live", null, null, cancellationToken);
        return TypedResults.Ok(new LiveResponse(
            $"/media/live/{token}/index.m3u8", expiresAt, deviceId, device!.Name, device.GbCode,
            new VideoCapabilitiesResponse(capabilities.Live, capabilities.Ptz, capabilities.Recordings)));
    }

    private static async Task<IResult> SnapshotAsync(long id, Caller caller, HttpContext context, DeviceStore devices, IVideoSource source, Watermarks watermarks, CancellationToken cancellationToken)
    {
        var (device, problem) = await VisibleOnlineAsync(id, caller, devices, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            // Every snapshot says who took it, visibly and covertly (SC-1, SC-2).
            var jpeg = await watermarks.JpegAsync(await source.SnapshotAsync(Video(device!), cancellationToken), caller.User, context, cancellationToken);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(jpeg, "image/jpeg", $"{device!.GbCode}.jpg");
        }
        catch (VideoUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }
    }

    private static async Task<Results<Ok<PlaybackResponse>, ValidationProblem, ProblemHttpResult>> OpenPlaybackAsync(
        PlaybackRequest request, Caller caller, HttpContext context, DeviceStore devices, UserStore users, LiveViewers viewers, IVideoSource source,
        StreamTokens tokens, VideoHistoryStore history, IOptions<VideoOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var deviceId = request.DeviceId!.Value;
        OperationLogMiddleware.NameDevice(context, deviceId);
        if (CheckRange(request.From!.Value, request.To!.Value, options.Value.MaxPlaybackRange, options.Value, time) is { } invalid)
        {
            return invalid;
        }

        // Recordings exist whether or not the device is online now.
        var device = await devices.GetAsync(deviceId, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (NoRecordings(device, source) is { } none)
        {
            return none;
        }

        if (await StreamLimitAsync(caller, deviceId, users, viewers, cancellationToken) is { } limited)
        {
            return limited;
        }

        var expiresAt = time.GetUtcNow() + options.Value.StreamUrlLifetime;
        var range = new StreamRange(request.From.Value, request.To.Value);
        var token = tokens.Issue(deviceId, caller.User.UserId, expiresAt, Binding(context), range);
        await history.AddAsync(caller.User.Username, deviceId, "playback", range.From, range.Until, cancellationToken);
        return TypedResults.Ok(new PlaybackResponse($"/media/vod/{token}/index.m3u8", expiresAt, deviceId, device.Name, device.GbCode, range.From, range.Until));
    }

    private static async Task<IResult> RecordingAsync(
        long id, DateTimeOffset? from, DateTimeOffset? to, Caller caller, HttpContext context, DeviceStore devices, IVideoSource source,
        Watermarks watermarks, IOptions<VideoOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (from is null || to is null)
        {
            return Problems.Validation([.. new[] { ("from", from), ("to", to) }.Where(p => p.Item2 is null).Select(p => new Violation(p.Item1, ErrorCodes.Required))]);
        }

        if (CheckRange(from.Value, to.Value, options.Value.MaxDownloadRange, options.Value, time) is { } invalid)
        {
            return invalid;
        }

        var device = await devices.GetAsync(id, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (NoRecordings(device, source) is { } none)
        {
            return none;
        }

        // The downloader's marks are burnt into every frame (SC-1, SC-2).
        string path;
        var overlay = await watermarks.OverlayFileAsync(options.Value.Width, options.Value.Height, caller.User, context, cancellationToken);
        try
        {
            path = await source.RecordingAsync(Video(device), from.Value, to.Value, overlay, cancellationToken);
        }
        catch (VideoUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }
        finally
        {
            File.Delete(overlay);
        }

        // The temporary file goes away when the answer is sent (or the client leaves).
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var local = TimeZoneInfo.ConvertTime(from.Value, TimeZoneInfo.FindSystemTimeZoneById(options.Value.ClockTimeZone));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(stream, "video/mp4", $"{device.GbCode}-{local:yyyyMMdd-HHmmss}.mp4");
    }

    /// <summary>The playlist or a segment of a recorded range, for the session its signed URL was issued to.</summary>
    private static async Task<IResult> RecordedFileAsync(
        string token, string file, Caller caller, HttpContext context, StreamTokens tokens, IVideoSource source, DeviceStore devices, LiveViewers viewers, TimeProvider time, CancellationToken cancellationToken)
    {
        if (tokens.Verify(token, Binding(context), time.GetUtcNow()) is not { Range: { } range } grant || grant.UserId != caller.User.UserId)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.VideoUrlInvalid);
        }

        // The device must still be in the caller's scope (a role withdrawn stops the playback at its next read).
        if (await devices.GetAsync(grant.DeviceId, caller.DeviceScope, cancellationToken) is not { } device)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (!viewers.Refresh(grant.UserId, grant.DeviceId))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.VideoStreamEnded);
        }

        context.Response.Headers.CacheControl = "private, max-age=300";
        if (file == "index.m3u8")
        {
            return TypedResults.Text(source.RecordedPlaylist(Video(device), range.From, range.Until), "application/vnd.apple.mpegurl");
        }

        // Segments of the granted range only (the first one starts at its segment boundary, up to a minute before).
        if (!file.StartsWith('r') || !file.EndsWith(".ts", StringComparison.Ordinal)
            || !long.TryParse(file.AsSpan(1, file.Length - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start)
            || start < range.From.ToUnixTimeSeconds() - 60 || start >= range.Until.ToUnixTimeSeconds() || start > 253_402_300_799)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        try
        {
            var path = await source.RecordedSegmentAsync(Video(device), DateTimeOffset.FromUnixTimeSeconds(start), cancellationToken);
            return TypedResults.PhysicalFile(path, "video/mp2t");
        }
        catch (ArgumentException)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }
        catch (VideoUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VideoUnavailable, new Dictionary<string, object?> { ["value"] = e.Message });
        }
    }

    /// <summary>Opens the stream within the caller's concurrent-stream limit (UM-2), or the 429 to answer.</summary>
    private static async Task<ProblemHttpResult?> StreamLimitAsync(Caller caller, long deviceId, UserStore users, LiveViewers viewers, CancellationToken cancellationToken)
    {
        var limit = (await users.GetAsync(caller.User.UserId, cancellationToken))?.MaxStreams ?? UserAccount.DefaultMaxStreams;
        return viewers.TryOpen(caller.User.UserId, deviceId, limit, out var open)
            ? null
            : Problems.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.VideoStreamLimit, new Dictionary<string, object?> { ["limit"] = limit, ["open"] = open });
    }

    /// <summary>A 400 naming what is wrong with a recorded range, or null when it is fine.</summary>
    private static ValidationProblem? CheckRange(DateTimeOffset from, DateTimeOffset to, TimeSpan max, VideoOptions options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (to <= from)
        {
            return Problems.Validation("to", ErrorCodes.VideoRangeOrder);
        }

        if (to - from > max)
        {
            return Problems.Validation("to", ErrorCodes.VideoRangeTooLong, new Dictionary<string, object?> { ["max"] = (int)max.TotalMinutes });
        }

        if (to > now.AddSeconds(5))
        {
            return Problems.Validation("to", ErrorCodes.VideoRangeInFuture);
        }

        return from < now.AddDays(-options.RecordingDays)
            ? Problems.Validation("from", ErrorCodes.VideoRangeTooOld, new Dictionary<string, object?> { ["days"] = options.RecordingDays })
            : null;
    }

    /// <summary>A playlist or segment of a live stream, for the session its signed URL was issued to.</summary>
    private static async Task<IResult> LiveFileAsync(
        string token, string file, Caller caller, HttpContext context, StreamTokens tokens, IVideoSource source, DeviceStore devices, LiveViewers viewers, TimeProvider time, CancellationToken cancellationToken)
    {
        if (tokens.Verify(token, Binding(context), time.GetUtcNow()) is not { Range: null } grant || grant.UserId != caller.User.UserId)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.VideoUrlInvalid);
        }

        // Each playlist read checks that the device is still in the caller's scope (segments follow their playlist).
        if (file == "index.m3u8" && await devices.GetAsync(grant.DeviceId, caller.DeviceScope, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (!viewers.Refresh(grant.UserId, grant.DeviceId) || source.LiveFile(grant.DeviceId, file) is not { } path)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.VideoStreamEnded);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.PhysicalFile(path, file.EndsWith(".m3u8", StringComparison.Ordinal) ? "application/vnd.apple.mpegurl" : "video/mp2t");
    }

    /// <summary>The device when it is inside the caller's scope and online; otherwise the problem to answer.</summary>
    internal static async Task<(Device? Device, ProblemHttpResult? Problem)> VisibleOnlineAsync(long id, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var device = await devices.GetAsync(id, caller.DeviceScope, cancellationToken);
        if (device is null)
        {
            return (null, Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound));
        }

        return device.Status == DeviceStatus.Online
            ? (device, null)
            : (device, Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoOffline, new Dictionary<string, object?> { ["value"] = device.Name, ["status"] = device.Status.ToString().ToLowerInvariant() }));
    }

    /// <summary>409 <c>video.noRecordings</c> for a device whose video source keeps no recordings (a relayed stream URL).</summary>
    private static ProblemHttpResult? NoRecordings(Device device, IVideoSource source) =>
        source.Capabilities(Video(device)).Recordings
            ? null
            : Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.VideoNoRecordings, new Dictionary<string, object?> { ["value"] = device.Name });

    /// <summary>The device as the video source sees it; the <c>streamUrl</c> field of its file makes it a relayed one.</summary>
    internal static VideoDevice Video(Device device) =>
        new(device.Id, device.GbCode, device.Name, device.Type == DeviceType.HdDome, device.Attributes.GetValueOrDefault(StreamUrlField) is { Length: > 0 } url ? url : null);

    /// <summary>The extended field of the device file with the stream URL a device is relayed from.</summary>
    internal const string StreamUrlField = "streamUrl";
}

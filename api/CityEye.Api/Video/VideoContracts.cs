using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Video;

/// <summary>Opens a device's live video.</summary>
public sealed record LiveRequest([property: Required, Range(1, long.MaxValue)] long? DeviceId);

/// <summary>
/// A live stream to play: <c>url</c> is an HLS playlist (H.264) signed for the signed-in session only and valid until
/// <c>expiresAt</c>; ask again before then to keep watching.
/// </summary>
public sealed record LiveResponse(string Url, DateTimeOffset ExpiresAt, long DeviceId, string DeviceName, string GbCode, VideoCapabilitiesResponse Capabilities);

/// <summary>What a device supports: live video, PTZ control, recordings.</summary>
public sealed record VideoCapabilitiesResponse(bool Live, bool Ptz, bool Recordings);

/// <summary>A live stream the caller has open, for the stream limit (UM-2).</summary>
public sealed record OpenStreamResponse(long DeviceId, DateTimeOffset OpenedAt, DateTimeOffset LastReadAt);

/// <summary>The caller's open streams and their limit.</summary>
public sealed record OpenStreamsResponse(int Limit, IReadOnlyList<OpenStreamResponse> Streams);

/// <summary>Opens a device's recorded video of [from, to).</summary>
public sealed record PlaybackRequest(
    [property: Required, Range(1, long.MaxValue)] long? DeviceId,
    [property: Required] DateTimeOffset? From,
    [property: Required] DateTimeOffset? To);

/// <summary>
/// Recorded video to play: <c>url</c> is an HLS VOD playlist signed for this session, valid until <c>expiresAt</c>,
/// that starts at <c>from</c> (the burnt-in clock shows the recorded time).
/// </summary>
public sealed record PlaybackResponse(string Url, DateTimeOffset ExpiresAt, long DeviceId, string DeviceName, string GbCode, DateTimeOffset From, DateTimeOffset To);

namespace CityEye.Video;

/// <summary>
/// Where a device's video comes from (VI-6, VI-7): live streams, snapshots and what the device can do. Providers live
/// in their own folders: <c>Simulated/</c> (the embedded default: a deterministic picture per demo device rendered by
/// ffmpeg), <c>Relay/</c> (devices whose file carries a stream URL) and, behind the same interface, the GB/T 28181
/// PVG (the integration issue); <see cref="VideoSourceRouter"/> picks the provider per device. The
/// caller has already checked the device exists, is visible to the user and is online; a provider only renders.
/// </summary>
public interface IVideoSource : IAsyncDisposable
{
    /// <summary>The provider's name for <c>/readyz</c> and the logs ("simulated").</summary>
    string Provider { get; }

    /// <summary>What the device supports.</summary>
    VideoCapabilities Capabilities(VideoDevice device);

    /// <summary>
    /// Starts (or joins) the device's live stream and returns once its first HLS segment is written, so the playlist
    /// plays at once. Throws <see cref="VideoBusyException"/> when the node runs as many encoders as it may, and
    /// <see cref="VideoUnavailableException"/> when the stream cannot be produced.
    /// </summary>
    Task<LiveVideo> OpenLiveAsync(VideoDevice device, CancellationToken cancellationToken);

    /// <summary>
    /// A file of a running live stream (<c>index.m3u8</c> or a segment), or null when the stream or the file is gone.
    /// Every read counts as someone watching; a stream nobody reads is stopped after <see cref="VideoOptions.IdleTimeout"/>.
    /// </summary>
    string? LiveFile(long deviceId, string fileName);

    /// <summary>A JPEG of what the device shows now.</summary>
    Task<byte[]> SnapshotAsync(VideoDevice device, CancellationToken cancellationToken);

    /// <summary>
    /// The recorded video of [<paramref name="from"/>, <paramref name="until"/>) as an HLS VOD playlist whose segments
    /// are named <c>r{unix seconds}.ts</c> (read them with <see cref="RecordedSegmentAsync"/>); it starts playing at
    /// <paramref name="from"/>.
    /// </summary>
    string RecordedPlaylist(VideoDevice device, DateTimeOffset from, DateTimeOffset until);

    /// <summary>
    /// The file of one recorded segment (starting at <paramref name="start"/>, a segment boundary of
    /// <see cref="RecordedPlaylist"/>), rendered or recorded on first use and kept for a while.
    /// </summary>
    Task<string> RecordedSegmentAsync(VideoDevice device, DateTimeOffset start, CancellationToken cancellationToken);

    /// <summary>
    /// An MP4 of [<paramref name="from"/>, <paramref name="until"/>) in a temporary file the caller deletes, with the
    /// transparent PNG <paramref name="overlay"/> (the downloader's watermarks, the size of the video) over every frame.
    /// </summary>
    Task<string> RecordingAsync(VideoDevice device, DateTimeOffset from, DateTimeOffset until, string? overlay, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="count"/> consecutive frames of the recorded video around <paramref name="at"/> (the frame shown
    /// at that moment in the middle, VC-16), as JPEGs with the transparent PNG <paramref name="overlay"/> over them.
    /// </summary>
    Task<IReadOnlyList<VideoFrame>> FramesAsync(VideoDevice device, DateTimeOffset at, int count, string? overlay, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a PTZ camera (VI-9) and returns where it looks now; a running live stream follows at once. Throws
    /// <see cref="PtzUnsupportedException"/> for a fixed camera and <see cref="PtzPresetNotFoundException"/> for a
    /// preset that is not saved.
    /// </summary>
    Task<PtzPosition> PtzAsync(VideoDevice device, PtzCommand command, CancellationToken cancellationToken);

    /// <summary>Where a PTZ camera looks now and its presets (a fixed camera: <see cref="PtzUnsupportedException"/>).</summary>
    (PtzPosition Position, IReadOnlyList<PtzPreset> Presets) PtzState(VideoDevice device);

    /// <summary>The live streams running now (device id, since when, last read).</summary>
    IReadOnlyList<LiveVideoInfo> Running();
}

/// <summary>What a provider needs to know of a device.</summary>
/// <param name="Id">The ledger id.</param>
/// <param name="GbCode">The 20-digit GB/T 28181 code, shown in the picture.</param>
/// <param name="Name">The device name, shown in the picture.</param>
/// <param name="IsPtz">A dome (PTZ) camera.</param>
/// <param name="StreamUrl">The stream URL of its file (RTSP, RTMP, HLS, HTTP): relayed instead of simulated.</param>
public sealed record VideoDevice(long Id, string GbCode, string Name, bool IsPtz, string? StreamUrl = null);

/// <summary>A frame of recorded video: when it was shown, and the picture.</summary>
public sealed record VideoFrame(DateTimeOffset At, byte[] Jpeg);

/// <summary>What a device supports.</summary>
public sealed record VideoCapabilities(bool Live, bool Ptz, bool Recordings);

/// <summary>A running live stream: its folder holds <c>index.m3u8</c> and the segments.</summary>
public sealed record LiveVideo(long DeviceId, string Folder, DateTimeOffset StartedAt);

public sealed record LiveVideoInfo(long DeviceId, DateTimeOffset StartedAt, DateTimeOffset LastReadAt);

/// <summary>The node already runs <see cref="VideoOptions.MaxEncoders"/> encoders; try again when one stops.</summary>
public sealed class VideoBusyException : Exception
{
    public VideoBusyException()
    {
    }

    public VideoBusyException(string message)
        : base(message)
    {
    }

    public VideoBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Running { get; init; }

    public int Limit { get; init; }
}

/// <summary>The video could not be produced (the encoder failed to start or stopped); the message says why.</summary>
public sealed class VideoUnavailableException : Exception
{
    public VideoUnavailableException()
    {
    }

    public VideoUnavailableException(string message)
        : base(message)
    {
    }

    public VideoUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

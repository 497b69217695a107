using CityEye.Video.Ffmpeg;
using CityEye.Video.Relay;
using CityEye.Video.Simulated;
using Microsoft.Extensions.Logging;

namespace CityEye.Video;

/// <summary>
/// The node's video source: a device whose file carries a stream URL is relayed (<c>Relay/</c>), every other device
/// comes from the configured provider (<c>Simulated/</c>, the embedded default). Both start their live encoders in
/// one set under <c>{folder}/live</c>, so the node's encoder cap (<see cref="VideoOptions.MaxEncoders"/>) counts them
/// all. The GB/T 28181 PVG provider slots in here beside them.
/// </summary>
public sealed class VideoSourceRouter : IVideoSource
{
    private readonly LiveEncoders _encoders;
    private readonly SimulatedVideoSource _simulated;
    private readonly RelayVideoSource _relay;

    public VideoSourceRouter(string folder, VideoOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        _encoders = new LiveEncoders(Path.Combine(Path.GetFullPath(folder), "live"), options, time, loggers?.CreateLogger<LiveEncoders>());
        _simulated = new SimulatedVideoSource(folder, options, time, loggers?.CreateLogger<SimulatedVideoSource>(), _encoders);
        _relay = new RelayVideoSource(_encoders, options, time);
    }

    public string Provider => "simulated (stream URLs relayed)";

    /// <summary>True when the device's video is relayed from its stream URL.</summary>
    public static bool IsRelayed(VideoDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return !string.IsNullOrWhiteSpace(device.StreamUrl);
    }

    public VideoCapabilities Capabilities(VideoDevice device) => IsRelayed(device) ? RelayVideoSource.Capabilities : _simulated.Capabilities(device);

    public Task<LiveVideo> OpenLiveAsync(VideoDevice device, CancellationToken cancellationToken) =>
        IsRelayed(device) ? _relay.OpenLiveAsync(device, cancellationToken) : _simulated.OpenLiveAsync(device, cancellationToken);

    public string? LiveFile(long deviceId, string fileName) => _encoders.File(deviceId, fileName);

    public Task<byte[]> SnapshotAsync(VideoDevice device, CancellationToken cancellationToken) =>
        IsRelayed(device) ? _relay.SnapshotAsync(device, cancellationToken) : _simulated.SnapshotAsync(device, cancellationToken);

    public string RecordedPlaylist(VideoDevice device, DateTimeOffset from, DateTimeOffset until) =>
        _simulated.RecordedPlaylist(Recorded(device), from, until);

    public Task<string> RecordedSegmentAsync(VideoDevice device, DateTimeOffset start, CancellationToken cancellationToken) =>
        _simulated.RecordedSegmentAsync(Recorded(device), start, cancellationToken);

    public Task<string> RecordingAsync(VideoDevice device, DateTimeOffset from, DateTimeOffset until, string? overlay, CancellationToken cancellationToken) =>
        _simulated.RecordingAsync(Recorded(device), from, until, overlay, cancellationToken);

    public Task<IReadOnlyList<VideoFrame>> FramesAsync(VideoDevice device, DateTimeOffset at, int count, string? overlay, CancellationToken cancellationToken) =>
        _simulated.FramesAsync(Recorded(device), at, count, overlay, cancellationToken);

    public Task<PtzPosition> PtzAsync(VideoDevice device, PtzCommand command, CancellationToken cancellationToken) =>
        IsRelayed(device) ? throw new PtzUnsupportedException($"Device {device.Id} is relayed from a stream URL: it has no PTZ here.") : _simulated.PtzAsync(device, command, cancellationToken);

    public (PtzPosition Position, IReadOnlyList<PtzPreset> Presets) PtzState(VideoDevice device) =>
        IsRelayed(device) ? throw new PtzUnsupportedException($"Device {device.Id} is relayed from a stream URL: it has no PTZ here.") : _simulated.PtzState(device);

    public IReadOnlyList<LiveVideoInfo> Running() => _encoders.Running();

    public async ValueTask DisposeAsync()
    {
        await _simulated.DisposeAsync();
        await _encoders.DisposeAsync();
    }

    /// <summary>Recorded video exists only for devices whose capabilities say so; callers check them first.</summary>
    private static VideoDevice Recorded(VideoDevice device) =>
        IsRelayed(device) ? throw new NotSupportedException($"Device {device.Id} is relayed from a stream URL: it has no recordings here.") : device;
}

using System.Collections.Concurrent;
using System.Globalization;
using CityEye.Video.Ffmpeg;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetMQ;
using NetMQ.Sockets;

namespace CityEye.Video.Simulated;

/// <summary>
/// Simulated cameras (the embedded default): each device's picture (<see cref="SimulatedScene"/>) is encoded by one
/// ffmpeg process per watched device — H.264 (x264 ultrafast) in 1-second HLS segments under
/// <c>{folder}/live/{device}-{start}</c> — started when someone opens it and stopped when nobody has read it for
/// <see cref="VideoOptions.IdleTimeout"/>. At most <see cref="VideoOptions.MaxEncoders"/> run at once; an encoder that
/// dies is restarted by the next open. Each encoder's pid is kept in its folder, so encoders left behind by a node
/// that was killed are stopped when the node starts again. Recorded video of any past time is rendered for that
/// time (the clock shows it): 2-second HLS segments aligned to Unix time, each rendered once on first request and kept
/// under <c>{folder}/recorded</c> until nobody has read it for an hour, and MP4 downloads of a range.
/// </summary>
public sealed partial class SimulatedVideoSource : IVideoSource
{
    /// <summary>Length of a recorded segment.</summary>
    public const int RecordedSegmentSeconds = 2;

    private readonly VideoOptions _options;
    private readonly SimulatedScene _scene;
    private readonly SimulatedPtz _ptz;
    private readonly ConcurrentDictionary<long, Lazy<Task>> _panoramas = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LiveEncoders _live;
    private readonly bool _ownsEncoders;
    private readonly SemaphoreSlim _renders = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _rendering = new(StringComparer.Ordinal);
    private readonly string _recordedRoot;
    private readonly string _downloadRoot;
    private readonly Timer _reaper;
    private long _lastTrim;

    public SimulatedVideoSource(string folder, VideoOptions options, TimeProvider? time = null, ILogger<SimulatedVideoSource>? logger = null)
        : this(folder, options, time, logger, null)
    {
    }

    /// <summary>
    /// A source that starts its live encoders in <paramref name="encoders"/>, the node's, shared with the other
    /// providers (their cap is the node's); null keeps its own under <c>{folder}/live</c>.
    /// </summary>
    internal SimulatedVideoSource(string folder, VideoOptions options, TimeProvider? time, ILogger? logger, LiveEncoders? encoders)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _scene = new SimulatedScene(options, Path.Combine(Path.GetFullPath(folder), "panorama"));
        _ptz = new SimulatedPtz(Path.Combine(Path.GetFullPath(folder), "ptz"));
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _ownsEncoders = encoders is null;
        _live = encoders ?? new LiveEncoders(Path.Combine(Path.GetFullPath(folder), "live"), options, _time, _logger);
        _recordedRoot = Path.Combine(Path.GetFullPath(folder), "recorded");
        _downloadRoot = Path.Combine(Path.GetFullPath(folder), "work");
        Directory.CreateDirectory(_recordedRoot);
        if (Directory.Exists(_downloadRoot))
        {
            Directory.Delete(_downloadRoot, recursive: true);
        }

        Directory.CreateDirectory(_downloadRoot);
        _reaper = new Timer(_ => Reap(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    public string Provider => "simulated";

    public VideoCapabilities Capabilities(VideoDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new VideoCapabilities(Live: true, Ptz: device.IsPtz, Recordings: true);
    }

    public async Task<LiveVideo> OpenLiveAsync(VideoDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await PanoramaAsync(device, cancellationToken);
        return await _live.OpenAsync(
            device.Id,
            Provider,
            folder =>
            {
                SimulatedScene.WriteCaptions(device, folder);
                var zmqPort = device.IsPtz ? FreePort() : (int?)null;
                return new EncoderStart(LiveArguments(device, folder, _time.GetUtcNow(), zmqPort), _scene.Environment(), zmqPort);
            },
            cancellationToken);
    }

    public string? LiveFile(long deviceId, string fileName) => _live.File(deviceId, fileName);

    public async Task<byte[]> SnapshotAsync(VideoDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await PanoramaAsync(device, cancellationToken);
        var folder = Path.Combine(_downloadRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            SimulatedScene.WriteCaptions(device, folder);
            string[] arguments =
            [
                "-hide_banner", "-loglevel", "error", "-nostdin",
                .. _scene.Input(device, _time.GetUtcNow(), realTime: false),
                "-vf", _scene.Filter(device, folder, _ptz.PositionOf(device.Id)), "-frames:v", "1", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "pipe:1",
            ];
            // At most a render per core at once (snapshots, recorded segments, downloads).
            await _renders.WaitAsync(cancellationToken);
            try
            {
                return await FfmpegProcess.RunAsync(_options.Ffmpeg, arguments, _scene.Environment(), TimeSpan.FromSeconds(20), cancellationToken);
            }
            finally
            {
                _renders.Release();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public string RecordedPlaylist(VideoDevice device, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(device);
        var first = SegmentStart(from);
        var text = new System.Text.StringBuilder();
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n")
            .Append(F($"#EXT-X-TARGETDURATION:{RecordedSegmentSeconds}\n#EXT-X-MEDIA-SEQUENCE:0\n"))
            .Append(F($"#EXT-X-START:TIME-OFFSET={(from - first).TotalSeconds:0.###},PRECISE=YES\n"));
        for (var start = first; start < until; start = start.AddSeconds(RecordedSegmentSeconds))
        {
            var length = Math.Min(RecordedSegmentSeconds, (until - start).TotalSeconds);
            if (start != first && start.ToUnixTimeSeconds() % 86_400 == 0)
            {
                // Segment timestamps count the seconds of the UTC day; they start again at midnight.
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append(F($"#EXTINF:{length:0.###},\nr{start.ToUnixTimeSeconds()}.ts\n"));
        }

        return text.Append("#EXT-X-ENDLIST\n").ToString();
    }

    public async Task<string> RecordedSegmentAsync(VideoDevice device, DateTimeOffset start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (SegmentStart(start) != start)
        {
            throw new ArgumentException($"{start:O} is not a segment boundary.", nameof(start));
        }

        var path = Path.Combine(_recordedRoot, F($"{device.Id}"), F($"r{start.ToUnixTimeSeconds()}.ts"));
        if (File.Exists(path))
        {
            File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
            return path;
        }

        // One render per segment however many players ask for it; at most a render per core at once.
        var render = _rendering.GetOrAdd(path, _ => new Lazy<Task<string>>(() => RenderSegmentAsync(device, start, path)));
        try
        {
            return await render.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (render.Value.IsCompleted)
            {
                _rendering.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(path, render));
            }
        }
    }

    public async Task<string> RecordingAsync(VideoDevice device, DateTimeOffset from, DateTimeOffset until, string? overlay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await PanoramaAsync(device, cancellationToken);
        var folder = Path.Combine(_downloadRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var output = folder + ".mp4";
        try
        {
            SimulatedScene.WriteCaptions(device, folder, from);
            string[] arguments =
            [
                "-hide_banner", "-loglevel", "error", "-nostdin",
                .. _scene.Input(device, from, realTime: false, until - from),
                .. overlay is null
                    ? new[] { "-vf", RecordedFilter(device, folder, from, until) }
                    : ["-i", overlay, "-filter_complex", $"[0:v]{RecordedFilter(device, folder, from, until)}[scene];[scene][1:v]overlay=0:0:format=auto[marked]", "-map", "[marked]"],
                "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p",
                "-r", F($"{_options.FramesPerSecond}"), "-movflags", "+faststart", "-f", "mp4", "-y", output,
            ];
            await _renders.WaitAsync(cancellationToken);
            try
            {
                await FfmpegProcess.RunAsync(_options.Ffmpeg, arguments, _scene.Environment(), TimeSpan.FromMinutes(5), cancellationToken, expectOutput: false);
            }
            finally
            {
                _renders.Release();
            }

            return output;
        }
        catch
        {
            File.Delete(output);
            throw;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public async Task<IReadOnlyList<VideoFrame>> FramesAsync(VideoDevice device, DateTimeOffset at, int count, string? overlay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 15);
        var fps = _options.FramesPerSecond;

        // A few seconds of recording from whole seconds before: the frame on show at `at` (frame n shows from n/fps)
        // and count/2 frames either side, picked by number from the rendered clip.
        var lead = Math.Max(1, (int)Math.Ceiling((double)(count / 2) / fps));
        var from = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() - lead);
        var first = (int)Math.Floor((at - from).TotalSeconds * fps) - (count / 2);
        var clip = await RecordingAsync(device, from, from.AddSeconds((2 * lead) + 1), overlay, cancellationToken);
        var folder = Path.Combine(_downloadRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string[] arguments =
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-i", clip,
                "-vf", F($"select='between(n,{first},{first + count - 1})'"), "-fps_mode", "passthrough",
                "-q:v", "2", "-f", "image2", Path.Combine(folder, "f%02d.jpg"),
            ];
            await _renders.WaitAsync(cancellationToken);
            try
            {
                await FfmpegProcess.RunAsync(_options.Ffmpeg, arguments, null, TimeSpan.FromSeconds(30), cancellationToken, expectOutput: false);
            }
            finally
            {
                _renders.Release();
            }

            var frames = new List<VideoFrame>(count);
            for (var i = 0; i < count; i++)
            {
                var file = Path.Combine(folder, F($"f{i + 1:00}.jpg"));
                if (!File.Exists(file))
                {
                    throw new VideoUnavailableException($"ffmpeg wrote {i} of {count} frames around {at:O}.");
                }

                frames.Add(new VideoFrame(from.AddTicks((first + i) * TimeSpan.TicksPerSecond / fps), await File.ReadAllBytesAsync(file, cancellationToken)));
            }

            return frames;
        }
        finally
        {
            File.Delete(clip);
            Directory.Delete(folder, recursive: true);
        }
    }

    public async Task<PtzPosition> PtzAsync(VideoDevice device, PtzCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(command);
        if (!device.IsPtz)
        {
            throw new PtzUnsupportedException($"Device {device.Id} is a fixed camera.");
        }

        var position = _ptz.Apply(device.Id, command, _time);
        var applied = false;
        if (_live.ControlPort(device.Id) is { } port)
        {
            applied = await Task.Run(() => Send(port, SimulatedPtz.Commands(position)), cancellationToken);
        }

        return position.ToPublic(applied);
    }

    public (PtzPosition Position, IReadOnlyList<PtzPreset> Presets) PtzState(VideoDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!device.IsPtz)
        {
            throw new PtzUnsupportedException($"Device {device.Id} is a fixed camera.");
        }

        return (_ptz.PositionOf(device.Id).ToPublic(_live.IsRunning(device.Id)), _ptz.Presets(device.Id));
    }

    public IReadOnlyList<LiveVideoInfo> Running() => _live.Running();

    public async ValueTask DisposeAsync()
    {
        await _reaper.DisposeAsync();
        if (_ownsEncoders)
        {
            await _live.DisposeAsync();
        }

        _renders.Dispose();
    }

    /// <summary>Sends commands to an encoder's zmq filter (ffmpeg answers "0 Success" to each); false when it does not answer.</summary>
    private static bool Send(int port, IEnumerable<string> commands)
    {
        using var socket = new RequestSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Connect(F($"tcp://127.0.0.1:{port}"));
        foreach (var command in commands)
        {
            if (!socket.TrySendFrame(TimeSpan.FromSeconds(2), command)
                || !socket.TryReceiveFrameString(TimeSpan.FromSeconds(2), out var reply)
                || !reply.StartsWith("0 ", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A TCP port free on 127.0.0.1 now (for an encoder's zmq filter).</summary>
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Draws a dome camera's panorama once (a fixed camera has none).</summary>
    private Task PanoramaAsync(VideoDevice device, CancellationToken cancellationToken)
    {
        if (!device.IsPtz || File.Exists(_scene.PanoramaFile(device)))
        {
            return Task.CompletedTask;
        }

        var draw = _panoramas.GetOrAdd(device.Id, id => new Lazy<Task>(async () =>
        {
            var path = _scene.PanoramaFile(device);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp.png";
            try
            {
                await FfmpegProcess.RunAsync(_options.Ffmpeg, [.. SimulatedScene.PanoramaArguments(device, temporary)], _scene.Environment(), TimeSpan.FromSeconds(30), CancellationToken.None, expectOutput: false);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
                _panoramas.TryRemove(id, out var _);
            }
        }));
        return draw.Value.WaitAsync(cancellationToken);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The segment boundary at or before a time (segments start at multiples of their length in Unix time).</summary>
    private static DateTimeOffset SegmentStart(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds() - (((time.ToUnixTimeSeconds() % RecordedSegmentSeconds) + RecordedSegmentSeconds) % RecordedSegmentSeconds));

    private async Task<string> RenderSegmentAsync(VideoDevice device, DateTimeOffset start, string path)
    {
        var folder = Path.Combine(_downloadRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + F($".{Guid.NewGuid():N}.tmp");
        await PanoramaAsync(device, CancellationToken.None);
        await _renders.WaitAsync();
        try
        {
            SimulatedScene.WriteCaptions(device, folder, start);
            string[] arguments =
            [
                "-hide_banner", "-loglevel", "error", "-nostdin",
                .. _scene.Input(device, start, realTime: false, TimeSpan.FromSeconds(RecordedSegmentSeconds)),
                "-vf", RecordedFilter(device, folder, start, start.AddSeconds(RecordedSegmentSeconds)), "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-r", F($"{_options.FramesPerSecond}"), "-g", F($"{_options.FramesPerSecond}"),
                // Timestamps continue from one segment to the next, as in one long recording.
                "-output_ts_offset", F($"{start.ToUnixTimeSeconds() % 86_400}"), "-f", "mpegts", "-y", temporary,
            ];
            await FfmpegProcess.RunAsync(_options.Ffmpeg, arguments, _scene.Environment(), TimeSpan.FromSeconds(60), CancellationToken.None, expectOutput: false);
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            _renders.Release();
            File.Delete(temporary);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deletes recorded segments nobody has read for an hour.</summary>
    private void TrimRecorded()
    {
        var cutoff = _time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(1);
        foreach (var file in Directory.EnumerateFiles(_recordedRoot, "*.ts", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
            }
        }
    }

    private List<string> LiveArguments(VideoDevice device, string folder, DateTimeOffset now, int? zmqPort) =>
    [
        "-hide_banner", "-loglevel", "error", "-nostdin",
        .. _scene.Input(device, now, realTime: true),
        "-vf", _scene.Filter(device, folder, _ptz.PositionOf(device.Id), zmqPort),
        "-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-r", F($"{_options.FramesPerSecond}"), "-g", F($"{_options.FramesPerSecond}"), "-keyint_min", F($"{_options.FramesPerSecond}"), "-sc_threshold", "0",
        .. LiveEncoders.HlsOutput(folder),
    ];

    /// <summary>
    /// The filter of a recording of [<paramref name="from"/>, <paramref name="until"/>): a dome camera looks where it
    /// looked at the start and makes the moves logged meanwhile, at their times, so a recording never changes.
    /// </summary>
    private string RecordedFilter(VideoDevice device, string folder, DateTimeOffset from, DateTimeOffset until)
    {
        if (!device.IsPtz)
        {
            return _scene.Filter(device, folder);
        }

        var moves = _ptz.MovesDuring(device.Id, from, until);
        string? commands = null;
        if (moves.Count > 0)
        {
            commands = Path.Combine(folder, "ptz.cmd");
            File.WriteAllText(commands, SimulatedPtz.SendCommands(moves));
        }

        return _scene.Filter(device, folder, _ptz.PositionAt(device.Id, from), ptzCommands: commands);
    }

    private void Reap()
    {
        var now = _time.GetUtcNow();
        if (now.UtcTicks - Interlocked.Read(ref _lastTrim) > TimeSpan.TicksPerMinute * 5)
        {
            Interlocked.Exchange(ref _lastTrim, now.UtcTicks);
            try
            {
                TrimRecorded();
            }
            catch (IOException e)
            {
                LogTrimFailed(_logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete old recorded segments")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.Video.Ffmpeg;

/// <summary>How to start a device's live encoder in its folder: ffmpeg's arguments, extra environment, and the port of
/// the encoder's zmq filter when it has one (PTZ).</summary>
internal sealed record EncoderStart(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null, int? ControlPort = null);

/// <summary>
/// The node's live encoders, whatever provider starts them: one ffmpeg per watched device writing HLS segments under
/// <c>{root}/{device}-{start}</c>, started on the first open and joined by later viewers, stopped when nobody has read
/// it for <see cref="VideoOptions.IdleTimeout"/>. At most <see cref="VideoOptions.MaxEncoders"/> run at once, across
/// providers; an encoder that dies is started again by the next open. Each encoder's pid is kept in its folder, so
/// encoders left behind by a node that was killed are stopped when the node starts again.
/// </summary>
internal sealed partial class LiveEncoders : IAsyncDisposable
{
    private readonly VideoOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _root;
    private readonly ConcurrentDictionary<long, Encoder> _live = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly Timer _reaper;
    private volatile bool _disposed;

    public LiveEncoders(string root, VideoOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.GetFullPath(root);
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(_root);
        RemoveLeftovers();
        _reaper = new Timer(_ => Reap(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Starts (or joins) the device's live encoder and returns once its first segment is written. <paramref name="start"/>
    /// is called with the new encoder's folder only when one must be started. Throws <see cref="VideoBusyException"/>
    /// at the cap and <see cref="VideoUnavailableException"/> when the encoder does not start.
    /// </summary>
    /// <param name="deviceId">The device.</param>
    /// <param name="source">What the encoder encodes (the provider and, for a relay, the URL): a running encoder of
    /// another source (the device's stream URL was edited) is replaced.</param>
    /// <param name="start">Starts a new encoder in the folder given.</param>
    /// <param name="cancellationToken">Stops waiting (not the encoder).</param>
    public async Task<LiveVideo> OpenAsync(long deviceId, string source, Func<string, EncoderStart> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        Encoder? encoder;
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_live.TryGetValue(deviceId, out encoder) && (encoder.Process.HasExited || encoder.Source != source))
            {
                Stop(deviceId, encoder, encoder.Process.HasExited ? "its encoder had stopped" : "its source changed");
                encoder = null;
            }

            if (encoder is null)
            {
                var count = _live.Values.Count(e => !e.Process.HasExited);
                if (count >= _options.MaxEncoders)
                {
                    throw new VideoBusyException($"The node already encodes {count} live streams, its limit (Video:MaxEncoders {_options.MaxEncoders}).") { Running = count, Limit = _options.MaxEncoders };
                }

                var started = _time.GetUtcNow();
                var folder = Path.Combine(_root, F($"{deviceId}-{started.ToUnixTimeMilliseconds()}"));
                Directory.CreateDirectory(folder);
                FfmpegProcess process;
                EncoderStart how;
                try
                {
                    how = start(folder);
                    process = FfmpegProcess.Start(_options.Ffmpeg, how.Arguments, how.Environment, Path.Combine(folder, "ffmpeg.pid"));
                }
                catch
                {
                    Directory.Delete(folder, recursive: true);
                    throw;
                }

                var stream = new LiveVideo(deviceId, folder, started);
                encoder = new Encoder(stream, process, WaitForFirstSegmentAsync(stream, process)) { ControlPort = how.ControlPort, Source = source };
                _live[deviceId] = encoder;
                LogStarted(_logger, deviceId, process.Id);
            }

            encoder.Touch(_time);
        }
        finally
        {
            _startGate.Release();
        }

        // Starting takes a second or two; other devices start meanwhile, and later viewers wait for the same segment.
        try
        {
            await encoder.Ready.WaitAsync(cancellationToken);
        }
        catch (VideoUnavailableException)
        {
            Stop(deviceId, encoder, "it did not start");
            throw;
        }

        // The idle clock starts when the picture is there, not when the encoder was asked for.
        encoder.Touch(_time);
        return encoder.Stream;
    }

    /// <summary>A file of a running live stream; every read counts as someone watching.</summary>
    public string? File(long deviceId, string fileName)
    {
        if (!LiveFileName().IsMatch(fileName ?? string.Empty) || !_live.TryGetValue(deviceId, out var encoder) || encoder.Process.HasExited)
        {
            return null;
        }

        encoder.Touch(_time);
        var path = Path.Combine(encoder.Stream.Folder, fileName!);
        return System.IO.File.Exists(path) ? path : null;
    }

    /// <summary>The zmq port of the device's running encoder, when it has one.</summary>
    public int? ControlPort(long deviceId) =>
        _live.TryGetValue(deviceId, out var encoder) && !encoder.Process.HasExited ? encoder.ControlPort : null;

    public bool IsRunning(long deviceId) => _live.TryGetValue(deviceId, out var encoder) && !encoder.Process.HasExited;

    /// <summary>True when the device's encoder runs and encodes <paramref name="source"/>.</summary>
    public bool IsRunning(long deviceId, string source) => _live.TryGetValue(deviceId, out var encoder) && !encoder.Process.HasExited && encoder.Source == source;

    public IReadOnlyList<LiveVideoInfo> Running() =>
        [.. _live.Values.Where(e => !e.Process.HasExited).Select(e => new LiveVideoInfo(e.Stream.DeviceId, e.Stream.StartedAt, e.LastRead)).OrderBy(i => i.DeviceId)];

    public async ValueTask DisposeAsync()
    {
        await _startGate.WaitAsync();
        _disposed = true;
        _startGate.Release();
        await _reaper.DisposeAsync();
        foreach (var id in _live.Keys.ToList())
        {
            if (_live.TryGetValue(id, out var encoder))
            {
                Stop(id, encoder, "the node is stopping");
            }
        }

        _startGate.Dispose();
    }

    /// <summary>ffmpeg's output arguments of a live stream in <paramref name="folder"/>: 1-second HLS segments, the last six listed.</summary>
    public static IEnumerable<string> HlsOutput(string folder) =>
    [
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "6", "-hls_delete_threshold", "4",
        "-hls_flags", "delete_segments+omit_endlist+independent_segments+temp_file",
        "-hls_segment_filename", Path.Combine(folder, "seg%05d.ts"), Path.Combine(folder, "index.m3u8"),
    ];

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Completes when the encoder has written its first segment; fails when it stops or takes too long.</summary>
    private async Task WaitForFirstSegmentAsync(LiveVideo stream, FfmpegProcess process)
    {
        var playlist = Path.Combine(stream.Folder, "index.m3u8");
        var deadline = _time.GetUtcNow() + _options.StartTimeout;
        while (true)
        {
            try
            {
                if (System.IO.File.Exists(playlist) && (await System.IO.File.ReadAllTextAsync(playlist)).Contains("#EXTINF", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (IOException)
            {
                // Replaced while read; read it again.
            }

            if (process.HasExited)
            {
                throw new VideoUnavailableException($"The encoder of device {stream.DeviceId} stopped at once: {process.Errors}");
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new VideoUnavailableException($"The encoder of device {stream.DeviceId} wrote no video within {_options.StartTimeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(50);
        }
    }

    private void Reap()
    {
        // Under the start gate, so that an encoder is not stopped between an open's check and its answer.
        if (_disposed || !_startGate.Wait(0))
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            foreach (var (id, encoder) in _live)
            {
                try
                {
                    if (encoder.Process.HasExited)
                    {
                        Stop(id, encoder, $"its encoder stopped: {encoder.Process.Errors}");
                    }
                    else if (encoder.Ready.IsCompleted && now - encoder.LastRead > _options.IdleTimeout)
                    {
                        Stop(id, encoder, "nobody watched it");
                    }
                }
#pragma warning disable CA1031 // A timer callback that throws ends the process; the failure is logged and retried on the next tick.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogReapFailed(_logger, e, id);
                }
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Stops this encoder of the device (not one that replaced it meanwhile).</summary>
    private void Stop(long deviceId, Encoder encoder, string reason)
    {
        if (!_live.TryGetValue(deviceId, out var current) || current != encoder)
        {
            return;
        }

        // Killed (and waited for) before it leaves the list: a stream listed as stopped has no process left.
        encoder.Process.Stop();
        if (!_live.TryRemove(new KeyValuePair<long, Encoder>(deviceId, encoder)))
        {
            return;
        }

        encoder.Process.Dispose();
        try
        {
            if (Directory.Exists(encoder.Stream.Folder))
            {
                Directory.Delete(encoder.Stream.Folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A segment still open by a reader; the next start cleans up leftovers.
        }

        LogStopped(_logger, deviceId, reason);
    }

    /// <summary>Stops encoders an earlier run left behind and deletes their folders.</summary>
    private void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            if (FfmpegProcess.KillLeftover(Path.Combine(folder, "ffmpeg.pid"), folder))
            {
                LogLeftoverStopped(_logger, folder);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^(index\.m3u8|seg\d{5,9}\.ts)$", RegexOptions.CultureInvariant)]
    private static partial Regex LiveFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Live encoder of device {DeviceId} started (ffmpeg pid {Pid})")]
    private static partial void LogStarted(ILogger logger, long deviceId, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live encoder of device {DeviceId} stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, long deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not stop the live encoder of device {DeviceId}")]
    private static partial void LogReapFailed(ILogger logger, Exception exception, long deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped an encoder left running by an earlier run of the node ({Folder})")]
    private static partial void LogLeftoverStopped(ILogger logger, string folder);

    private sealed class Encoder(LiveVideo stream, FfmpegProcess process, Task ready)
    {
        private long _lastRead;

        public LiveVideo Stream { get; } = stream;

        public FfmpegProcess Process { get; } = process;

        /// <summary>Completes when the first segment is written.</summary>
        public Task Ready { get; } = ready;

        /// <summary>The port of the encoder's zmq filter (a dome camera's).</summary>
        public int? ControlPort { get; init; }

        /// <summary>What it encodes (see <see cref="OpenAsync"/>).</summary>
        public string Source { get; init; } = string.Empty;

        public DateTimeOffset LastRead => new(Interlocked.Read(ref _lastRead), TimeSpan.Zero);

        public void Touch(TimeProvider time) => Interlocked.Exchange(ref _lastRead, time.GetUtcNow().UtcTicks);
    }
}

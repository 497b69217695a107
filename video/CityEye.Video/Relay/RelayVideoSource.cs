using System.Globalization;
using CityEye.Video.Ffmpeg;

namespace CityEye.Video.Relay;

/// <summary>
/// Devices whose file carries a stream URL (RTSP, RTMP, HLS or HTTP): the live video is relayed by one ffmpeg per
/// watched device into the node's HLS path, remuxed without re-encoding when the stream is H.264 (what browsers
/// play) and re-encoded to H.264 otherwise; snapshots are a frame of the stream. Such a device has no recordings or
/// PTZ here (the GB/T 28181 provider brings both for PVG cameras). Only network protocols are allowed to ffmpeg, and
/// credentials in a URL never appear in a message.
/// </summary>
internal sealed class RelayVideoSource(LiveEncoders encoders, VideoOptions options, TimeProvider time)
{
    private static readonly string[] Schemes = ["rtsp", "rtsps", "rtmp", "http", "https"];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Codec, DateTimeOffset At)> _codecs = new(StringComparer.Ordinal);

    public static VideoCapabilities Capabilities => new(Live: true, Ptz: false, Recordings: false);

    /// <summary>True when the URL is one the relay plays (an absolute rtsp, rtsps, rtmp, http or https URL).</summary>
    public static bool IsStreamUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) && !string.IsNullOrEmpty(uri.Host);

    public async Task<LiveVideo> OpenLiveAsync(VideoDevice device, CancellationToken cancellationToken)
    {
        var url = Checked(device);
        try
        {
            // Joining a running relay opens no second session at the camera: the codec it was started with is known.
            var codec = encoders.IsRunning(device.Id, url) && _codecs.TryGetValue(url, out var known) ? known.Codec : await CodecAsync(url, cancellationToken);
            return await encoders.OpenAsync(device.Id, url, folder => Start(url, codec, folder), cancellationToken);
        }
        catch (VideoUnavailableException e)
        {
            throw new VideoUnavailableException(Masked(e.Message), e);
        }
    }

    private EncoderStart Start(string url, string codec, string folder)
    {
        string[] video = codec == "h264"
            ? ["-c:v", "copy"]
            : ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", F($"{options.FramesPerSecond}"), "-sc_threshold", "0"];
        return new EncoderStart([
            "-hide_banner", "-loglevel", "error", "-nostdin",
            .. InputOptions(url), "-i", url,
            "-map", "0:v:0", "-an", .. video,
            .. LiveEncoders.HlsOutput(folder),
        ]);
    }

    /// <summary>The stream's video codec, probed once and remembered for ten minutes (a joined stream costs nothing).</summary>
    private async Task<string> CodecAsync(string url, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_codecs.TryGetValue(url, out var known) && now - known.At < TimeSpan.FromMinutes(10))
        {
            return known.Codec;
        }

        var codec = await ProbeCodecAsync(url, cancellationToken);
        _codecs[url] = (codec, now);
        return codec;
    }

    public async Task<byte[]> SnapshotAsync(VideoDevice device, CancellationToken cancellationToken)
    {
        var url = Checked(device);
        try
        {
            return await FfmpegProcess.RunAsync(
                options.Ffmpeg,
                ["-hide_banner", "-loglevel", "error", "-nostdin", .. InputOptions(url), "-i", url, "-frames:v", "1", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "pipe:1"],
                null,
                TimeSpan.FromSeconds(20),
                cancellationToken);
        }
        catch (VideoUnavailableException e)
        {
            throw new VideoUnavailableException(Masked(e.Message), e);
        }
    }

    /// <summary>The codec of the stream's first video stream (ffprobe), or a clear error when it cannot be read.</summary>
    private async Task<string> ProbeCodecAsync(string url, CancellationToken cancellationToken)
    {
        var info = new System.Diagnostics.ProcessStartInfo(options.Ffprobe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-v", "error", .. InputOptions(url), "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "default=nw=1:nk=1", url])
        {
            info.ArgumentList.Add(argument);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StartTimeout);
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(info) ?? throw new VideoUnavailableException($"{options.Ffprobe} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoUnavailableException($"{options.Ffprobe} cannot be started ({e.Message}); install Debian's ffmpeg.", e);
        }

        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
                var errors = process.StandardError.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
                var codec = (await output).Trim();
                if (process.ExitCode != 0 || codec.Length == 0)
                {
                    var why = (await errors).Trim();
                    throw new VideoUnavailableException(Masked($"The stream {url} cannot be read: {(why.Length > 0 ? why : "it has no video")}"));
                }

                return codec.Split('\n')[0].Trim();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new VideoUnavailableException(Masked($"The stream {url} did not answer within {options.StartTimeout.TotalSeconds:F0} s."));
            }
        }
    }

    /// <summary>Input options: network protocols only (no local files), TCP for RTSP, and a read timeout.</summary>
    private static string[] InputOptions(string url)
    {
        var scheme = new Uri(url).Scheme.ToLowerInvariant();
        return scheme switch
        {
            "rtsp" or "rtsps" => ["-protocol_whitelist", "rtsp,rtsps,rtp,srtp,udp,tcp,tls", "-rtsp_transport", "tcp", "-timeout", "10000000"],
            "rtmp" => ["-protocol_whitelist", "rtmp,tcp", "-rw_timeout", "10000000"],
            _ => ["-protocol_whitelist", "http,https,tcp,tls,crypto,hls", "-rw_timeout", "10000000"],
        };
    }

    private static string Checked(VideoDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return IsStreamUrl(device.StreamUrl)
            ? device.StreamUrl!
            : throw new VideoUnavailableException($"Device {device.Id} has no playable stream URL (rtsp, rtsps, rtmp, http or https).");
    }

    /// <summary>The text with the user and password of any URL in it replaced.</summary>
    internal static string Masked(string text) => FfmpegProcess.Masked(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

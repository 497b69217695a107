using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CityEye.Video.Tests;

/// <summary>
/// A local live stream for the relay tests: Debian's ffmpeg encodes a 320x240 test picture as live HLS (H.264 High
/// under <c>/h264/</c>, MPEG-2 under <c>/mpeg2/</c>) into a temporary folder, and an HTTP server on 127.0.0.1 serves
/// it, as a camera or a media server would.
/// </summary>
public sealed class LocalStreamServer : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-stream-").FullName;
    private readonly HttpListener _listener = new();
    private readonly List<Process> _encoders = [];
    private readonly Task _serving;

    private LocalStreamServer(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The playlist URL of the H.264 stream (relayed without re-encoding).</summary>
    public string H264 => $"http://127.0.0.1:{Port}/h264/index.m3u8";

    /// <summary>The playlist URL of the MPEG-2 stream (re-encoded to H.264).</summary>
    public string Mpeg2 => $"http://127.0.0.1:{Port}/mpeg2/index.m3u8";

    /// <summary>
    /// A playlist served over HTTP whose segment is a local file (a copy of a real H.264 segment): a relay that let
    /// ffmpeg follow it would read the node's disk.
    /// </summary>
    public string LocalFilePlaylist()
    {
        var segment = Directory.GetFiles(Path.Combine(_folder, "h264"), "s*.ts").Order(StringComparer.Ordinal).First();
        var copy = Path.Combine(_folder, "local-copy.ts");
        File.Copy(segment, copy, overwrite: true);
        File.WriteAllText(Path.Combine(_folder, "evil.m3u8"), $"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1,\nfile://{copy}\n#EXT-X-ENDLIST\n");
        return $"http://127.0.0.1:{Port}/evil.m3u8";
    }

    /// <summary>Starts both encoders and the server; returns once both playlists have segments.</summary>
    public static async Task<LocalStreamServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new LocalStreamServer(FreePort());
        server.Encode("h264", ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "15"]);
        server.Encode("mpeg2", ["-c:v", "mpeg2video", "-q:v", "4", "-g", "15"]);
        var deadline = Stopwatch.StartNew();
        foreach (var name in new[] { "h264", "mpeg2" })
        {
            var playlist = Path.Combine(server._folder, name, "index.m3u8");
            while (!File.Exists(playlist) || !(await File.ReadAllTextAsync(playlist, cancellationToken)).Contains("#EXTINF", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"the local {name} stream wrote no segment within 30 s");
                await Task.Delay(100, cancellationToken);
            }
        }

        return server;
    }

    /// <summary>A port nothing listens on (for a URL that cannot be reached).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var encoder in _encoders)
        {
            if (!encoder.HasExited)
            {
                encoder.Kill(entireProcessTree: true);
                await encoder.WaitForExitAsync();
            }

            encoder.Dispose();
        }

        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Directory.Delete(_folder, recursive: true);
    }

    private void Encode(string name, string[] codec)
    {
        var folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15",
            .. codec, "-f", "hls", "-hls_time", "1", "-hls_list_size", "6", "-hls_flags", "delete_segments+temp_file",
            "-hls_segment_filename", Path.Combine(folder, "s%05d.ts"), Path.Combine(folder, "index.m3u8"),
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        _encoders.Add(process);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                var relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
                var path = Path.GetFullPath(Path.Combine(_folder, relative));
                if (!path.StartsWith(_folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
                {
                    context.Response.StatusCode = 404;
                }
                else
                {
                    var bytes = await File.ReadAllBytesAsync(path);
                    context.Response.ContentType = path.EndsWith(".m3u8", StringComparison.Ordinal) ? "application/vnd.apple.mpegurl" : "video/mp2t";
                    context.Response.ContentLength64 = bytes.Length;
                    await context.Response.OutputStream.WriteAsync(bytes);
                }
            }
            catch (Exception e) when (e is IOException or HttpListenerException)
            {
                context.Response.StatusCode = 500;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    internal static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

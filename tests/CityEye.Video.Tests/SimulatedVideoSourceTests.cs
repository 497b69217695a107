using System.Diagnostics;
using CityEye.Video.Simulated;

namespace CityEye.Video.Tests;

/// <summary>Simulated cameras on Debian's real ffmpeg: live HLS, joins, the encoder cap, idle stop, crashes, leftovers, snapshots.</summary>
public sealed class SimulatedVideoSourceTests : IAsyncLifetime
{
    private static readonly VideoDevice Card = new(101, "31011800001310000101", "青浦区 华新镇 新府中路口", IsPtz: false);
    private static readonly VideoDevice Gradient = new(102, "31011800001320000102", "青浦区 夏阳街道 城中北路", IsPtz: false);
    private static readonly VideoDevice Dome = new(105, "31011800001320000105", "青浦区 夏阳街道 城中北路 球机", IsPtz: true);
    private static readonly VideoDevice Footage = new(104, "31011800001310000104", "青浦区 盈浦街道 行人通道", IsPtz: false);

    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-video-").FullName;
    private SimulatedVideoSource _source = null!;

    public ValueTask InitializeAsync()
    {
        _source = new SimulatedVideoSource(_folder, Options());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        Assert.Empty(Ffmpegs(_folder));
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_live_stream_is_h264_hls_that_ffprobe_reads_and_its_picture_moves()
    {
        var ct = TestContext.Current.CancellationToken;
        var live = await _source.OpenLiveAsync(Card, ct);

        var playlist = _source.LiveFile(Card.Id, "index.m3u8");
        Assert.NotNull(playlist);
        Assert.Contains("#EXTINF", await File.ReadAllTextAsync(playlist, ct), StringComparison.Ordinal);
        var probe = await RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", playlist], ct);
        Assert.All(probe.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Equal("h264,640,360", line));

        // Two segments a second apart hold different pictures (the clock and the scene move).
        await Task.Delay(2_500, ct);
        var segments = Directory.GetFiles(live.Folder, "seg*.ts").Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 2, $"{segments.Count} segments after 2.5 s");
        var first = await FrameAsync(segments[0], ct);
        var second = await FrameAsync(segments[^1], ct);
        Assert.NotEqual(first, second);

        Assert.Null(_source.LiveFile(Card.Id, "../ffmpeg.pid"));
        Assert.Null(_source.LiveFile(Card.Id, "name.txt"));
        Assert.Null(_source.LiveFile(999, "index.m3u8"));
    }

    [Fact]
    public async Task A_second_viewer_joins_the_running_encoder()
    {
        var ct = TestContext.Current.CancellationToken;
        // Viewers arriving together while it starts share one encoder and all get its first segment.
        var opened = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _source.OpenLiveAsync(Gradient, ct)));
        Assert.Single(opened.Distinct());
        Assert.All(opened, o => Assert.True(File.Exists(Path.Combine(o.Folder, "index.m3u8"))));
        Assert.Equal(opened[0], await _source.OpenLiveAsync(Gradient, ct));
        Assert.Single(Ffmpegs(_folder));
        Assert.Equal([Gradient.Id], _source.Running().Select(r => r.DeviceId));
        Assert.True(_source.Capabilities(Dome).Ptz);
        Assert.False(_source.Capabilities(Gradient).Ptz);
        Assert.False(_source.Capabilities(Card).Ptz);
    }

    [Fact]
    public async Task Beyond_the_encoder_cap_the_start_is_refused_and_a_stream_nobody_reads_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = new SimulatedVideoSource(Path.Combine(_folder, "capped"), Options(maxEncoders: 2, idle: TimeSpan.FromSeconds(4)));
        await source.OpenLiveAsync(Card, ct);
        await source.OpenLiveAsync(Gradient, ct);
        var busy = await Assert.ThrowsAsync<VideoBusyException>(() => source.OpenLiveAsync(Footage, ct));
        Assert.Equal((2, 2), (busy.Running, busy.Limit));
        Assert.Contains("Video:MaxEncoders", busy.Message, StringComparison.Ordinal);

        // Keep reading one of them: the other stops after the idle timeout and frees its place.
        var watch = Stopwatch.StartNew();
        while (source.Running().Count > 1 && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            Assert.NotNull(source.LiveFile(Card.Id, "index.m3u8"));
            await Task.Delay(250, ct);
        }

        Assert.Equal([Card.Id], source.Running().Select(r => r.DeviceId));
        Assert.Single(Ffmpegs(Path.Combine(_folder, "capped")));
        await source.OpenLiveAsync(Footage, ct);
    }

    [Fact]
    public async Task An_encoder_that_dies_is_started_again_by_the_next_viewer()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await _source.OpenLiveAsync(Card, ct);
        using (var process = Process.GetProcessById(Assert.Single(Ffmpegs(_folder))))
        {
            process.Kill();
            await process.WaitForExitAsync(ct);
        }

        Assert.Null(_source.LiveFile(Card.Id, "index.m3u8"));
        var after = await _source.OpenLiveAsync(Card, ct);
        Assert.NotEqual(before.Folder, after.Folder);
        Assert.NotNull(_source.LiveFile(Card.Id, "index.m3u8"));
        Assert.False(Directory.Exists(before.Folder));
    }

    [Fact]
    public async Task Encoders_left_by_a_node_that_was_killed_are_stopped_when_it_starts_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(_folder, "killed");
        var abandoned = new SimulatedVideoSource(folder, Options());
        await abandoned.OpenLiveAsync(Card, ct);
        await abandoned.OpenLiveAsync(Footage, ct);
        Assert.Equal(2, Ffmpegs(folder).Count);

        // A new node on the same folder (the first one never disposed, as after SIGKILL).
        await using var restarted = new SimulatedVideoSource(folder, Options());
        Assert.Empty(Ffmpegs(folder));
        Assert.Empty(Directory.GetDirectories(Path.Combine(folder, "live")));
        await restarted.OpenLiveAsync(Card, ct);
        Assert.Single(Ffmpegs(folder));
        await abandoned.DisposeAsync();
    }

    [Fact]
    public async Task A_snapshot_is_a_jpeg_of_the_scene_and_the_footage_camera_shows_the_pedestrian_video()
    {
        var ct = TestContext.Current.CancellationToken;
        var jpeg = await _source.SnapshotAsync(Card, ct);
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        var path = Path.Combine(_folder, "snapshot.jpg");
        await File.WriteAllBytesAsync(path, jpeg, ct);
        var probe = await RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", path], ct);
        Assert.Equal("640,360", probe.Trim());

        var scene = new SimulatedScene(Options(), Path.Combine(_folder, "panorama"));
        Assert.Equal(File.Exists(Options().Footage) ? SimulatedScene.Kind.Footage : SimulatedScene.Kind.Gradient, scene.KindOf(Footage));
        Assert.Equal(SimulatedScene.Kind.TestCard, scene.KindOf(Card));
        Assert.Equal(SimulatedScene.Kind.Panorama, scene.KindOf(Dome));
        Assert.NotEqual(jpeg, await _source.SnapshotAsync(Footage, ct));
    }

    [Fact]
    public async Task Without_ffmpeg_the_start_fails_with_a_message_naming_the_package()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = Options();
        options.Ffmpeg = "/nonexistent/ffmpeg";
        await using var source = new SimulatedVideoSource(Path.Combine(_folder, "none"), options);
        var e = await Assert.ThrowsAsync<VideoUnavailableException>(() => source.OpenLiveAsync(Card, ct));
        Assert.Contains("install Debian's ffmpeg", e.Message, StringComparison.Ordinal);
        Assert.Empty(source.Running());
        Assert.Empty(Directory.GetDirectories(Path.Combine(_folder, "none", "live")));
    }

    [Fact]
    public void A_recorded_playlist_lists_two_second_segments_on_unix_time_and_starts_at_the_requested_moment()
    {
        var from = new DateTimeOffset(2026, 11, 20, 2, 0, 3, 500, TimeSpan.Zero);
        var playlist = _source.RecordedPlaylist(Card, from, from.AddSeconds(5.5)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var start = from.AddSeconds(-1.5).ToUnixTimeSeconds();
        Assert.Equal([$"r{start}.ts", $"r{start + 2}.ts", $"r{start + 4}.ts", $"r{start + 6}.ts"], playlist.Where(l => l.EndsWith(".ts", StringComparison.Ordinal)));
        Assert.Equal(["#EXTINF:2,", "#EXTINF:2,", "#EXTINF:2,", "#EXTINF:1,"], playlist.Where(l => l.StartsWith("#EXTINF", StringComparison.Ordinal)));
        Assert.Contains("#EXT-X-START:TIME-OFFSET=1.5,PRECISE=YES", playlist);
        Assert.Equal("#EXT-X-ENDLIST", playlist[^1]);

        // Across midnight UTC the segment timestamps start again: the playlist says so.
        var midnight = _source.RecordedPlaylist(Card, new DateTimeOffset(2026, 11, 20, 23, 59, 58, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 0, 0, 2, TimeSpan.Zero));
        Assert.Contains("#EXT-X-DISCONTINUITY\n#EXTINF:2,\nr1795219200.ts", midnight, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recorded_segment_is_rendered_once_for_its_time_and_a_download_is_an_mp4_of_the_range()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2026, 11, 20, 2, 0, 4, TimeSpan.Zero);
        var paths = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _source.RecordedSegmentAsync(Card, start, ct)));
        Assert.Single(paths.Distinct());
        var probe = await RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height:format=duration", "-of", "csv=p=0", paths[0]], ct);
        Assert.StartsWith("h264,640,360", probe.Trim(), StringComparison.Ordinal);
        Assert.InRange(double.Parse(probe.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture), 1.8, 2.3);
        var bytes = await File.ReadAllBytesAsync(paths[0], ct);
        Assert.Equal(paths[0], await _source.RecordedSegmentAsync(Card, start, ct));

        // Deterministic: rendered again (the cache emptied) it is the same picture; two seconds later the clock differs.
        var first = await FrameAsync(paths[0], ct);
        File.Delete(paths[0]);
        Assert.Equal(first, await FrameAsync(await _source.RecordedSegmentAsync(Card, start, ct), ct));
        Assert.NotEqual(first, await FrameAsync(await _source.RecordedSegmentAsync(Card, start.AddSeconds(2), ct), ct));
        Assert.NotEmpty(bytes);
        await Assert.ThrowsAsync<ArgumentException>(() => _source.RecordedSegmentAsync(Card, start.AddSeconds(1), ct));

        var mp4 = await _source.RecordingAsync(Footage, start, start.AddSeconds(5), null, ct);
        try
        {
            var download = await RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=format_name,duration", "-of", "csv=p=0", mp4], ct);
            // "mov,mp4,m4a,3gp,3g2,mj2,5.000000": the format names, then the duration.
            Assert.Contains("mp4", download, StringComparison.Ordinal);
            Assert.InRange(double.Parse(download.Trim().Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture), 4.8, 5.3);
        }
        finally
        {
            File.Delete(mp4);
        }
    }

    [Fact]
    public async Task A_device_name_with_drawtext_expansions_and_backslashes_is_shown_as_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var hostile = new VideoDevice(103, "31011800001310000103", @"100%{eif:1/0:d} 路口\ ' : , [x]", IsPtz: false);
        var jpeg = await _source.SnapshotAsync(hostile, ct);
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        await _source.OpenLiveAsync(hostile, ct);
        Assert.NotNull(_source.LiveFile(hostile.Id, "index.m3u8"));
    }

    [Fact]
    public async Task Five_frames_around_a_moment_are_consecutive_frames_with_the_one_on_show_in_the_middle()
    {
        var ct = TestContext.Current.CancellationToken;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_500L);
        var frames = await _source.FramesAsync(Footage, at, 5, overlay: null, ct);

        Assert.Equal(5, frames.Count);
        // Frame n of a 15 fps recording is on show from n/15 s: the middle one covers `at`.
        Assert.InRange(at - frames[2].At, TimeSpan.Zero, TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 15));
        Assert.All(frames.Zip(frames.Skip(1)), pair => Assert.InRange((pair.Second.At - pair.First.At).Ticks, (TimeSpan.TicksPerSecond / 15) - 1, (TimeSpan.TicksPerSecond / 15) + 1));
        // Real footage changes from frame to frame: five different pictures, each a 640x360 JPEG.
        Assert.Equal(5, frames.Select(f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Jpeg))).Distinct().Count());
        var path = Path.Combine(_folder, "frame.jpg");
        await File.WriteAllBytesAsync(path, frames[2].Jpeg, ct);
        Assert.Equal("640,360", (await RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", path], ct)).Trim());
    }

    [Fact]
    public async Task A_dome_cameras_recording_replays_its_moves_at_their_times_and_never_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var dome = new VideoDevice(107, "31011800001320000107", "青浦区 盈浦街道 球机回放", IsPtz: true);
        await _source.SnapshotAsync(dome, ct);
        var moved = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await _source.PtzAsync(dome, new PtzCommand("right", 10), ct);
        }

        await _source.PtzAsync(dome, new PtzCommand("zoomIn", 5), ct);

        // Two seconds around the moves: before them the home view, after them the camera's new view.
        var from = moved.AddSeconds(-1);
        var clip = await _source.RecordingAsync(dome, from, from.AddSeconds(2), overlay: null, ct);
        var before = await CentreAtAsync(clip, 0.3, ct);
        var after = await CentreAtAsync(clip, 1.7, ct);
        Assert.True(Difference(before, after) > 10, $"the picture did not follow the moves ({Difference(before, after):F1})");

        // A later move changes nothing in what was recorded before it.
        var wait = from.AddSeconds(2.5) - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }

        await _source.PtzAsync(dome, new PtzCommand("left", 10), ct);
        var again = await _source.RecordingAsync(dome, from, from.AddSeconds(2), overlay: null, ct);
        Assert.True(Difference(after, await CentreAtAsync(again, 1.7, ct)) < 1);
        Assert.True(Difference(before, await CentreAtAsync(again, 0.3, ct)) < 1);
        File.Delete(clip);
        File.Delete(again);
    }

    private static async Task<byte[]> CentreAtAsync(string mp4, double seconds, CancellationToken ct)
    {
        var raw = mp4 + F($".{seconds}.raw");
        await RunAsync("ffmpeg", ["-v", "error", "-ss", F($"{seconds}"), "-i", mp4, "-frames:v", "1", "-vf", "crop=320:180:160:90,format=gray", "-f", "rawvideo", "-y", raw], ct);
        return await File.ReadAllBytesAsync(raw, ct);
    }

    private static string F(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static VideoOptions Options(int maxEncoders = 8, TimeSpan? idle = null) =>
        new() { MaxEncoders = maxEncoders, IdleTimeout = idle ?? TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_dome_camera_pans_and_zooms_its_running_picture_and_keeps_its_presets()
    {
        var ct = TestContext.Current.CancellationToken;
        var live = await _source.OpenLiveAsync(Dome, ct);
        Assert.True(_source.Capabilities(Dome).Ptz);
        var before = await CentreAsync(live, ct);

        // Three quick steps right at full speed: the running encoder's window moves (over zmq), no restart.
        var pid = _source.Running().Single().StartedAt;
        PtzPosition position = null!;
        for (var i = 0; i < 3; i++)
        {
            position = await _source.PtzAsync(Dome, new PtzCommand("right", 10), ct);
        }

        Assert.True(position.Applied);
        Assert.True(position.Pan > 0.5, $"pan {position.Pan}");
        await Task.Delay(2_500, ct);
        var panned = await CentreAsync(live, ct);
        Assert.True(Difference(before, panned) > 10, $"the picture's centre changed by only {Difference(before, panned):0.0} grey levels");
        Assert.Equal(pid, _source.Running().Single().StartedAt);

        var zoomed = await _source.PtzAsync(Dome, new PtzCommand(PtzActions.ZoomIn, 5), ct);
        Assert.Equal(2, zoomed.Zoom);
        Assert.True(zoomed.Applied);
        await Task.Delay(2_500, ct);
        Assert.True(Difference(panned, await CentreAsync(live, ct)) > 10, "zooming in did not change the picture");

        // A preset brings the camera back; presets and position survive a new source on the same folder.
        await _source.PtzAsync(Dome, new PtzCommand(PtzActions.SetPreset, 5, 1, "路口"), ct);
        await _source.PtzAsync(Dome, new PtzCommand("downLeft", 10), ct);
        var back = await _source.PtzAsync(Dome, new PtzCommand(PtzActions.GotoPreset, 5, 1), ct);
        Assert.Equal((zoomed.Pan, zoomed.Tilt, 2), (back.Pan, back.Tilt, back.Zoom));
        await using (var again = new SimulatedVideoSource(Path.Combine(_folder, "second"), Options()))
        {
            Assert.Empty(again.PtzState(Dome).Presets);
        }

        await _source.DisposeAsync();
        _source = new SimulatedVideoSource(_folder, Options());
        var state = _source.PtzState(Dome);
        Assert.Equal("路口", Assert.Single(state.Presets).Name);
        Assert.Equal(back.Pan, state.Position.Pan);

        // A fixed camera has no PTZ; an unsaved preset is refused.
        await Assert.ThrowsAsync<PtzUnsupportedException>(() => _source.PtzAsync(Card, new PtzCommand("left", 1), ct));
        await Assert.ThrowsAsync<PtzPresetNotFoundException>(() => _source.PtzAsync(Dome, new PtzCommand(PtzActions.GotoPreset, 1, 9), ct));
    }

    /// <summary>The grey pixels of the centre of the newest complete live segment's first frame.</summary>
    private static async Task<byte[]> CentreAsync(LiveVideo live, CancellationToken ct)
    {
        var segment = Directory.GetFiles(live.Folder, "seg*.ts").Order(StringComparer.Ordinal).Last();
        var raw = segment + ".raw";
        await RunAsync("ffmpeg", ["-v", "error", "-i", segment, "-frames:v", "1", "-vf", "crop=320:180:160:90,format=gray", "-f", "rawvideo", "-y", raw], ct);
        return await File.ReadAllBytesAsync(raw, ct);
    }

    private static double Difference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    /// <summary>The pids of the ffmpeg processes whose command line names <paramref name="folder"/>.</summary>
    internal static List<int> Ffmpegs(string folder) => FfmpegProcesses.Naming(folder);

    private static async Task<byte[]> FrameAsync(string segment, CancellationToken ct)
    {
        var png = segment + ".png";
        await RunAsync("ffmpeg", ["-v", "error", "-i", segment, "-frames:v", "1", "-y", png], ct);
        return await File.ReadAllBytesAsync(png, ct);
    }

    internal static async Task<string> RunAsync(string program, string[] arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{program} failed: {errors}");
        return output;
    }
}

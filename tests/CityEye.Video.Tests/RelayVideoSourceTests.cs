namespace CityEye.Video.Tests;

/// <summary>
/// Devices with a stream URL through the node's video source (<see cref="VideoSourceRouter"/>) against a local HLS
/// stream the test starts: remuxed when H.264, re-encoded otherwise, snapshots, no recordings or PTZ, clear errors
/// without credentials, and one encoder cap shared with the simulated cameras.
/// </summary>
public sealed class RelayVideoSourceTests : IAsyncLifetime
{
    private static readonly VideoDevice Simulated = new(201, "31011800001310000201", "青浦区 模拟摄像机", IsPtz: false);
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-relay-").FullName;
    private LocalStreamServer _stream = null!;
    private VideoSourceRouter _source = null!;

    public async ValueTask InitializeAsync()
    {
        _stream = await LocalStreamServer.StartAsync(TestContext.Current.CancellationToken);
        _source = new VideoSourceRouter(_folder, SimulatedVideoSourceTests.Options());
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        // No relay or encoder outlives the source.
        Assert.Empty(SimulatedVideoSourceTests.Ffmpegs(_folder));
        await _stream.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static VideoDevice Relayed(long id, string url) => new(id, $"3101180000131{id:0000000}", $"接入摄像机 {id}", IsPtz: true, url);

    /// <summary>codec, profile, width, height of the first video stream of a file (a TS lists it per program too).</summary>
    private static async Task<string> ProbeAsync(string path, CancellationToken ct) =>
        (await SimulatedVideoSourceTests.RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,profile,width,height", "-of", "csv=p=0", path], ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();

    private async Task<string> FirstSegmentAsync(long deviceId, CancellationToken ct)
    {
        var playlist = _source.LiveFile(deviceId, "index.m3u8");
        Assert.NotNull(playlist);
        var segment = (await File.ReadAllLinesAsync(playlist, ct)).First(l => l.EndsWith(".ts", StringComparison.Ordinal));
        return _source.LiveFile(deviceId, segment)!;
    }

    [Fact]
    public async Task An_h264_stream_is_relayed_without_re_encoding_and_another_codec_is_re_encoded_to_h264()
    {
        var ct = TestContext.Current.CancellationToken;
        var h264 = Relayed(301, _stream.H264);
        var mpeg2 = Relayed(302, _stream.Mpeg2);

        await _source.OpenLiveAsync(h264, ct);
        // The source's own picture (320x240) and profile: the packets were copied, not the simulated 640x360 card.
        Assert.Equal("h264,High,320,240", await ProbeAsync(await FirstSegmentAsync(h264.Id, ct), ct));

        await _source.OpenLiveAsync(mpeg2, ct);
        Assert.Equal("h264,Constrained Baseline,320,240", await ProbeAsync(await FirstSegmentAsync(mpeg2.Id, ct), ct));
        Assert.Equal([h264.Id, mpeg2.Id], _source.Running().Select(r => r.DeviceId));

        // A second viewer joins the running relay.
        var again = await _source.OpenLiveAsync(h264, ct);
        Assert.Equal(2, SimulatedVideoSourceTests.Ffmpegs(_folder).Count);
        Assert.True(File.Exists(Path.Combine(again.Folder, "index.m3u8")));

        var snapshot = Path.Combine(_folder, "snapshot.jpg");
        await File.WriteAllBytesAsync(snapshot, await _source.SnapshotAsync(h264, ct), ct);
        Assert.Equal("mjpeg,Baseline,320,240", await ProbeAsync(snapshot, ct));
    }

    [Fact]
    public async Task A_relayed_device_has_no_recordings_or_ptz_and_an_unreachable_url_is_a_clear_error_without_its_password()
    {
        var ct = TestContext.Current.CancellationToken;
        var dead = Relayed(303, $"http://operator:s3cret@127.0.0.1:{LocalStreamServer.FreePort()}/live/index.m3u8");
        Assert.Equal(new VideoCapabilities(Live: true, Ptz: false, Recordings: false), _source.Capabilities(dead));
        Assert.True(_source.Capabilities(Simulated).Recordings);
        await Assert.ThrowsAsync<PtzUnsupportedException>(() => _source.PtzAsync(dead, new PtzCommand("left", 5), ct));
        Assert.Throws<NotSupportedException>(() => _source.RecordedPlaylist(dead, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1)));

        var error = await Assert.ThrowsAsync<VideoUnavailableException>(() => _source.OpenLiveAsync(dead, ct));
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Contains("***@127.0.0.1", error.Message, StringComparison.Ordinal);
        var snapshot = await Assert.ThrowsAsync<VideoUnavailableException>(() => _source.SnapshotAsync(dead, ct));
        Assert.DoesNotContain("s3cret", snapshot.Message, StringComparison.Ordinal);

        // Only network protocols: a local file named as a stream is refused before ffmpeg opens it, and a playlist
        // on a server that points at a local file (a playable one) is not followed (ffmpeg's HLS reader refuses such
        // segments by itself too; the relay's -protocol_whitelist holds whatever a playlist names).
        await Assert.ThrowsAsync<VideoUnavailableException>(() => _source.OpenLiveAsync(Relayed(304, "file:///etc/passwd"), ct));
        await Assert.ThrowsAsync<VideoUnavailableException>(() => _source.OpenLiveAsync(Relayed(306, _stream.LocalFilePlaylist()), ct));
        await Assert.ThrowsAsync<VideoUnavailableException>(() => _source.SnapshotAsync(Relayed(306, _stream.LocalFilePlaylist()), ct));
        Assert.Empty(_source.Running());
    }

    [Fact]
    public async Task Relayed_and_simulated_streams_share_the_nodes_encoder_cap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var capped = new VideoSourceRouter(Path.Combine(_folder, "capped"), SimulatedVideoSourceTests.Options(maxEncoders: 1));
        await capped.OpenLiveAsync(Simulated, ct);
        var busy = await Assert.ThrowsAsync<VideoBusyException>(() => capped.OpenLiveAsync(Relayed(305, _stream.H264), ct));
        Assert.Equal((1, 1), (busy.Running, busy.Limit));
    }
}

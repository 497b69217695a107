using System.Globalization;

namespace CityEye.Video.Simulated;

/// <summary>
/// The picture of a simulated camera, the same every time for the same device: a scene chosen by the device id (a
/// colour test card in the device's own hue, a drifting gradient seeded by the id, or, for every eighth camera when
/// Debian's opencv-doc is installed, the pedestrian footage <c>vtest.avi</c> looped in step with the clock), with the
/// device's name and GB code on top and a clock in <see cref="VideoOptions.ClockTimeZone"/> at the bottom right.
/// </summary>
internal sealed class SimulatedScene(VideoOptions options, string panoramaRoot)
{
    /// <summary>Length of vtest.avi in whole seconds (795 frames at 10 fps).</summary>
    private const int FootageSeconds = 79;

    public enum Kind
    {
        TestCard,
        Gradient,
        Footage,
        Panorama,
    }

    public Kind KindOf(VideoDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.IsPtz)
        {
            return Kind.Panorama;
        }

        if (device.Id % 8 == 0 && File.Exists(options.Footage))
        {
            return Kind.Footage;
        }

        return device.Id % 2 == 0 ? Kind.Gradient : Kind.TestCard;
    }

    /// <summary>
    /// The input arguments (before the filter) for a picture of <paramref name="device"/> from <paramref name="start"/>:
    /// paced in real time for live video, or <paramref name="duration"/> long as fast as it renders for recordings.
    /// </summary>
    public IEnumerable<string> Input(VideoDevice device, DateTimeOffset start, bool realTime, TimeSpan? duration = null)
    {
        var size = F($"{options.Width}x{options.Height}");
        var rate = options.FramesPerSecond;
        string[] pace = realTime ? ["-re"] : [];
        string[] length = duration is { } d ? ["-t", F($"{d.TotalSeconds:0.###}")] : [];
        return KindOf(device) switch
        {
            Kind.Panorama => [.. pace, "-loop", "1", "-framerate", F($"{rate}"), .. length, "-i", PanoramaFile(device)],
            Kind.Footage => [.. pace, "-stream_loop", "-1", "-ss", F($"{start.ToUnixTimeMilliseconds() % (FootageSeconds * 1000) / 1000.0:0.###}"), .. length, "-i", options.Footage],
            Kind.Gradient => [.. pace, .. length, "-f", "lavfi", "-i", F($"gradients=size={size}:rate={rate}:seed={device.Id % 100_000}:speed=0.02:nb_colors=3")],
            _ => [.. pace, .. length, "-f", "lavfi", "-i", F($"testsrc2=size={size}:rate={rate}")],
        };
    }

    /// <summary>
    /// The filter that scales the scene and draws the captions, reading the texts from files in <paramref name="folder"/>
    /// (written by <see cref="WriteCaptions"/>) so that no name needs filter escaping.
    /// </summary>
    /// <param name="device">The camera.</param>
    /// <param name="folder">Where the caption files are.</param>
    /// <param name="ptz">A dome camera's position: its window of the panorama.</param>
    /// <param name="zmqPort">For a live dome camera: the port of ffmpeg's zmq filter, which PTZ commands reach it by.</param>
    /// <param name="ptzCommands">For a recording of a dome camera: a <c>sendcmd</c> file of the moves made while it was recorded.</param>
    public string Filter(VideoDevice device, string folder, SimulatedPtz.Position? ptz = null, int? zmqPort = null, string? ptzCommands = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var font = Escape(options.Font);
        var hue = KindOf(device) == Kind.TestCard ? F($"hue=h={device.Id * 47 % 360},") : string.Empty;
        return PtzWindows(device, ptz, zmqPort, ptzCommands)
            + F($"scale={options.Width}:{options.Height},fps={options.FramesPerSecond},{hue}format=yuv420p,")
            + F($"drawbox=x=0:y=0:w=iw:h=64:color=black@0.45:t=fill,")
            + F($"drawtext=fontfile={font}:textfile={Escape(Path.Combine(folder, "name.txt"))}:expansion=none:x=12:y=8:fontsize=20:fontcolor=white:line_spacing=6,")
            + F($"drawtext=fontfile={font}:textfile={Escape(Path.Combine(folder, "clock.txt"))}:expansion=normal:x=w-tw-12:y=h-th-12:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.5:boxborderw=6");
    }

    /// <summary>
    /// Writes the caption files the filter reads. Live video shows the wall clock; a recording shows
    /// <paramref name="recordedFrom"/> plus the frame's time, so a recording of any past moment shows that moment.
    /// </summary>
    public static void WriteCaptions(VideoDevice device, string folder, DateTimeOffset? recordedFrom = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        File.WriteAllText(Path.Combine(folder, "name.txt"), $"{device.Name}{(device.IsPtz ? "  [PTZ]" : string.Empty)}\n{device.GbCode}");
        File.WriteAllText(Path.Combine(folder, "clock.txt"), recordedFrom is { } from
            ? F($"%{{pts:localtime:{from.ToUnixTimeMilliseconds() / 1000.0:0.###}:%Y-%m-%d %H\\:%M\\:%S}}")
            : @"%{localtime:%Y-%m-%d %H\:%M\:%S}");
    }

    /// <summary>The panorama a dome camera looks at (made by <see cref="PanoramaArguments"/>).</summary>
    public string PanoramaFile(VideoDevice device) => Path.Combine(panoramaRoot, F($"{device.Id}.png"));

    /// <summary>
    /// The ffmpeg arguments that draw a dome camera's panorama once: a test pattern in the device's own hue under a
    /// grid, so that every pan and zoom shows.
    /// </summary>
    public static IEnumerable<string> PanoramaArguments(VideoDevice device, string output) =>
    [
        "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi",
        "-i", F($"testsrc2=size={SimulatedPtz.PanoramaWidth}x{SimulatedPtz.PanoramaHeight}:rate=1,hue=h={device.Id * 47 % 360},drawgrid=w=160:h=160:t=3:c=white@0.7"),
        "-frames:v", "1", "-y", output,
    ];

    /// <summary>
    /// For a dome camera: crops of the panorama at every zoom level, scaled to the picture, and the switch that shows
    /// the current level; live, the zmq filter first, so that PTZ commands move the crops of the running encoder; recorded,
    /// a sendcmd filter that replays the logged moves.
    /// </summary>
    private string PtzWindows(VideoDevice device, SimulatedPtz.Position? ptz, int? zmqPort, string? ptzCommands)
    {
        if (KindOf(device) != Kind.Panorama)
        {
            return string.Empty;
        }

        var position = ptz ?? SimulatedPtz.Position.Home;
        var text = new System.Text.StringBuilder();
        if (zmqPort is { } port)
        {
            // Two levels of escaping: the option value's ':' and then the graph's.
            text.Append(F($@"zmq=bind_address=tcp\\://127.0.0.1\\:{port},"));
        }

        if (ptzCommands is not null)
        {
            // A recording replays the moves made while it was recorded, at their times.
            text.Append(F($"sendcmd=f={Escape(ptzCommands)},"));
        }

        text.Append("split=3[p0][p1][p2];");
        for (var level = 0; level < SimulatedPtz.Levels; level++)
        {
            var (x, y, width, height) = position.Window(level);
            text.Append(F($"[p{level}]crop@z{level}=w={width}:h={height}:x={x}:y={y},scale={options.Width}:{options.Height}[v{level}];"));
        }

        return text.Append(F($"[v0][v1][v2]streamselect@zoom=inputs=3:map={position.Level},")).ToString();
    }

    /// <summary>The environment of the encoder: the clock's time zone.</summary>
    public IReadOnlyDictionary<string, string> Environment() => new Dictionary<string, string> { ["TZ"] = options.ClockTimeZone };

    /// <summary>Escapes a filter option value (paths with ':' or '\'').</summary>
    private static string Escape(string value) => value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace(":", @"\:", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

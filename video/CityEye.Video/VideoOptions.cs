namespace CityEye.Video;

/// <summary>Configuration section <c>Video</c>.</summary>
public sealed class VideoOptions
{
    public const string Section = "Video";

    /// <summary>
    /// Where devices without a stream URL get their video: <c>Simulated</c> (embedded default). Devices whose file has
    /// a stream URL are always relayed.
    /// </summary>
    public string Provider { get; set; } = "Simulated";

    /// <summary>The ffmpeg executable (Debian's ffmpeg 5.1 with libx264 and drawtext).</summary>
    public string Ffmpeg { get; set; } = "ffmpeg";

    /// <summary>The ffprobe executable (Debian's ffmpeg package), used to see a relayed stream's codec.</summary>
    public string Ffprobe { get; set; } = "ffprobe";

    /// <summary>A font with Chinese characters for names and clocks (Debian's fonts-noto-cjk).</summary>
    public string Font { get; set; } = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    /// <summary>Footage some simulated cameras show (Debian's opencv-doc pedestrian video); missing: none do.</summary>
    public string Footage { get; set; } = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

    /// <summary>Time zone of the burnt-in clock.</summary>
    public string ClockTimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Live encoders the node runs at most (each about 3 % of a core at 640x360, 15 fps); beyond it a 503.</summary>
    public int MaxEncoders { get; set; } = 24;

    /// <summary>A live stream nobody has read for this long is stopped.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the first segment of a new live stream may take before the start counts as failed.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a signed stream URL plays (the player asks for a new one before it ends).</summary>
    public TimeSpan StreamUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest range one playback may cover.</summary>
    public TimeSpan MaxPlaybackRange { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The longest range one recording download may cover (rendered while the user waits).</summary>
    public TimeSpan MaxDownloadRange { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many days back recordings exist (the platform's recording retention).</summary>
    public int RecordingDays { get; set; } = 30;

    /// <summary>Picture size and rate of simulated cameras.</summary>
    public int Width { get; set; } = 640;

    public int Height { get; set; } = 360;

    public int FramesPerSecond { get; set; } = 15;
}

namespace CityEye.Api.Watermark;

/// <summary>The node's side of the watermarks (section <c>Watermark</c>); the style is set at run time by an administrator.</summary>
public sealed class WatermarkOptions
{
    public const string Section = "Watermark";

    /// <summary>This node's number in the covert mark (0 to 255), so a leak names the node it left from.</summary>
    public int NodeNumber { get; set; } = 1;

    /// <summary>This node's name in the visible mark's {node} and in decoder answers.</summary>
    public string NodeName { get; set; } = "青浦区";

    /// <summary>The font of the visible mark (CJK glyphs; Debian's fonts-noto-cjk).</summary>
    public string Font { get; set; } = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    /// <summary>The time zone of {time}.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The largest image the decoder accepts, in megabytes.</summary>
    public int MaxDecodeMegabytes { get; set; } = 20;
}

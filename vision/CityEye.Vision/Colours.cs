using SkiaSharp;

namespace CityEye.Vision;

/// <summary>
/// Colour features and names from pixels: the HSV histogram of a person's upper and lower body (part of the body
/// vector), the dominant colour name of a region (upper/lower clothing, vehicle body) in the capture vocabulary, and
/// the background colour of a plate.
/// </summary>
public static class Colours
{
    private const int HueBins = 12;
    private const int SaturationBins = 3;
    private const int GreyBins = 4;
    private const int PerPart = (HueBins * SaturationBins) + GreyBins;

    /// <summary>Length of <see cref="BodyHistogram"/>.</summary>
    public const int HistogramDimensions = 2 * PerPart;

    /// <summary>
    /// 12 hues × 3 saturations plus 4 grey levels for the torso (10–50 % of the height) and the legs (50–90 %) of the
    /// central 60 % of the width; each half normalised and square-rooted (cosine ≈ Bhattacharyya), then unit length.
    /// </summary>
    public static float[] BodyHistogram(SKBitmap crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        var pixels = crop.GetPixelSpan();
        int width = crop.Width, height = crop.Height;
        var histogram = new float[HistogramDimensions];
        var x0 = (int)(width * 0.2);
        var x1 = width - x0;
        for (var y = (int)(height * 0.1); y < height * 0.9; y++)
        {
            var part = y < height * 0.5 ? 0 : 1;
            for (var x = x0; x < x1; x++)
            {
                var (hue, saturation, value) = Hsv(pixels, ((y * width) + x) * 4);
                var bin = saturation < 0.2 || value < 0.15
                    ? (HueBins * SaturationBins) + Math.Min(GreyBins - 1, (int)(value * GreyBins))
                    : (Math.Min(HueBins - 1, (int)(hue / 360 * HueBins)) * SaturationBins) + Math.Min(SaturationBins - 1, (int)((saturation - 0.2) / 0.8 * SaturationBins));
                histogram[(part * PerPart) + bin]++;
            }
        }

        for (var part = 0; part < 2; part++)
        {
            var sum = 0f;
            for (var i = 0; i < PerPart; i++)
            {
                sum += histogram[(part * PerPart) + i];
            }

            for (var i = 0; i < PerPart; i++)
            {
                histogram[(part * PerPart) + i] = MathF.Sqrt(histogram[(part * PerPart) + i] / Math.Max(1, sum));
            }
        }

        return VectorMathLite.Normalised(histogram);
    }

    /// <summary>
    /// The most common colour name (see <c>CaptureVocabulary.Colours</c>) among the pixels of the band
    /// [<paramref name="top"/>, <paramref name="bottom"/>) of the height, central 60 % of the width.
    /// </summary>
    public static string DominantName(SKBitmap crop, double top = 0, double bottom = 1)
    {
        ArgumentNullException.ThrowIfNull(crop);
        var pixels = crop.GetPixelSpan();
        int width = crop.Width, height = crop.Height;
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        var x0 = (int)(width * 0.2);
        for (var y = (int)(height * top); y < Math.Min(height, height * bottom); y++)
        {
            for (var x = x0; x < width - x0; x++)
            {
                var name = Name(Hsv(pixels, ((y * width) + x) * 4));
                votes[name] = votes.GetValueOrDefault(name) + 1;
            }
        }

        return votes.Count == 0 ? "grey" : votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;
    }

    /// <summary>
    /// The background colour of a plate crop (blue, yellow, green, white, black): a white-balanced HSV vote over the
    /// central part, white against black decided by an Otsu split when no chromatic colour dominates.
    /// </summary>
    public static string PlateColour(SKBitmap crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        var pixels = crop.GetPixelSpan();
        int width = crop.Width, height = crop.Height;
        var maxima = new List<int>(width * height);
        for (var i = 0; i < width * height; i++)
        {
            maxima.Add(Math.Max(pixels[i * 4], Math.Max(pixels[(i * 4) + 1], pixels[(i * 4) + 2])));
        }

        maxima.Sort();
        var gain = 255.0 / Math.Max(40, maxima[(int)(maxima.Count * 0.97)]);
        int blue = 0, yellow = 0, green = 0, counted = 0;
        var levels = new int[256];
        for (var y = (int)(height * 0.15); y < height * 0.85; y++)
        {
            for (var x = (int)(width * 0.1); x < width * 0.9; x++)
            {
                var p = ((y * width) + x) * 4;
                counted++;
                levels[Math.Max(pixels[p], Math.Max(pixels[p + 1], pixels[p + 2]))]++;
                var (hue, saturation, value) = Hsv(Math.Min(255, pixels[p] * gain) / 255, Math.Min(255, pixels[p + 1] * gain) / 255, Math.Min(255, pixels[p + 2] * gain) / 255);
                if (value < 0.3 || saturation < 0.22)
                {
                    continue;
                }

                if (hue is >= 190 and < 260)
                {
                    blue++;
                }
                else if (hue is >= 30 and < 70 && saturation > 0.35)
                {
                    yellow++;
                }
                else if (hue is >= 70 and < 170)
                {
                    green++;
                }
            }
        }

        var chroma = new[] { ("blue", blue * 1.0), ("yellow", yellow * 1.0), ("green", green * 1.3) }.MaxBy(v => v.Item2);
        if (chroma.Item2 > 0.25 * counted)
        {
            return chroma.Item1;
        }

        // Otsu threshold over the brightness; the majority side is the background.
        double total = 0;
        for (var i = 0; i < 256; i++)
        {
            total += i * levels[i];
        }

        double weight = 0, sum = 0, best = -1;
        var threshold = 128;
        for (var t = 0; t < 256; t++)
        {
            weight += levels[t];
            if (weight == 0 || weight == counted)
            {
                continue;
            }

            sum += t * levels[t];
            var meanBack = sum / weight;
            var meanFore = (total - sum) / (counted - weight);
            var between = weight * (counted - weight) * (meanBack - meanFore) * (meanBack - meanFore);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        var dark = levels.Take(threshold + 1).Sum();
        return dark > counted / 2 ? "black" : "white";
    }

    private static string Name((double Hue, double Saturation, double Value) hsv)
    {
        var (hue, saturation, value) = hsv;
        if (value < 0.2)
        {
            return "black";
        }

        if (saturation < 0.18)
        {
            return value > 0.8 ? "white" : value > 0.55 ? "silver" : "grey";
        }

        if (saturation < 0.35 && value < 0.45)
        {
            return "grey";
        }

        return hue switch
        {
            < 15 or >= 345 => "red",
            < 40 => value < 0.6 ? "brown" : "orange",
            < 70 => "yellow",
            < 165 => "green",
            < 260 => "blue",
            < 300 => "purple",
            _ => "pink",
        };
    }

    private static (double Hue, double Saturation, double Value) Hsv(ReadOnlySpan<byte> pixels, int offset) =>
        Hsv(pixels[offset] / 255.0, pixels[offset + 1] / 255.0, pixels[offset + 2] / 255.0);

    private static (double Hue, double Saturation, double Value) Hsv(double red, double green, double blue)
    {
        var max = Math.Max(red, Math.Max(green, blue));
        var min = Math.Min(red, Math.Min(green, blue));
        var chroma = max - min;
        var saturation = max <= 0 ? 0 : chroma / max;
        double hue = 0;
        if (chroma > 1e-6)
        {
            hue = max == red ? 60 * ((((green - blue) / chroma) + 6) % 6) : max == green ? 60 * (((blue - red) / chroma) + 2) : 60 * (((red - green) / chroma) + 4);
        }

        return (hue, saturation, max);
    }
}

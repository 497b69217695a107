using SkiaSharp;

namespace CityEye.Watermark;

/// <summary>
/// Draws both watermarks (SC-1, SC-2) as one transparent tile that repeats seamlessly: the covert dot matrix (a
/// <see cref="CovertCode.Grid"/>-cell tile per <see cref="WatermarkStyle.CovertCellSize"/>) and the visible text at an
/// angle, laid out so that the tile's sides are whole covert tiles. Files that leave the node get the tile burnt in
/// (<see cref="Apply"/>, <see cref="WatermarkJpeg"/>, <see cref="Overlay"/> for video); the player lays the same tile
/// over live and recorded video.
/// </summary>
public sealed class WatermarkRenderer : IDisposable
{
    /// <summary>The largest image decoded (a decompression bomb is refused before it is unpacked).</summary>
    public const long MaxPixels = 60_000_000;

    private readonly SKTypeface _typeface;

    /// <param name="fontFile">A font with CJK glyphs (Debian's fonts-noto-cjk); fontconfig's match when missing.</param>
    public WatermarkRenderer(string fontFile)
    {
        _typeface = LoadTypeface(fontFile);
    }

    /// <summary>The tile for a viewer: premultiplied RGBA, transparent where nothing is drawn.</summary>
    public SKBitmap Tile(WatermarkIdentity identity, WatermarkStyle style, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(style);
        var text = style.Text(identity, zone);
        using var font = new SKFont(_typeface, style.FontSize);
        var textWidth = Math.Max(font.MeasureText(text), style.FontSize);
        var angle = style.Angle * Math.PI / 180;
        var (cos, sin) = (Math.Abs(Math.Cos(angle)), Math.Abs(Math.Sin(angle)));
        var gap = 1 + (0.2 * (5 - style.Density));
        var covertSide = CovertCode.Grid * style.CovertCellSize;

        // Two texts per tile, staggered: one at the corner, one at the centre.
        var width = RoundUp(((textWidth * cos) + (style.FontSize * sin)) * gap, covertSide);
        var height = RoundUp(((textWidth * sin) + (style.FontSize * cos)) * gap, covertSide);
        var tile = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(tile);
        canvas.Clear(SKColors.Transparent);
        if (style.CovertEnabled)
        {
            DrawCovert(canvas, width, height, style, CovertCode.Tile(CovertPayload.For(identity.UserId, identity.Time, identity.Node)));
        }

        var colour = SKColor.Parse(style.Colour).WithAlpha((byte)Math.Round(style.Opacity * 255));
        using var outline = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2, Color = SKColors.Black.WithAlpha((byte)Math.Round(style.Opacity * 110)) };
        using var fill = new SKPaint { IsAntialias = true, Color = colour };
        foreach (var (x, y) in new[] { (0f, 0f), (width / 2f, height / 2f) })
        {
            // Each text is drawn with its wrap-around copies, so the tile repeats without seams.
            for (var dx = -1; dx <= 1; dx++)
            {
                for (var dy = -1; dy <= 1; dy++)
                {
                    canvas.Save();
                    canvas.Translate(x + (dx * width), y + (dy * height));
                    canvas.RotateDegrees(style.Angle);
                    canvas.DrawText(text, -textWidth / 2, style.FontSize / 3f, SKTextAlign.Left, font, outline);
                    canvas.DrawText(text, -textWidth / 2, style.FontSize / 3f, SKTextAlign.Left, font, fill);
                    canvas.Restore();
                }
            }
        }

        return tile;
    }

    /// <summary>Burns the tile into an image, repeated from its top-left corner.</summary>
    public static void Apply(SKBitmap image, SKBitmap tile)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(tile);
        using var canvas = new SKCanvas(image);
        using var shader = SKShader.CreateBitmap(tile, SKShaderTileMode.Repeat, SKShaderTileMode.Repeat);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(0, 0, image.Width, image.Height, paint);
    }

    /// <summary>A JPEG or PNG with the tile burnt in, as a JPEG of the given quality.</summary>
    public static byte[] WatermarkJpeg(byte[] image, SKBitmap tile, int quality = 90)
    {
        using var bitmap = DecodeOpaque(image);
        Apply(bitmap, tile);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>A transparent PNG of the given size with the tile repeated over it (for ffmpeg's overlay filter).</summary>
    public static byte[] Overlay(int width, int height, SKBitmap tile)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
        }

        Apply(bitmap, tile);
        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>Decodes a JPEG or PNG into an opaque bitmap; throws <see cref="WatermarkImageException"/>.</summary>
    public static SKBitmap DecodeOpaque(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data) ?? throw new WatermarkImageException("The file is not an image that can be read (JPEG, PNG, WebP, BMP or GIF).");
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels)
        {
            throw new WatermarkImageException($"The image has more than {MaxPixels / 1_000_000} million pixels.");
        }

        using var decoded = SKBitmap.Decode(codec) ?? throw new WatermarkImageException("The image cannot be decoded.");
        var bitmap = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var source = SKImage.FromBitmap(decoded);
        canvas.DrawImage(source, 0, 0, SKSamplingOptions.Default, null);
        return bitmap;
    }

    public void Dispose() => _typeface.Dispose();

    private static void DrawCovert(SKCanvas canvas, int width, int height, WatermarkStyle style, sbyte[] cells)
    {
        var size = style.CovertCellSize;
        var alpha = (byte)Math.Round(style.CovertStrength * 255);
        using var light = new SKPaint { IsAntialias = true, Color = SKColors.White.WithAlpha(alpha) };
        using var dark = new SKPaint { IsAntialias = true, Color = SKColors.Black.WithAlpha(alpha) };
        var radius = size * 0.5f;
        for (var y = 0; y < height / size; y++)
        {
            for (var x = 0; x < width / size; x++)
            {
                var sign = cells[((y % CovertCode.Grid) * CovertCode.Grid) + (x % CovertCode.Grid)];
                canvas.DrawCircle((x + 0.5f) * size, (y + 0.5f) * size, radius, sign > 0 ? light : dark);
            }
        }
    }

    private static int RoundUp(double value, int unit) => Math.Max(unit, (int)Math.Ceiling(value / unit) * unit);

    private static SKTypeface LoadTypeface(string fontFile)
    {
        if (File.Exists(fontFile))
        {
            for (var index = 0; index < 10; index++)
            {
                var face = SKTypeface.FromFile(fontFile, index);
                if (face is null)
                {
                    break;
                }

                if (face.FamilyName == "Noto Sans CJK SC")
                {
                    return face;
                }

                face.Dispose();
            }

            if (SKTypeface.FromFile(fontFile) is { } first)
            {
                return first;
            }
        }

        return SKFontManager.Default.MatchFamily("Noto Sans CJK SC") ?? SKTypeface.Default;
    }
}

/// <summary>The file given is not an image that can be read.</summary>
public sealed class WatermarkImageException : Exception
{
    public WatermarkImageException()
    {
    }

    public WatermarkImageException(string message)
        : base(message)
    {
    }

    public WatermarkImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

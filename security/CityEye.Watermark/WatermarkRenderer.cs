using SkiaSharp;

namespace CityEye.Watermark;

/// <summary>
/// Draws both watermarks (SC-1, SC-2) as one transparent tile that repeats seamlessly: the covert dot matrix (a
/// <see cref="CovertCode.Grid"/>-cell tile per <see cref="WatermarkStyle.CovertCellSize"/>) and the visible text at an
/// angle, laid out so that the tile's sides are whole covert tiles. Files that leave the node get the tile burnt in
/// (<see cref="Apply(SKBitmap, WatermarkTile)"/>, <see cref="WatermarkJpeg"/>, <see cref="Overlay"/> for video); the player lays the same tile
/// over live and recorded video. Burnt into a file, the covert dots are strengthened where the picture is busy (up to
/// <see cref="TextureGain"/> times, in proportion to the local deviation above <see cref="TextureReference"/> grey
/// levels, per covert cell): texture masks them there, and it is where they would otherwise drown (a crop of grass or foliage).
/// </summary>
public sealed class WatermarkRenderer : IDisposable
{
    /// <summary>The largest image decoded (a decompression bomb is refused before it is unpacked).</summary>
    public const long MaxPixels = 60_000_000;

    /// <summary>The most the covert dots are strengthened in busy parts of a picture burnt in.</summary>
    public const double TextureGain = 2;

    /// <summary>The local deviation of the picture (grey levels) above which the dots are strengthened.</summary>
    public const double TextureReference = 6;

    private readonly SKTypeface _typeface;

    /// <param name="fontFile">A font with CJK glyphs (Debian's fonts-noto-cjk); fontconfig's match when missing.</param>
    public WatermarkRenderer(string fontFile)
    {
        _typeface = LoadTypeface(fontFile);
    }

    /// <summary>The tile for a viewer: premultiplied RGBA, transparent where nothing is drawn.</summary>
    public WatermarkTile Tile(WatermarkIdentity identity, WatermarkStyle style, TimeZoneInfo zone)
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
        var cells = style.CovertEnabled ? CovertCode.Tile(CovertPayload.For(identity.UserId, identity.Time, identity.Node)) : null;
        if (cells is not null)
        {
            DrawCovert(canvas, width, height, style, cells);
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

        return new WatermarkTile(tile, cells, style.CovertCellSize, style.CovertStrength);
    }

    /// <summary>
    /// Burns the tile into an opaque RGBA image, repeated from its top-left corner, with the covert dots strengthened
    /// where the picture is busy.
    /// </summary>
    public static void Apply(SKBitmap image, WatermarkTile tile) => Apply(image, tile, TextureGain);

    /// <summary><see cref="Apply(SKBitmap, WatermarkTile)"/> with the most the dots are strengthened (1: not at all).</summary>
    internal static void Apply(SKBitmap image, WatermarkTile tile, double textureGain)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(tile);

        // Strengthening works on 8-bit RGBA or BGRA pixels of an opaque picture, row after row; other pictures get
        // the tile as it is.
        var packed = image.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888 && image.AlphaType is SKAlphaType.Opaque or SKAlphaType.Premul
            && image.RowBytes == image.Width * 4;
        var gain = tile.Cells is not null && textureGain > 1 && packed ? Gain(image, tile.CellSize, textureGain) : null;
        using (var canvas = new SKCanvas(image))
        {
            using var shader = SKShader.CreateBitmap(tile.Bitmap, SKShaderTileMode.Repeat, SKShaderTileMode.Repeat);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, image.Width, image.Height, paint);
        }

        if (gain is not null)
        {
            Strengthen(image, tile, gain);
        }
    }

    /// <summary>A JPEG or PNG with the tile burnt in, as a JPEG of the given quality.</summary>
    public static byte[] WatermarkJpeg(byte[] image, WatermarkTile tile, int quality = 90)
    {
        using var bitmap = DecodeOpaque(image);
        Apply(bitmap, tile);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>A transparent PNG of the given size with the tile repeated over it (for ffmpeg's overlay filter).</summary>
    public static byte[] Overlay(int width, int height, WatermarkTile tile)
    {
        ArgumentNullException.ThrowIfNull(tile);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var shader = SKShader.CreateBitmap(tile.Bitmap, SKShaderTileMode.Repeat, SKShaderTileMode.Repeat);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, width, height, paint);
        }

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

    /// <summary>
    /// How much to strengthen the dots of each covert cell (1 to <paramref name="most"/>): the picture's deviation from
    /// its own blur (a box of 9 px) over the cell and its eight neighbours, relative to <see cref="TextureReference"/>.
    /// Per cell, so that a large picture needs about three floats per pixel.
    /// </summary>
    private static float[] Gain(SKBitmap image, int cell, double most)
    {
        var (width, height) = (image.Width, image.Height);
        var pixels = image.GetPixelSpan();
        var grey = new float[width * height];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = (pixels[i * 4] + pixels[(i * 4) + 1] + pixels[(i * 4) + 2]) / 3f;
        }

        var blurred = Box.Blur(grey, width, height, 4);
        var (columns, rows) = ((width + cell - 1) / cell, (height + cell - 1) / cell);
        var energy = new double[columns * rows];
        var count = new int[columns * rows];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var d = grey[(y * width) + x] - blurred[(y * width) + x];
                var c = ((y / cell) * columns) + (x / cell);
                energy[c] += d * d;
                count[c]++;
            }
        }

        var gain = new float[columns * rows];
        for (var cy = 0; cy < rows; cy++)
        {
            for (var cx = 0; cx < columns; cx++)
            {
                var (sum, n) = (0.0, 0);
                for (var ny = Math.Max(0, cy - 1); ny <= Math.Min(rows - 1, cy + 1); ny++)
                {
                    for (var nx = Math.Max(0, cx - 1); nx <= Math.Min(columns - 1, cx + 1); nx++)
                    {
                        sum += energy[(ny * columns) + nx];
                        n += count[(ny * columns) + nx];
                    }
                }

                gain[(cy * columns) + cx] = (float)Math.Clamp(Math.Sqrt(sum / n) / TextureReference, 1, most);
            }
        }

        return gain;
    }

    /// <summary>Adds (gain − 1) more of each covert dot to the pixels it covers: lighter for +1, darker for −1.</summary>
    private static void Strengthen(SKBitmap image, WatermarkTile tile, float[] gain)
    {
        var (width, height, size, cells) = (image.Width, image.Height, tile.CellSize, tile.Cells!);
        var columns = (width + size - 1) / size;
        var pixels = image.GetPixelSpan().ToArray();
        var radius = size / 2.0;
        for (var y = 0; y < height; y++)
        {
            var cy = y / size;
            var dy = y + 0.5 - ((cy + 0.5) * size);
            for (var x = 0; x < width; x++)
            {
                var cx = x / size;
                var g = gain[(cy * columns) + cx];
                var dx = x + 0.5 - ((cx + 0.5) * size);
                if (g <= 1 || (dx * dx) + (dy * dy) > radius * radius)
                {
                    continue;
                }

                var extra = (g - 1) * tile.Strength;
                var light = cells[((cy % CovertCode.Grid) * CovertCode.Grid) + (cx % CovertCode.Grid)] > 0;
                var p = ((y * width) + x) * 4;
                for (var c = 0; c < 3; c++)
                {
                    var v = pixels[p + c];
                    pixels[p + c] = (byte)Math.Clamp(Math.Round(light ? v + (extra * (255 - v)) : v - (extra * v)), 0, 255);
                }
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, image.GetPixels(), pixels.Length);
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

/// <summary>A viewer's watermark tile, and the covert cells drawn in it (null when the covert mark is off).</summary>
public sealed class WatermarkTile(SKBitmap bitmap, sbyte[]? cells, int cellSize, double strength) : IDisposable
{
    /// <summary>Premultiplied RGBA, transparent where nothing is drawn; its sides are whole covert tiles.</summary>
    public SKBitmap Bitmap { get; } = bitmap;

    internal sbyte[]? Cells { get; } = cells;

    internal int CellSize { get; } = cellSize;

    internal double Strength { get; } = strength;

    public void Dispose() => Bitmap.Dispose();
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

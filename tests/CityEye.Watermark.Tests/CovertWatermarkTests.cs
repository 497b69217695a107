using SkiaSharp;

namespace CityEye.Watermark.Tests;

/// <summary>
/// The covert dot-matrix watermark (SC-2) end to end: drawn by the renderer over a photo-like picture, leaked in the
/// ways the requirement names, recovered blindly by the decoder, and never read from a picture that has none.
/// </summary>
public sealed class CovertWatermarkTests : IDisposable
{
    private const string Font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly WatermarkRenderer _renderer = new(Font);

    [Fact]
    public void The_code_corrects_flipped_cells_and_the_crc_refuses_a_wrong_reading()
    {
        var payload = CovertPayload.For(4_321, new DateTimeOffset(2026, 11, 27, 10, 15, 42, TimeSpan.Zero), 7);
        var tile = CovertCode.Tile(payload);
        var cells = tile.Select(s => (double)s).ToArray();
        Assert.Equal(payload, CovertCode.Read(cells));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 15, 0, TimeSpan.Zero), CovertCode.Read(cells)!.Minute);

        // Twelve data cells read with the wrong sign (scattered): the Viterbi decoder still recovers the payload.
        var random = new Random(3);
        foreach (var index in Enumerable.Range(0, CovertCode.CodedBits).OrderBy(_ => random.Next()).Take(12))
        {
            cells[CovertCode.DataCell[index]] *= -0.5;
        }

        Assert.Equal(payload, CovertCode.Read(cells));

        // Noise decodes to something whose CRC does not match.
        var noise = Enumerable.Range(0, CovertCode.Cells).Select(_ => random.NextDouble() - 0.5).ToArray();
        Assert.Null(CovertCode.Read(noise));
    }

    [Fact]
    public void A_payload_outside_what_the_mark_carries_is_refused()
    {
        var now = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => CovertPayload.For(CovertPayload.MaxUserId + 1, now, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CovertPayload.For(1, now, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => CovertPayload.For(1, new DateTimeOffset(2023, 12, 31, 0, 0, 0, TimeSpan.Zero), 1));
        Assert.Equal(CovertPayload.MaxUserId, CovertPayload.For(CovertPayload.MaxUserId, now, 255).UserId);
    }

    [Theory]
    [InlineData("served")]
    [InlineData("crop")]
    [InlineData("half")]
    [InlineData("jpeg50")]
    [InlineData("screenshot")]
    public void A_leaked_copy_names_the_viewer_the_minute_and_the_node(string leak)
    {
        var identity = new WatermarkIdentity(90_210, "zhangsan", "张三", "青浦分局刑侦支队", "10.31.2.77", new DateTimeOffset(2026, 11, 27, 2, 30, 0, TimeSpan.Zero), 12, "青浦区");
        using var tile = _renderer.Tile(identity, new WatermarkStyle(), Shanghai);
        var served = WatermarkRenderer.WatermarkJpeg(Scene(640, 360, seed: 11), tile);
        using var marked = WatermarkRenderer.DecodeOpaque(served);
        var leaked = leak switch
        {
            "served" => served,
            "crop" => Encode(Crop(marked, 250, 140, 320, 180), SKEncodedImageFormat.Png, 100),
            "half" => Encode(marked.Resize(new SKImageInfo(320, 180), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)), SKEncodedImageFormat.Png, 100),
            "jpeg50" => Encode(marked, SKEncodedImageFormat.Jpeg, 50),
            _ => Encode(OnScreen(marked, 123, 77), SKEncodedImageFormat.Png, 100),
        };

        var result = CovertDecoder.Decode(leaked);

        Assert.NotNull(result);
        Assert.Equal(CovertPayload.For(90_210, identity.Time, 12), result.Payload);
        Assert.True(result.Confidence >= 8, $"confidence {result.Confidence}");
        Assert.InRange(result.CellSize, leak == "half" ? 3.9 : 7.9, leak == "half" ? 4.1 : 8.1);
    }

    [Fact]
    public void Pictures_without_a_mark_decode_to_nothing_and_a_non_image_is_refused()
    {
        for (var seed = 0; seed < 6; seed++)
        {
            Assert.Null(CovertDecoder.Decode(Scene(640, 360, seed)));
        }

        // The visible mark alone (covert switched off) is not taken for a covert one.
        var identity = new WatermarkIdentity(5, "li", "李四", "青浦分局", "10.0.0.1", new DateTimeOffset(2026, 11, 27, 2, 30, 0, TimeSpan.Zero), 1, "青浦区");
        using var visibleOnly = _renderer.Tile(identity, new WatermarkStyle { CovertEnabled = false }, Shanghai);
        Assert.Null(CovertDecoder.Decode(WatermarkRenderer.WatermarkJpeg(Scene(640, 360, 1), visibleOnly)));

        Assert.Throws<WatermarkImageException>(() => CovertDecoder.Decode("not an image"u8.ToArray()));
    }

    [Fact]
    public void The_tile_repeats_whole_covert_tiles_and_its_text_follows_the_template()
    {
        var identity = new WatermarkIdentity(5, "li", "李四", "青浦分局", "10.0.0.1", new DateTimeOffset(2026, 11, 27, 2, 30, 0, TimeSpan.Zero), 1, "青浦区");
        var style = new WatermarkStyle { Template = "{name}/{username}/{unit}/{address}/{time}/{node}", CovertCellSize = 10 };
        Assert.Equal("李四/li/青浦分局/10.0.0.1/2026-11-27 10:30/青浦区", style.Text(identity, Shanghai));
        using var tile = _renderer.Tile(identity, style, Shanghai);
        Assert.Equal(0, tile.Bitmap.Width % (CovertCode.Grid * 10));
        Assert.Equal(0, tile.Bitmap.Height % (CovertCode.Grid * 10));

        // Some pixels carry the text at its opacity, all the others only the faint dots.
        var alphas = Enumerable.Range(0, tile.Bitmap.Height).SelectMany(y => Enumerable.Range(0, tile.Bitmap.Width).Select(x => tile.Bitmap.GetPixel(x, y).Alpha)).ToList();
        Assert.Contains(alphas, a => a > 60);
        Assert.True(alphas.Count(a => a <= Math.Round(style.CovertStrength * 255) + 1) > alphas.Count * 0.8);
    }

    [Fact]
    public void Burnt_in_the_dots_are_stronger_over_texture_and_a_quarter_of_grass_still_names_the_viewer()
    {
        // Left half flat grey, right half busy: random grey levels (±70) in blocks of 4 px, like grass seen from afar.
        var random = new Random(5);
        var (block, amplitude) = (4, 140);
        var blades = Enumerable.Range(0, ((640 / block) + 1) * ((360 / block) + 1)).Select(_ => random.NextDouble() - 0.5).ToArray();
        using var picture = new SKBitmap(new SKImageInfo(640, 360, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = new byte[640 * 360 * 4];
        for (var i = 0; i < 640 * 360; i++)
        {
            var (x, y) = (i % 640, i / 640);
            var v = (byte)(x < 320 ? 128 : Math.Clamp(110 + (blades[((y / block) * ((640 / block) + 1)) + (x / block)] * amplitude), 0, 255));
            (pixels[i * 4], pixels[(i * 4) + 1], pixels[(i * 4) + 2], pixels[(i * 4) + 3]) = (v, (byte)Math.Min(255, v + 20), v, 255);
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, picture.GetPixels(), pixels.Length);
        using var original = picture.Copy();
        var identity = new WatermarkIdentity(7_007, "wangwu", "王五", "青浦分局治安支队", "10.31.9.9", new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), 3, "青浦区");
        using var tile = _renderer.Tile(identity, new WatermarkStyle { Template = " ", Opacity = 0 }, Shanghai);
        using var plain = picture.Copy();
        WatermarkRenderer.Apply(plain, tile, textureGain: 1);
        WatermarkRenderer.Apply(picture, tile);

        // The mean change the dots make, per half (rows away from the borders).
        double Change(int from, int to) => Enumerable.Range(40, 280).SelectMany(y => Enumerable.Range(from, to - from).Select(x => Math.Abs(picture.GetPixel(x, y).Green - original.GetPixel(x, y).Green))).Average();
        var (flat, busy) = (Change(16, 304), Change(336, 624));
        Assert.InRange(busy / flat, 1.7, 2.3);

        // A quarter of the frame from the busy half, re-encoded as a JPEG, decodes to the viewer; with the dots at the
        // configured strength everywhere, it does not.
        var leaked = Encode(Crop(picture, 320, 90, 320, 180), SKEncodedImageFormat.Jpeg, 90);
        Assert.Equal(CovertPayload.For(7_007, identity.Time, 3), CovertDecoder.Decode(leaked)?.Payload);
        Assert.Null(CovertDecoder.Decode(Encode(Crop(plain, 320, 90, 320, 180), SKEncodedImageFormat.Jpeg, 90)));
    }

    [Fact]
    public void A_style_with_bad_values_names_each_field()
    {
        Assert.Empty(new WatermarkStyle().Problems());
        var problems = new WatermarkStyle { Template = "{name} {password}", FontSize = 5, Colour = "red", Opacity = 2, Angle = 120, Density = 0, CovertStrength = 0.5, CovertCellSize = 30 }.Problems();
        Assert.Equal(
            [("Template", "watermark.placeholder"), ("FontSize", "field.range"), ("Colour", "watermark.colour"), ("Opacity", "field.range"), ("Angle", "field.range"), ("Density", "field.range"), ("CovertStrength", "field.range"), ("CovertCellSize", "field.range")],
            problems);
        Assert.Equal([("Template", "watermark.template")], new WatermarkStyle { Template = " " }.Problems());
    }

    public void Dispose() => _renderer.Dispose();

    /// <summary>A photo-like picture: sky and ground gradients, buildings with windows, texture noise.</summary>
    internal static byte[] Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var sky = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height), [new SKColor(120, 160, 210), new SKColor(90, 100, 95), new SKColor(40, 70, 40)], [0, 0.5f, 1], SKShaderTileMode.Clamp);
            using var skyPaint = new SKPaint { Shader = sky };
            canvas.DrawRect(0, 0, width, height, skyPaint);
            for (var i = 0; i < 14; i++)
            {
                using var paint = new SKPaint { Color = new SKColor((byte)random.Next(60, 230), (byte)random.Next(60, 230), (byte)random.Next(60, 230)) };
                var (x, w, h) = (random.Next(-50, width), random.Next(40, 160), random.Next(60, 220));
                canvas.DrawRect(x, (height * 0.65f) - h, w, h, paint);
                using var window = new SKPaint { Color = new SKColor(30, 40, 60) };
                for (var wy = (height * 0.65f) - h + 8; wy < (height * 0.65f) - 12; wy += 18)
                {
                    for (var wx = x + 6; wx < x + w - 10; wx += 16)
                    {
                        canvas.DrawRect(wx, wy, 8, 10, window);
                    }
                }
            }
        }

        var pixels = bitmap.GetPixelSpan().ToArray();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var grain = random.Next(-6, 7);
            for (var c = 0; c < 3; c++)
            {
                pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + grain, 0, 255);
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        try
        {
            return WatermarkRenderer.Encode(bitmap, format, quality);
        }
        finally
        {
            bitmap.Dispose();
        }
    }

    private static SKBitmap Crop(SKBitmap image, int x, int y, int width, int height)
    {
        var crop = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(crop);
        using var source = SKImage.FromBitmap(image);
        canvas.DrawImage(source, new SKRect(x, y, x + width, y + height), new SKRect(0, 0, width, height), SKSamplingOptions.Default, null);
        return crop;
    }

    private static SKBitmap OnScreen(SKBitmap image, int x, int y)
    {
        var screen = new SKBitmap(new SKImageInfo(image.Width + 400, image.Height + 250, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(screen);
        canvas.Clear(new SKColor(240, 242, 245));
        using var source = SKImage.FromBitmap(image);
        canvas.DrawImage(source, x, y, SKSamplingOptions.Default, null);
        return screen;
    }
}

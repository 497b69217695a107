using CityEye.Watermark;
using SkiaSharp;

namespace CityEye.Bench;

/// <summary>How a marked image leaks: each returns the leaked file's bytes.</summary>
internal static class Distortions
{
    /// <summary>A lossless screenshot of a screen showing the image 1:1 among other things.</summary>
    public static byte[] Screenshot(SKBitmap image, Random random)
    {
        using var screen = new SKBitmap(image.Width + 300, image.Height + 200);
        using (var canvas = new SKCanvas(screen))
        {
            canvas.Clear(new SKColor(0xF0, 0xF2, 0xF5));
            using var bar = new SKPaint { Color = new SKColor(0x30, 0x41, 0x56) };
            canvas.DrawRect(0, 0, screen.Width, 48, bar);
            using var source = SKImage.FromBitmap(image);
            canvas.DrawImage(source, random.Next(40, 260), random.Next(60, 180), SKSamplingOptions.Default, null);
        }

        return WatermarkRenderer.Encode(screen, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>A crop of a quarter of the frame (half the width and half the height) anywhere in it.</summary>
    public static byte[] Crop(SKBitmap image, Random random)
    {
        var (w, h) = (image.Width / 2, image.Height / 2);
        var (x, y) = (random.Next(0, image.Width - w + 1), random.Next(0, image.Height - h + 1));
        using var crop = new SKBitmap(w, h);
        image.ExtractSubset(crop, SKRectI.Create(x, y, w, h));
        using var copy = crop.Copy();
        return WatermarkRenderer.Encode(copy, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>A copy scaled to 50 % (as an image viewer or a chat app would), saved as PNG.</summary>
    public static byte[] Half(SKBitmap image, Random random)
    {
        using var half = image.Resize(new SKImageInfo(image.Width / 2, image.Height / 2), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return WatermarkRenderer.Encode(half, SKEncodedImageFormat.Png, 100);
    }

    public static byte[] Jpeg50(SKBitmap image, Random random) => WatermarkRenderer.Encode(image, SKEncodedImageFormat.Jpeg, 50);

    /// <summary>
    /// A phone's photo of a screen showing the image: the screen's pixel grid (moiré), the camera's perspective (each
    /// corner moved up to 3 % of the side), a scale of 0.8 to 1.3, blur, a different exposure, sensor noise and the
    /// phone's JPEG at quality 85.
    /// </summary>
    public static byte[] Phone(SKBitmap image, Random random)
    {
        var (w, h) = (image.Width, image.Height);
        var scale = 0.8f + (float)(random.NextDouble() * 0.5);
        var (ow, oh) = ((int)(w * scale) + 80, (int)(h * scale) + 80);
        SKPoint Jitter(float x, float y) => new(40 + (x * scale) + (float)((random.NextDouble() - 0.5) * 0.06 * w * scale), 40 + (y * scale) + (float)((random.NextDouble() - 0.5) * 0.06 * h * scale));
        var corners = new[] { Jitter(0, 0), Jitter(w, 0), Jitter(w, h), Jitter(0, h) };
        using var photo = new SKBitmap(ow, oh);
        using (var canvas = new SKCanvas(photo))
        {
            canvas.Clear(new SKColor(20, 20, 24));
            canvas.SetMatrix(Perspective(new SKRect(0, 0, w, h), corners));
            using var blur = SKImageFilter.CreateBlur(0.6f + (float)random.NextDouble() * 0.5f, 0.6f + (float)random.NextDouble() * 0.5f);
            using var paint = new SKPaint { ImageFilter = blur };
            using var source = SKImage.FromBitmap(image);
            canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        // Moiré from the screen's sub-pixel grid beating with the sensor, exposure and noise.
        var period = 3.2 + random.NextDouble() * 2;
        var tilt = (random.NextDouble() - 0.5) * 0.4;
        var gain = 0.85 + random.NextDouble() * 0.3;
        var offset = (random.NextDouble() - 0.5) * 20;
        var pixels = photo.GetPixelSpan().ToArray();
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var moire = 4 * Math.Sin(2 * Math.PI * ((x * Math.Cos(tilt)) + (y * Math.Sin(tilt))) / period);
                var noise = Gaussian(random) * 3;
                var p = ((y * ow) + x) * 4;
                for (var c = 0; c < 3; c++)
                {
                    pixels[p + c] = (byte)Math.Clamp((pixels[p + c] * gain) + offset + moire + noise, 0, 255);
                }
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, photo.GetPixels(), pixels.Length);
        return WatermarkRenderer.Encode(photo, SKEncodedImageFormat.Jpeg, 85);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The projective matrix taking the rectangle's corners to the four points (clockwise from top-left).</summary>
    private static SKMatrix Perspective(SKRect from, SKPoint[] to)
    {
        // Solve the 8 unknowns of the homography from the rectangle's corners.
        var source = new[] { new SKPoint(from.Left, from.Top), new SKPoint(from.Right, from.Top), new SKPoint(from.Right, from.Bottom), new SKPoint(from.Left, from.Bottom) };
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            var (x, y, u, v) = ((double)source[i].X, (double)source[i].Y, (double)to[i].X, (double)to[i].Y);
            double[] r1 = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] r2 = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (var j = 0; j < 9; j++)
            {
                a[2 * i, j] = r1[j];
                a[(2 * i) + 1, j] = r2[j];
            }
        }

        for (var col = 0; col < 8; col++)
        {
            var pivot = Enumerable.Range(col, 8 - col).MaxBy(r => Math.Abs(a[r, col]));
            for (var j = 0; j < 9; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            for (var r = 0; r < 8; r++)
            {
                if (r == col)
                {
                    continue;
                }

                var f = a[r, col] / a[col, col];
                for (var j = col; j < 9; j++)
                {
                    a[r, j] -= f * a[col, j];
                }
            }
        }

        var h = Enumerable.Range(0, 8).Select(i => (float)(a[i, 8] / a[i, i])).ToArray();
        return new SKMatrix(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1);
    }
}

using CityEye.Core.Captures;
using SkiaSharp;

namespace CityEye.Vision;

/// <summary>Decoding, orientation, cropping and re-encoding with SkiaSharp (MIT).</summary>
public static class Images
{
    /// <summary>Decodes a JPEG or PNG upright (EXIF orientation applied); throws <see cref="UnusableImageException"/>.</summary>
    public static SKBitmap Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new UnusableImageException("Not an image SkiaSharp can read.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new UnusableImageException($"The image cannot be decoded ({result}).");
        }

        return Orient(bitmap, codec.EncodedOrigin);
    }

    /// <summary>The part of the image inside the box (clamped to the image), at least 1×1.</summary>
    public static SKBitmap Crop(SKBitmap image, CaptureBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(box);
        var rect = Clamp(image, box);
        var crop = new SKBitmap(new SKImageInfo(rect.Width, rect.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(crop);
        using var source = SKImage.FromBitmap(image);
        canvas.DrawImage(source, rect, new SKRect(0, 0, rect.Width, rect.Height), new SKSamplingOptions(SKFilterMode.Linear), null);
        return crop;
    }

    /// <summary>The box clamped to the image.</summary>
    public static SKRectI Clamp(SKBitmap image, CaptureBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(box);
        var left = Math.Clamp(box.X, 0, image.Width - 1);
        var top = Math.Clamp(box.Y, 0, image.Height - 1);
        var right = Math.Clamp(box.X + box.Width, left + 1, image.Width);
        var bottom = Math.Clamp(box.Y + box.Height, top + 1, image.Height);
        return new SKRectI(left, top, right, bottom);
    }

    /// <summary>A copy scaled to exactly <paramref name="width"/> × <paramref name="height"/> (aspect not kept).</summary>
    public static SKBitmap Resize(SKBitmap image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new UnusableImageException("The image cannot be resized.");
    }

    /// <summary>The image as JPEG, shrunk so its longer side is at most <paramref name="maxSide"/>; with the scale applied.</summary>
    public static (byte[] Jpeg, double Scale) EncodeJpeg(SKBitmap image, int maxSide, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(image.Width, image.Height));
        using var scaled = scale < 1.0 ? Resize(image, Math.Max(1, (int)(image.Width * scale)), Math.Max(1, (int)(image.Height * scale))) : null;
        using var encoded = (scaled ?? image).Encode(SKEncodedImageFormat.Jpeg, quality);
        return (encoded.ToArray(), scale);
    }

    /// <summary>Applies the rotations cameras and phones write (90°, 180°, 270°); mirrored origins are left as decoded.</summary>
    private static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is not (SKEncodedOrigin.RightTop or SKEncodedOrigin.BottomRight or SKEncodedOrigin.LeftBottom))
        {
            return bitmap;
        }

        var quarter = origin != SKEncodedOrigin.BottomRight;
        var oriented = new SKBitmap(new SKImageInfo(quarter ? bitmap.Height : bitmap.Width, quarter ? bitmap.Width : bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(oriented))
        {
            switch (origin)
            {
                case SKEncodedOrigin.RightTop:
                    canvas.Translate(oriented.Width, 0);
                    canvas.RotateDegrees(90);
                    break;
                case SKEncodedOrigin.BottomRight:
                    canvas.Translate(oriented.Width, oriented.Height);
                    canvas.RotateDegrees(180);
                    break;
                default:
                    canvas.Translate(0, oriented.Height);
                    canvas.RotateDegrees(270);
                    break;
            }

            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), null);
        }

        bitmap.Dispose();
        return oriented;
    }
}

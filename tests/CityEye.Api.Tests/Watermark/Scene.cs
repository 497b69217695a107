using SkiaSharp;

namespace CityEye.Api.Tests.Watermark;

/// <summary>A picture that never carried a watermark: gradients, blocks and grain.</summary>
internal static class Scene
{
    public static byte[] Png(int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(640, 360, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, 360), [new SKColor(110, 150, 200), new SKColor(60, 80, 60)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, 640, 360, paint);
            for (var i = 0; i < 20; i++)
            {
                using var block = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) };
                canvas.DrawRect(random.Next(640), random.Next(360), random.Next(20, 120), random.Next(20, 120), block);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}

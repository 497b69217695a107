using CityEye.Core.Captures;
using CityEye.Vision;
using SkiaSharp;

namespace CityEye.Api.Demo;

/// <summary>
/// Images of the demo captures: variants of a real target as different cameras would see it (scale, light, mirror,
/// slight roll), rendered pedestrians for scale, and scene pictures that place a rendered target in a street.
/// </summary>
internal static class DemoImaging
{
    /// <summary>
    /// The target inside <paramref name="box"/> (with <paramref name="margin"/> of its size around it) as camera
    /// <paramref name="variant"/> sees it: variant 0 is the plain crop; the others change resolution, exposure,
    /// mirror and roll.
    /// </summary>
    public static byte[] Variant(SKBitmap source, CaptureBox box, double margin, int variant, Random random)
    {
        var mx = (int)(box.Width * margin);
        var my = (int)(box.Height * margin);
        using var crop = Images.Crop(source, new CaptureBox(box.X - mx, box.Y - my, box.Width + (2 * mx), box.Height + (2 * my)));
        if (variant == 0)
        {
            return Jpeg(crop, 92);
        }

        var scale = 0.45 + (random.NextDouble() * 0.55);
        var gain = 0.65 + (random.NextDouble() * 0.6);
        var mirror = random.Next(2) == 0;
        var roll = (random.NextDouble() - 0.5) * 10;
        using var small = Images.Resize(crop, Math.Max(8, (int)(crop.Width * scale)), Math.Max(8, (int)(crop.Height * scale)));
        var output = new SKBitmap(new SKImageInfo(crop.Width, crop.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(output))
        {
            canvas.Clear(SKColors.Gray);
            canvas.Translate(crop.Width / 2f, crop.Height / 2f);
            canvas.RotateDegrees((float)roll);
            canvas.Scale(mirror ? -1.08f : 1.08f, 1.08f);
            canvas.Translate(-crop.Width / 2f, -crop.Height / 2f);
            var g = (float)gain;
            using var paint = new SKPaint
            {
                ColorFilter = SKColorFilter.CreateColorMatrix(
                [
                    g, 0, 0, 0, 0,
                    0, g, 0, 0, 0,
                    0, 0, g, 0, 0,
                    0, 0, 0, 1, 0,
                ]),
            };
            using var image = SKImage.FromBitmap(small);
            canvas.DrawImage(image, new SKRect(0, 0, crop.Width, crop.Height), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using (output)
        {
            return Jpeg(output, 60 + random.Next(30));
        }
    }

    /// <summary>A pedestrian 80 × 200 px seen by a street camera: skin, hair, clothing colours, optional hat and backpack.</summary>
    public static SKBitmap Pedestrian(PedestrianLook look, int variant, Random random)
    {
        const int width = 80;
        const int height = 200;
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        var ground = (byte)(150 + random.Next(60));
        canvas.Clear(new SKColor(ground, ground, (byte)(ground - 10)));
        var light = 0.75f + ((float)random.NextDouble() * 0.45f);
        using var paint = new SKPaint { IsAntialias = true };
        SKColor Lit(SKColor c) => new((byte)Math.Min(255, c.Red * light), (byte)Math.Min(255, c.Green * light), (byte)Math.Min(255, c.Blue * light));
        var sway = (variant % 3) - 1;

        // Legs, torso (upper clothing), arms (sleeves), head, hair, hat, backpack.
        paint.Color = Lit(Colour(look.Lower));
        canvas.DrawRect(new SKRect(24 + sway, 112, 38 + sway, 192), paint);
        canvas.DrawRect(new SKRect(42 - sway, 112, 56 - sway, 192), paint);
        paint.Color = Lit(new SKColor(40, 40, 40));
        canvas.DrawRect(new SKRect(22 + sway, 188, 40 + sway, 196), paint);
        canvas.DrawRect(new SKRect(40 - sway, 188, 58 - sway, 196), paint);
        if (look.Backpack)
        {
            paint.Color = Lit(new SKColor(60, 50, 45));
            canvas.DrawRoundRect(new SKRect(14, 52, 66, 104), 8, 8, paint);
        }

        paint.Color = Lit(Colour(look.Upper));
        canvas.DrawRoundRect(new SKRect(20, 46, 60, 116), 8, 8, paint);
        var skin = Lit(look.Skin);
        paint.Color = Lit(Colour(look.Upper));
        canvas.DrawRect(new SKRect(10, 50, 20, look.LongSleeves ? 108 : 76), paint);
        canvas.DrawRect(new SKRect(60, 50, 70, look.LongSleeves ? 108 : 76), paint);
        paint.Color = skin;
        canvas.DrawRect(new SKRect(10, look.LongSleeves ? 108 : 76, 20, 114), paint);
        canvas.DrawRect(new SKRect(60, look.LongSleeves ? 108 : 76, 70, 114), paint);
        canvas.DrawOval(new SKRect(28, 14, 52, 44), paint);
        paint.Color = Lit(new SKColor(25, 20, 20));
        canvas.DrawArc(new SKRect(27, 12, 53, 36), 180, 180, true, paint);
        if (look.Hat)
        {
            paint.Color = Lit(Colour(look.HatColour));
            canvas.DrawRect(new SKRect(24, 10, 56, 20), paint);
            canvas.DrawRect(new SKRect(30, 4, 50, 12), paint);
        }

        return bitmap;
    }

    /// <summary>A street scene 640 × 360 with the target standing at a spot of the picture; the target's box in it.</summary>
    public static (byte[] Jpeg, CaptureBox Box) Scene(SKBitmap target, int seed, bool road)
    {
        var random = new Random(seed);
        using var scene = new SKBitmap(new SKImageInfo(640, 360, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scene))
        {
            canvas.Clear(new SKColor(170, 185, 200));
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 6; i++)
            {
                var shade = (byte)(120 + random.Next(80));
                paint.Color = new SKColor(shade, (byte)(shade - 10), (byte)(shade - 25));
                var x = i * 110 + random.Next(20);
                canvas.DrawRect(new SKRect(x, 20 + random.Next(60), x + 100, 180), paint);
            }

            paint.Color = road ? new SKColor(85, 85, 90) : new SKColor(160, 150, 140);
            canvas.DrawRect(new SKRect(0, 180, 640, 360), paint);
            paint.Color = SKColors.WhiteSmoke;
            for (var x = 0; x < 640; x += 80)
            {
                canvas.DrawRect(new SKRect(x, road ? 268 : 182, x + 40, road ? 274 : 186), paint);
            }

            var height = road ? 170 : 150;
            var width = Math.Max(1, target.Width * height / Math.Max(1, target.Height));
            var left = 60 + random.Next(Math.Max(1, 640 - width - 120));
            var top = 350 - height;
            using var image = SKImage.FromBitmap(target);
            canvas.DrawImage(image, new SKRect(left, top, left + width, top + height), new SKSamplingOptions(SKFilterMode.Linear));
            return (Jpeg(scene, 80), new CaptureBox(left, top, width, height));
        }
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static SKColor Colour(string name) => name switch
    {
        "black" => new SKColor(30, 30, 32),
        "white" => new SKColor(235, 235, 235),
        "grey" => new SKColor(128, 128, 128),
        "red" => new SKColor(200, 30, 35),
        "orange" => new SKColor(240, 130, 30),
        "yellow" => new SKColor(235, 210, 40),
        "green" => new SKColor(40, 150, 60),
        "blue" => new SKColor(35, 70, 180),
        "purple" => new SKColor(120, 50, 150),
        "brown" => new SKColor(120, 80, 45),
        "pink" => new SKColor(240, 150, 180),
        _ => new SKColor(170, 170, 175),
    };
}

/// <summary>What a rendered pedestrian wears.</summary>
internal sealed record PedestrianLook(string Upper, string Lower, bool LongSleeves, bool Backpack, bool Hat, string HatColour, SKColor Skin, string Gender)
{
    private static readonly string[] Clothing = ["black", "white", "grey", "red", "blue", "green", "yellow", "brown", "pink", "purple", "orange"];

    public static PedestrianLook Random(Random random)
    {
        var tone = 150 + random.Next(80);
        return new PedestrianLook(
            Clothing[random.Next(Clothing.Length)],
            Clothing[random.Next(5)],
            random.Next(2) == 0,
            random.Next(4) == 0,
            random.Next(5) == 0,
            Clothing[random.Next(Clothing.Length)],
            new SKColor((byte)tone, (byte)(tone * 0.8), (byte)(tone * 0.65)),
            random.Next(2) == 0 ? "male" : "female");
    }

    public CaptureAttributes Attributes => new()
    {
        Gender = Gender,
        UpperColour = Upper,
        LowerColour = Lower,
        SleeveLength = LongSleeves ? "long" : "short",
        Backpack = Backpack ? "yes" : "no",
        Hat = Hat ? "yes" : "no",
    };
}

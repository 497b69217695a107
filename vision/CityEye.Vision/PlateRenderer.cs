using System.Globalization;
using CityEye.Core.Captures;
using SkiaSharp;

namespace CityEye.Vision;

/// <summary>How strongly the simulated camera of <see cref="PlateRenderer"/> degrades an image; what a benchmark groups its figures by.</summary>
public enum DegradationLevel
{
    /// <summary>A sharp, frontal, well-lit plate of 200–300 px, no noise, no recompression (the reference).</summary>
    None,

    /// <summary>A good roadside camera: 140–300 px, slight tilt, light blur and noise, JPEG 70–90.</summary>
    Light,

    /// <summary>100–200 px, tilt and skew, blur, sometimes motion blur, dim or bright light, JPEG 50–80.</summary>
    Moderate,

    /// <summary>80–130 px, strong skew, blur and motion blur, night (dark and noisy) or overexposure, JPEG 30–55.</summary>
    Heavy,
}

/// <summary>Which end of a vehicle the camera sees.</summary>
public enum VehicleView
{
    Front,
    Rear,
}

/// <summary>
/// The camera between a rendered scene and its image, applied in this order: projection (scale, roll, yaw and pitch
/// skew), motion blur, optical (gaussian) blur, exposure (gain, contrast, a shadow across the scene, a slight colour
/// cast), sensor noise and JPEG recompression. <see cref="Sample"/> draws one at random for a level.
/// </summary>
public sealed record PlateDegradation
{
    /// <summary>The level this degradation was drawn for (a label; the other properties do the work).</summary>
    public DegradationLevel Level { get; init; }

    /// <summary>Width of the plate in the image, in pixels (80–300 for roadside cameras).</summary>
    public int PlateWidth { get; init; } = 240;

    /// <summary>Camera roll in degrees, clockwise.</summary>
    public double Rotation { get; init; }

    /// <summary>Horizontal perspective: the fraction by which the right side (left when negative) is shorter.</summary>
    public double Yaw { get; init; }

    /// <summary>Vertical perspective: the fraction by which the top edge is shorter (camera above the plate).</summary>
    public double Pitch { get; init; }

    /// <summary>Gaussian blur sigma in pixels.</summary>
    public double Blur { get; init; }

    /// <summary>Length of the motion blur streak in pixels (0: none).</summary>
    public double MotionBlur { get; init; }

    /// <summary>Direction of the motion blur in degrees (0: horizontal, 90: vertical).</summary>
    public double MotionAngle { get; init; }

    /// <summary>Sensor noise, standard deviation in 8-bit levels.</summary>
    public double Noise { get; init; }

    /// <summary>Exposure gain: below 1 dim or night, above 1 overexposed (clipped highlights).</summary>
    public double Gain { get; init; } = 1;

    /// <summary>Contrast around mid-grey: below 1 flat (haze, night, glare).</summary>
    public double Contrast { get; init; } = 1;

    /// <summary>Darkening across the image from one side, 0–1 (a shadow or uneven light).</summary>
    public double Shadow { get; init; }

    /// <summary>JPEG quality of the recompression, 1–100; 0: none.</summary>
    public int JpegQuality { get; init; }

    /// <summary>No degradation: a 240 px plate, frontal, sharp, clean.</summary>
    public static PlateDegradation None { get; } = new();

    /// <summary>A random camera of the level (deterministic for the generator's state).</summary>
    public static PlateDegradation Sample(DegradationLevel level, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double Uniform(double low, double high) => low + (rng.NextDouble() * (high - low));
        double Signed(double magnitude) => Uniform(-magnitude, magnitude);
        switch (level)
        {
            case DegradationLevel.None:
                return new PlateDegradation { Level = level, PlateWidth = (int)Uniform(200, 300) };
            case DegradationLevel.Light:
                return new PlateDegradation
                {
                    Level = level,
                    PlateWidth = (int)Uniform(140, 300),
                    Rotation = Signed(3),
                    Yaw = Signed(0.1),
                    Pitch = Uniform(0, 0.1),
                    Blur = Uniform(0.3, 0.8),
                    Noise = Uniform(2, 5),
                    Gain = Uniform(0.85, 1.15),
                    Contrast = Uniform(0.85, 1.05),
                    Shadow = Uniform(0, 0.15),
                    JpegQuality = (int)Uniform(70, 91),
                };
            case DegradationLevel.Moderate:
                {
                    var light = rng.NextDouble();
                    return new PlateDegradation
                    {
                        Level = level,
                        PlateWidth = (int)Uniform(100, 200),
                        Rotation = Signed(6),
                        Yaw = Signed(0.2),
                        Pitch = Uniform(0, 0.18),
                        Blur = Uniform(0.6, 1.1),
                        MotionBlur = rng.NextDouble() < 0.4 ? Uniform(1.5, 3.5) : 0,
                        MotionAngle = Uniform(0, 180),
                        Noise = Uniform(4, 10),
                        Gain = light < 0.2 ? Uniform(0.45, 0.7) : light < 0.4 ? Uniform(1.25, 1.5) : Uniform(0.8, 1.2),
                        Contrast = Uniform(0.7, 1.0),
                        Shadow = Uniform(0, 0.35),
                        JpegQuality = (int)Uniform(50, 81),
                    };
                }

            case DegradationLevel.Heavy:
                {
                    var light = rng.NextDouble();
                    var night = light < 0.4;
                    var overexposed = !night && light < 0.7;
                    return new PlateDegradation
                    {
                        Level = level,
                        PlateWidth = (int)Uniform(80, 131),
                        Rotation = Signed(10),
                        Yaw = Signed(0.3),
                        Pitch = Uniform(0, 0.25),
                        Blur = Uniform(0.8, 1.5),
                        MotionBlur = rng.NextDouble() < 0.6 ? Uniform(2, 4.5) : 0,
                        MotionAngle = Uniform(0, 180),
                        Noise = night ? Uniform(8, 14) : Uniform(6, 12),
                        Gain = night ? Uniform(0.35, 0.55) : overexposed ? Uniform(1.5, 2.1) : Uniform(0.8, 1.2),
                        Contrast = night ? Uniform(0.75, 0.95) : overexposed ? Uniform(0.6, 0.85) : Uniform(0.7, 1.0),
                        Shadow = Uniform(0, 0.5),
                        JpegQuality = (int)Uniform(30, 56),
                    };
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown degradation level");
        }
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Level} {PlateWidth}px rot {Rotation:F1}° yaw {Yaw:F2} pitch {Pitch:F2} blur {Blur:F1} motion {MotionBlur:F1}@{MotionAngle:F0}° noise {Noise:F0} gain {Gain:F2} contrast {Contrast:F2} shadow {Shadow:F2} jpeg {(JpegQuality == 0 ? "-" : JpegQuality.ToString(CultureInfo.InvariantCulture))}");
}

/// <summary>
/// A vehicle of <see cref="PlateRenderer.RenderVehicle"/>: body colour (<see cref="CaptureVocabulary.Colours"/>),
/// type (<see cref="CaptureVocabulary.VehicleTypes"/> except motorcycle and tricycle, whose plates have two rows) and
/// the end the camera sees.
/// </summary>
public sealed record VehicleLook(string BodyColour, string Type, VehicleView View)
{
    /// <summary>The types <see cref="PlateRenderer.RenderVehicle"/> draws.</summary>
    public static IReadOnlyList<string> DrawnTypes { get; } = ["car", "suv", "mpv", "van", "bus", "truck"];

    /// <summary>A random vehicle that plausibly carries a plate of this colour (yellow: mostly buses and trucks).</summary>
    public static VehicleLook Random(Random rng, string plateColour)
    {
        ArgumentNullException.ThrowIfNull(rng);
        string[] types = plateColour switch
        {
            "yellow" => ["bus", "truck", "truck", "van", "car"],
            "yellowGreen" => ["bus", "bus", "truck", "van"],
            "white" => ["car", "suv", "suv", "van", "mpv"],
            _ => ["car", "car", "car", "suv", "suv", "mpv", "van"],
        };
        var colour = CaptureVocabulary.Colours[rng.Next(CaptureVocabulary.Colours.Count)];
        return new VehicleLook(colour, types[rng.Next(types.Length)], rng.Next(2) == 0 ? VehicleView.Front : VehicleView.Rear);
    }
}

/// <summary>
/// Renders Chinese licence plates (GA 36-2018 layouts) as a roadside camera sees them, alone (a plate crop, as a
/// detector would cut it) or on a simple vehicle front or rear, for benchmarks and demo data. Characters are drawn
/// with Noto Sans CJK SC Bold (Debian's <c>fonts-noto-cjk</c>, SIL Open Font License 1.1), each fitted to its
/// 45 × 90 mm cell. Plate colours are those of <see cref="CaptureVocabulary.PlateColours"/>: blue (white text),
/// yellow and white (black text; a final 警 in red), black (white text), 440 × 140 mm with 7 characters; green
/// (gradient, black text) and yellowGreen (yellow province part, green serial part), 480 × 140 mm with 8 characters.
/// Everything random comes from the seed, so a seed renders the same image every time.
/// </summary>
public static class PlateRenderer
{
    /// <summary>Where Debian's fonts-noto-cjk puts the bold Sans collection.</summary>
    public const string FontFile = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

    private const string Letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    private const float PlateHeight = 140;
    private const float CharacterTop = 25;
    private const float CharacterHeight = 90;

    private static readonly Lazy<SKTypeface> Typeface = new(LoadTypeface);
    private static readonly float[] NewEnergyStops = [0f, 0.35f, 1f];
    private static readonly float[] GlassStops = [0f, 0.6f, 1f];
    private static readonly float[] RivetStops = [0f, 0.55f, 0.85f, 1f];
    private static readonly float[] BlobStops = [0f, 1f];

    private static readonly Layout Standard = new(440, 45, [15.5f, 72.5f, 151.5f, 208.5f, 265.5f, 322.5f, 379.5f], 134.5f, 10);
    private static readonly Layout NewEnergy = new(480, 43, [16.5f, 68.5f, 160.5f, 212.5f, 264.5f, 316.5f, 368.5f, 420.5f], 136f, 8);

    /// <summary>The plate's width in millimetres: 480 for the 8-character new-energy plates, else 440.</summary>
    public static int PlateWidthMillimetres(string colour) => (int)LayoutOf(colour).Width;

    /// <summary>How many characters a number of this plate colour has: 8 for green and yellowGreen, else 7.</summary>
    public static int CharacterCount(string colour) => LayoutOf(colour).X.Length;

    /// <summary>
    /// A valid random number for a plate of this colour: a province of <see cref="PlateReader.Provinces"/> (or
    /// <paramref name="province"/>), a city letter (no I or O), then blue/yellow/black: 5 letters or digits (at most
    /// two letters; yellow sometimes a coach plate ending in 学, black sometimes 粤Z…港/澳); white (police): 4 digits
    /// and 警; green (small new energy): D or F, a letter or digit, 4 digits; yellowGreen (large new energy): 5 digits
    /// and D or F.
    /// </summary>
    public static string RandomNumber(Random rng, string colour, char? province = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckColour(colour);
        var head = province ?? PlateReader.Provinces[rng.Next(PlateReader.Provinces.Length)];
        if (!PlateReader.Provinces.Contains(head, StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(province), province, "Not a province of PlateReader.Provinces");
        }

        char Letter() => Letters[rng.Next(Letters.Length)];
        char Digit() => Digits[rng.Next(Digits.Length)];
        string DigitRun(int count) => new([.. Enumerable.Range(0, count).Select(_ => Digit())]);
        var city = Letter();
        switch (colour)
        {
            case "white":
                return $"{head}{city}{DigitRun(4)}警";
            case "green":
                return $"{head}{city}{(rng.Next(2) == 0 ? 'D' : 'F')}{(rng.Next(3) == 0 ? Letter() : Digit())}{DigitRun(4)}";
            case "yellowGreen":
                return $"{head}{city}{DigitRun(5)}{(rng.Next(2) == 0 ? 'D' : 'F')}";
            case "yellow" when rng.Next(10) == 0:
                return $"{head}{city}{DigitRun(4)}学";
            case "black" when head == '粤' && rng.Next(2) == 0:
                return $"粤Z{DigitRun(4)}{(rng.Next(2) == 0 ? '港' : '澳')}";
            default:
                {
                    var serial = DigitRun(5).ToCharArray();
                    var letters = rng.NextDouble() switch { < 0.5 => 0, < 0.85 => 1, _ => 2 };
                    foreach (var position in Enumerable.Range(0, 5).OrderBy(_ => rng.Next()).Take(letters))
                    {
                        serial[position] = Letter();
                    }

                    return $"{head}{city}{new string(serial)}";
                }
        }
    }

    /// <summary>
    /// A plate crop as a detector would cut it from a camera image: the plate (with its rim, optional rivets, a
    /// little dirt) on a bumper or plate holder, a margin around it, through the camera of <paramref name="degradation"/>.
    /// </summary>
    /// <param name="number">The characters, without separator: 7 (8 for green and yellowGreen).</param>
    /// <param name="colour">A plate colour of <see cref="CaptureVocabulary.PlateColours"/>.</param>
    /// <param name="seed">Everything random: margins, background, dirt, rivets, noise.</param>
    /// <param name="degradation">The camera (<see cref="PlateDegradation.None"/> for a clean plate).</param>
    /// <param name="rivets">Rivets on the plate; null: decided by the seed.</param>
    public static SKBitmap Render(string number, string colour, int seed, PlateDegradation degradation, bool? rivets = null)
    {
        ArgumentNullException.ThrowIfNull(degradation);
        var layout = CheckNumber(number, colour, degradation);
        var rng = new Random(seed);
        var scale = (float)degradation.PlateWidth / layout.Width;
        var margins = new SKRect(
            (float)(0.02 + (rng.NextDouble() * 0.08)) * degradation.PlateWidth,
            (float)(0.06 + (rng.NextDouble() * 0.14)) * PlateHeight * scale,
            (float)(0.02 + (rng.NextDouble() * 0.08)) * degradation.PlateWidth,
            (float)(0.06 + (rng.NextDouble() * 0.14)) * PlateHeight * scale);
        var (matrix, width, height) = Projection(new SKSize(layout.Width, PlateHeight), scale, degradation, margins);
        var surround = Palette(CaptureVocabulary.Colours[rng.Next(CaptureVocabulary.Colours.Count)], 0);
        var holder = rng.NextDouble() < 0.5;
        var hasRivets = rivets ?? rng.NextDouble() < 0.6;
        using var scene = NewBitmap(width, height);
        using (var canvas = new SKCanvas(scene))
        {
            canvas.Clear(Shade(surround, 0.8f));
            canvas.SetMatrix(matrix);
            using (var paint = new SKPaint { IsAntialias = true })
            {
                // The bumper around the plate, lit from above, and a plate holder or the recess's shadow.
                using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, -140), new SKPoint(0, 280), [Shade(surround, 1.1f), Shade(surround, 0.6f)], SKShaderTileMode.Clamp)))
                {
                    canvas.DrawRect(new SKRect(-layout.Width * 0.5f, -140, layout.Width * 1.5f, 280), paint);
                }

                paint.Color = holder ? new SKColor(22, 22, 24) : new SKColor(0, 0, 0, 90);
                canvas.DrawRoundRect(new SKRect(-9, -8, layout.Width + 9, PlateHeight + (holder ? 14 : 6)), 12, 12, paint);
            }

            DrawPlate(canvas, number, colour, layout, hasRivets, rng);
        }

        return Develop(scene, degradation, rng);
    }

    /// <summary>
    /// A vehicle crop (front or rear of a car, SUV, MPV, van, bus or truck in the body colour, with windows,
    /// lights, bumper and the plate where it is fitted) on the road, through the camera of <paramref name="degradation"/>
    /// (<see cref="PlateDegradation.PlateWidth"/> is the plate's width in the image, which sets the vehicle's scale).
    /// </summary>
    public static SKBitmap RenderVehicle(string number, string plateColour, VehicleLook vehicle, int seed, PlateDegradation degradation)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(degradation);
        var layout = CheckNumber(number, plateColour, degradation);
        if (!VehicleLook.DrawnTypes.Contains(vehicle.Type, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(vehicle), vehicle.Type, "Vehicle type not drawn (motorcycles and tricycles carry two-row plates): " + string.Join(", ", VehicleLook.DrawnTypes));
        }

        var body = Palette(vehicle.BodyColour, 0);
        var roof = vehicle.BodyColour == "multi" ? Palette(vehicle.BodyColour, 1) : body;
        var rng = new Random(seed);
        var shape = Shape.Of(vehicle.Type);
        var scale = (float)degradation.PlateWidth / layout.Width;
        var pixelsWide = shape.Width * scale;
        var margins = new SKRect(
            (float)(0.03 + (rng.NextDouble() * 0.06)) * pixelsWide,
            (float)(0.03 + (rng.NextDouble() * 0.06)) * pixelsWide,
            (float)(0.03 + (rng.NextDouble() * 0.06)) * pixelsWide,
            (float)(0.02 + (rng.NextDouble() * 0.04)) * pixelsWide);
        var (matrix, width, height) = Projection(new SKSize(shape.Width, shape.Height), scale, degradation, margins);
        var road = (byte)rng.Next(70, 120);
        using var scene = NewBitmap(width, height);
        using (var canvas = new SKCanvas(scene))
        {
            using (var paint = new SKPaint { IsAntialias = true })
            {
                using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height), [new SKColor((byte)(road + 30), (byte)(road + 32), (byte)(road + 35)), new SKColor(road, road, (byte)(road + 2))], SKShaderTileMode.Clamp)))
                {
                    canvas.DrawRect(new SKRect(0, 0, width, height), paint);
                }
            }

            canvas.SetMatrix(matrix);
            DrawVehicle(canvas, shape, vehicle.View, body, roof, number, plateColour, layout, rng);
        }

        return Develop(scene, degradation, rng);
    }

    /// <summary>The plate drawn in millimetres with its top-left corner at the origin.</summary>
    private static void DrawPlate(SKCanvas canvas, string number, string colour, Layout layout, bool rivets, Random rng)
    {
        var (background, ink, rim) = colour switch
        {
            "blue" => (new SKColor(18, 68, 168), new SKColor(248, 248, 248), new SKColor(240, 240, 240)),
            "yellow" => (new SKColor(246, 188, 22), new SKColor(16, 16, 16), new SKColor(20, 20, 20)),
            "black" => (new SKColor(18, 18, 20), new SKColor(246, 246, 246), new SKColor(235, 235, 235)),
            "white" => (new SKColor(244, 244, 240), new SKColor(16, 16, 16), new SKColor(20, 20, 20)),
            _ => (new SKColor(70, 190, 105), new SKColor(14, 14, 14), new SKColor(30, 60, 40)),
        };
        var outline = new SKRect(0, 0, layout.Width, PlateHeight);
        using var paint = new SKPaint { IsAntialias = true };

        // The metal edge, then the background.
        paint.Color = new SKColor(200, 202, 205);
        canvas.DrawRoundRect(outline, 7, 7, paint);
        var face = new SKRect(1.2f, 1.2f, layout.Width - 1.2f, PlateHeight - 1.2f);
        SKColor[] greens = [new SKColor(236, 248, 238), new SKColor(150, 222, 160), new SKColor(38, 172, 88)];
        switch (colour)
        {
            case "green":
                using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, PlateHeight), greens, NewEnergyStops, SKShaderTileMode.Clamp)))
                {
                    canvas.DrawRoundRect(face, 6, 6, paint);
                }

                break;
            case "yellowGreen":
                {
                    using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, PlateHeight), [new SKColor(120, 214, 140), new SKColor(40, 170, 86)], SKShaderTileMode.Clamp)))
                    {
                        canvas.DrawRoundRect(face, 6, 6, paint);
                    }

                    paint.Color = new SKColor(246, 196, 30);
                    canvas.Save();
                    canvas.ClipRect(new SKRect(0, 0, layout.DotX, PlateHeight));
                    canvas.DrawRoundRect(face, 6, 6, paint);
                    canvas.Restore();
                    break;
                }

            default:
                using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, PlateHeight), [Shade(background, 1.06f), Shade(background, 0.94f)], SKShaderTileMode.Clamp)))
                {
                    canvas.DrawRoundRect(face, 6, 6, paint);
                }

                break;
        }

        // The rim line (the new-energy plates have none).
        if (colour is not ("green" or "yellowGreen"))
        {
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = 2.2f;
            paint.Color = rim;
            canvas.DrawRoundRect(new SKRect(4, 4, layout.Width - 4, PlateHeight - 4), 5, 5, paint);
            paint.Style = SKPaintStyle.Fill;
        }

        // Characters, embossed: a faint shadow below and to the right, then the ink.
        using var font = new SKFont(Typeface.Value, 100);
        for (var i = 0; i < number.Length; i++)
        {
            var cell = new SKRect(layout.X[i], CharacterTop, layout.X[i] + layout.CharacterWidth, CharacterTop + CharacterHeight);
            using var path = GlyphPath(font, number[i], cell);
            paint.Color = new SKColor(0, 0, 0, 70);
            canvas.Save();
            canvas.Translate(0.9f, 1.1f);
            canvas.DrawPath(path, paint);
            canvas.Restore();
            paint.Color = i == number.Length - 1 && number[i] == '警' ? new SKColor(214, 22, 28) : ink;
            canvas.DrawPath(path, paint);
            if (number[i] >= '\u2E80')
            {
                // Squeezed to half their width, CJK glyphs lose half their vertical stroke weight: a thin outline gives some back.
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = 1.4f;
                canvas.DrawPath(path, paint);
                paint.Style = SKPaintStyle.Fill;
            }
        }

        // The separator dot.
        paint.Color = ink;
        canvas.DrawCircle(layout.DotX, CharacterTop + (CharacterHeight / 2), layout.DotDiameter / 2, paint);

        if (rivets)
        {
            var capped = rng.NextDouble() < 0.3;
            foreach (var x in (ReadOnlySpan<float>)[layout.Width * 0.205f, layout.Width * 0.795f])
            {
                var centre = new SKPoint(x, 13.5f);
                SKColor[] metal = capped
                    ? [Shade(background, 1.3f), background, Shade(background, 0.7f), new SKColor(40, 40, 40)]
                    : [new SKColor(235, 235, 232), new SKColor(175, 176, 178), new SKColor(110, 110, 112), new SKColor(50, 50, 50)];
                using (Shaded(paint, SKShader.CreateRadialGradient(new SKPoint(x - 1.5f, 12), 7.5f, metal, RivetStops, SKShaderTileMode.Clamp)))
                {
                    canvas.DrawCircle(centre, 7f, paint);
                }
            }
        }

        // A little road dirt.
        var blobs = rng.Next(0, 5);
        for (var i = 0; i < blobs; i++)
        {
            var centre = new SKPoint((float)rng.NextDouble() * layout.Width, (float)rng.NextDouble() * PlateHeight);
            var radius = 15 + ((float)rng.NextDouble() * 50);
            canvas.Save();
            canvas.ClipRoundRect(new SKRoundRect(outline, 7, 7), antialias: true);
            using (Shaded(paint, SKShader.CreateRadialGradient(centre, radius, [new SKColor(70, 55, 40, (byte)rng.Next(15, 45)), new SKColor(70, 55, 40, 0)], BlobStops, SKShaderTileMode.Clamp)))
            {
                canvas.DrawCircle(centre, radius, paint);
            }

            canvas.Restore();
        }
    }

    /// <summary>The glyph of <paramref name="character"/> fitted to the cell: full height, at most its width (narrow glyphs keep their shape).</summary>
    private static SKPath GlyphPath(SKFont font, char character, SKRect cell)
    {
        var path = font.GetTextPath(new string(character, 1), SKPoint.Empty);
        var bounds = path.TightBounds;
        if (bounds.Width <= 0 || bounds.Height <= 0)
        {
            return path;
        }

        var sy = cell.Height / bounds.Height;
        var sx = Math.Min(sy, cell.Width / bounds.Width);
        path.Transform(SKMatrix.CreateScaleTranslation(sx, sy, cell.MidX - (bounds.MidX * sx), cell.MidY - (bounds.MidY * sy)));
        return path;
    }

    /// <summary>A vehicle in millimetres, its bounding box at the origin (y down, the ground at <see cref="Shape.Height"/>).</summary>
    private static void DrawVehicle(SKCanvas canvas, Shape shape, VehicleView view, SKColor body, SKColor roof, string number, string plateColour, Layout layout, Random rng)
    {
        float w = shape.Width, h = shape.Height;
        var waist = shape.Waist * h;
        var bottom = (1 - shape.Clearance) * h;
        var front = view == VehicleView.Front;
        using var paint = new SKPaint { IsAntialias = true };

        // Shadow on the road and the tyres.
        paint.Color = new SKColor(0, 0, 0, 110);
        canvas.DrawOval(new SKRect(-0.02f * w, h - (0.05f * h), 1.02f * w, h + (0.015f * h)), paint);
        paint.Color = new SKColor(24, 24, 26);
        var tyre = 0.13f * w;
        canvas.DrawRoundRect(new SKRect(0.06f * w, bottom - (0.05f * h), (0.06f * w) + tyre, h), 40, 40, paint);
        canvas.DrawRoundRect(new SKRect(0.94f * w - tyre, bottom - (0.05f * h), 0.94f * w, h), 40, 40, paint);

        // Mirrors (cars and vans) stick out beside the cabin.
        if (shape.Mirrors)
        {
            paint.Color = Shade(roof, 0.85f);
            var y = waist - (0.12f * h);
            canvas.DrawRoundRect(new SKRect(-0.035f * w, y, 0.06f * w, y + (0.07f * h)), 30, 30, paint);
            canvas.DrawRoundRect(new SKRect(0.94f * w, y, 1.035f * w, y + (0.07f * h)), 30, 30, paint);
        }

        // The cabin: a trapezoid from the roof down to the waist, in the roof colour.
        var roofInset = (1 - shape.Roof) * w / 2;
        using (var builder = new SKPathBuilder())
        {
            builder.MoveTo(0.03f * w, waist + 40);
            builder.LineTo(roofInset, 0.06f * h);
            builder.QuadTo(roofInset + 40, 0, roofInset + 140, 0);
            builder.LineTo(w - roofInset - 140, 0);
            builder.QuadTo(w - roofInset - 40, 0, w - roofInset, 0.06f * h);
            builder.LineTo(0.97f * w, waist + 40);
            builder.Close();
            using var cabin = builder.Detach();
            using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, waist), [Shade(roof, 1.15f), Shade(roof, 0.9f)], SKShaderTileMode.Clamp)))
            {
                canvas.DrawPath(cabin, paint);
            }
        }

        // The window: rear windows are smaller; a van's or truck's rear has none.
        var glassTop = (front ? shape.GlassTop : shape.GlassTop + 0.04f) * h;
        var glassBottom = waist - ((front ? 0.02f : 0.06f) * h);
        var pillar = (front ? 0.035f : 0.07f) * w;
        if (front || shape.RearWindow)
        {
            var topInset = roofInset + pillar;
            var bottomInset = (0.03f * w) + pillar;
            var slope = glassTop / waist * (bottomInset - topInset) * 0.2f;
            using var glass = Polygon(new(bottomInset, glassBottom), new(topInset + slope, glassTop), new(w - topInset - slope, glassTop), new(w - bottomInset, glassBottom));
            using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, glassTop), new SKPoint(0, glassBottom), [new SKColor(32, 38, 46), new SKColor(58, 68, 80), new SKColor(84, 96, 110)], GlassStops, SKShaderTileMode.Clamp)))
            {
                canvas.DrawPath(glass, paint);
            }

            paint.Color = new SKColor(255, 255, 255, 28);
            canvas.Save();
            canvas.ClipPath(glass, antialias: true);
            var sweep = (float)(0.2 + (rng.NextDouble() * 0.5)) * w;
            using (var glare = Polygon(new(sweep, glassTop), new(sweep + (0.18f * w), glassTop), new(sweep - (0.05f * w), glassBottom), new(sweep - (0.25f * w), glassBottom)))
            {
                canvas.DrawPath(glare, paint);
            }

            canvas.Restore();
        }
        else
        {
            // Cargo doors: a vertical split and two lock bars.
            paint.Color = Shade(roof, 0.7f);
            canvas.DrawRect(new SKRect((w / 2) - 6, 0.05f * h, (w / 2) + 6, waist), paint);
            canvas.DrawRect(new SKRect(0.3f * w, 0.08f * h, (0.3f * w) + 20, waist), paint);
            canvas.DrawRect(new SKRect(0.7f * w - 20, 0.08f * h, 0.7f * w, waist), paint);
        }

        // The lower body.
        using (Shaded(paint, SKShader.CreateLinearGradient(new SKPoint(0, waist), new SKPoint(0, bottom), [Shade(body, 1.12f), Shade(body, 0.95f), Shade(body, 0.72f)], GlassStops, SKShaderTileMode.Clamp)))
        {
            canvas.DrawRoundRect(new SKRect(0, waist, w, bottom), 0.05f * w, 0.05f * w, paint);
        }

        paint.Color = new SKColor(255, 255, 255, 40);
        canvas.DrawRect(new SKRect(0.04f * w, waist + 8, 0.96f * w, waist + 22), paint);

        // Lights at the waist corners: headlights in front, red tail lights at the rear.
        var lightTop = waist + (0.04f * h);
        var lightHeight = shape.LightHeight * h;
        foreach (var left in (ReadOnlySpan<bool>)[true, false])
        {
            var x0 = left ? 0.04f * w : 0.96f * w - (0.22f * w);
            var rect = new SKRect(x0, lightTop, x0 + (0.22f * w), lightTop + lightHeight);
            paint.Color = front ? new SKColor(60, 62, 66) : new SKColor(120, 12, 18);
            canvas.DrawRoundRect(rect, 40, 40, paint);
            var inner = rect;
            inner.Inflate(-0.15f * lightHeight, -0.15f * lightHeight);
            paint.Color = front ? new SKColor(228, 232, 236) : new SKColor(205, 32, 36);
            canvas.DrawRoundRect(inner, 30, 30, paint);
            if (front)
            {
                paint.Color = new SKColor(255, 255, 250);
                canvas.DrawCircle(left ? inner.Right - (inner.Height * 0.6f) : inner.Left + (inner.Height * 0.6f), inner.MidY, inner.Height * 0.35f, paint);
            }
        }

        // Where the plate goes.
        var plateTop = (front ? shape.PlateFront : shape.PlateRear) * h;
        var plateLeft = (w - layout.Width) / 2;
        if (front)
        {
            // Grille between the headlights, above the plate.
            var grille = new SKRect(0.3f * w, lightTop, 0.7f * w, Math.Max(lightTop + lightHeight, plateTop - 30));
            paint.Color = new SKColor(26, 27, 30);
            canvas.DrawRoundRect(grille, 50, 50, paint);
            paint.Color = new SKColor(95, 97, 102);
            for (var y = grille.Top + 40; y < grille.Bottom - 30; y += 55)
            {
                canvas.DrawRect(new SKRect(grille.Left + 30, y, grille.Right - 30, y + 10), paint);
            }

            paint.Color = new SKColor(200, 202, 206);
            canvas.DrawOval(new SKRect(grille.MidX - 60, grille.MidY - 35, grille.MidX + 60, grille.MidY + 35), paint);

            // The lower intake with fog lamps.
            var intakeTop = plateTop + PlateHeight + 40;
            if (intakeTop < bottom - 60)
            {
                paint.Color = new SKColor(22, 22, 24);
                canvas.DrawRoundRect(new SKRect(0.22f * w, intakeTop, 0.78f * w, bottom - 30), 40, 40, paint);
                paint.Color = new SKColor(230, 230, 220);
                canvas.DrawCircle(0.12f * w, intakeTop + 40, 0.025f * w, paint);
                canvas.DrawCircle(0.88f * w, intakeTop + 40, 0.025f * w, paint);
            }
        }
        else
        {
            // The trunk's edge, reflectors in the bumper, an exhaust.
            paint.Color = Shade(body, 0.6f);
            canvas.DrawRect(new SKRect(0.05f * w, lightTop + lightHeight + 20, 0.95f * w, lightTop + lightHeight + 30), paint);
            paint.Color = new SKColor(150, 20, 24);
            canvas.DrawRoundRect(new SKRect(0.05f * w, bottom - 110, 0.14f * w, bottom - 80), 10, 10, paint);
            canvas.DrawRoundRect(new SKRect(0.86f * w, bottom - 110, 0.95f * w, bottom - 80), 10, 10, paint);
            paint.Color = new SKColor(20, 20, 20);
            canvas.DrawOval(new SKRect(0.2f * w, bottom - 50, 0.2f * w + 90, bottom + 10), paint);
        }

        // The plate's recess, then the plate.
        paint.Color = new SKColor(0, 0, 0, 90);
        canvas.DrawRoundRect(new SKRect(plateLeft - 12, plateTop - 10, plateLeft + layout.Width + 12, plateTop + PlateHeight + 14), 14, 14, paint);
        canvas.Save();
        canvas.Translate(plateLeft, plateTop);
        DrawPlate(canvas, number, plateColour, layout, rng.NextDouble() < 0.6, rng);
        canvas.Restore();
    }

    /// <summary>
    /// The projection of a scene of <paramref name="size"/> millimetres: scaled, skewed by yaw and pitch, rolled,
    /// and placed with the margins (pixels) around it; with the image size that holds it.
    /// </summary>
    private static (SKMatrix Matrix, int Width, int Height) Projection(SKSize size, float scale, PlateDegradation d, SKRect margins)
    {
        float w = size.Width * scale, h = size.Height * scale;
        float yawLeft = 1 + (float)(d.Yaw / 2), yawRight = 1 - (float)(d.Yaw / 2);
        float pitchTop = 1 - (float)(d.Pitch / 2), pitchBottom = 1 + (float)(d.Pitch / 2);
        var squeeze = 1 - (0.5f * (float)Math.Abs(d.Yaw));
        SKPoint[] corners =
        [
            new(-w / 2 * pitchTop * squeeze, -h / 2 * yawLeft),
            new(w / 2 * pitchTop * squeeze, -h / 2 * yawRight),
            new(w / 2 * pitchBottom * squeeze, h / 2 * yawRight),
            new(-w / 2 * pitchBottom * squeeze, h / 2 * yawLeft),
        ];
        var rotation = SKMatrix.CreateRotationDegrees((float)d.Rotation);
        for (var i = 0; i < 4; i++)
        {
            corners[i] = rotation.MapPoint(corners[i]);
        }

        float left = corners.Min(c => c.X), top = corners.Min(c => c.Y);
        float right = corners.Max(c => c.X), bottom = corners.Max(c => c.Y);
        for (var i = 0; i < 4; i++)
        {
            corners[i] = new SKPoint(corners[i].X - left + margins.Left, corners[i].Y - top + margins.Top);
        }

        var width = (int)Math.Ceiling(right - left + margins.Left + margins.Right);
        var height = (int)Math.Ceiling(bottom - top + margins.Top + margins.Bottom);
        SKPoint[] source = [new(0, 0), new(size.Width, 0), new(size.Width, size.Height), new(0, size.Height)];
        return (Homography(source, corners), Math.Max(8, width), Math.Max(8, height));
    }

    /// <summary>The projective matrix mapping the 4 source points to the 4 destination points.</summary>
    private static SKMatrix Homography(SKPoint[] source, SKPoint[] destination)
    {
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = source[i].X, y = source[i].Y, u = destination[i].X, v = destination[i].Y;
            double[] rowU = [x, y, 1, 0, 0, 0, -x * u, -y * u, u];
            double[] rowV = [0, 0, 0, x, y, 1, -x * v, -y * v, v];
            for (var j = 0; j < 9; j++)
            {
                a[2 * i, j] = rowU[j];
                a[(2 * i) + 1, j] = rowV[j];
            }
        }

        // Gaussian elimination with partial pivoting.
        for (var column = 0; column < 8; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < 8; row++)
            {
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column]))
                {
                    pivot = row;
                }
            }

            for (var j = 0; j < 9; j++)
            {
                (a[column, j], a[pivot, j]) = (a[pivot, j], a[column, j]);
            }

            for (var row = 0; row < 8; row++)
            {
                if (row != column)
                {
                    var factor = a[row, column] / a[column, column];
                    for (var j = column; j < 9; j++)
                    {
                        a[row, j] -= factor * a[column, j];
                    }
                }
            }
        }

        var h = new float[9];
        for (var i = 0; i < 8; i++)
        {
            h[i] = (float)(a[i, 8] / a[i, i]);
        }

        h[8] = 1;
        return new SKMatrix(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
    }

    /// <summary>The camera after the projection: motion blur, blur, exposure, noise, JPEG; an RGBA (unpremultiplied) bitmap as <see cref="Images.Decode"/> gives.</summary>
    private static SKBitmap Develop(SKBitmap scene, PlateDegradation d, Random rng)
    {
        int width = scene.Width, height = scene.Height, count = width * height;
        var pixels = scene.GetPixelSpan();
        var planes = new float[3][];
        for (var c = 0; c < 3; c++)
        {
            planes[c] = new float[count];
            for (var i = 0; i < count; i++)
            {
                planes[c][i] = pixels[(i * 4) + c];
            }
        }

        if (d.MotionBlur >= 1)
        {
            for (var c = 0; c < 3; c++)
            {
                planes[c] = MotionBlur(planes[c], width, height, d.MotionBlur, d.MotionAngle);
            }
        }

        if (d.Blur > 0.05)
        {
            for (var c = 0; c < 3; c++)
            {
                GaussianBlur(planes[c], width, height, d.Blur);
            }
        }

        // Exposure: contrast around mid-grey, gain (clipping), a shadow across the image, a slight colour cast.
        var cast = d.Level == DegradationLevel.None ? [1f, 1f, 1f] : new[] { 1f + (float)((rng.NextDouble() - 0.5) * 0.12), 1f, 1f + (float)((rng.NextDouble() - 0.5) * 0.12) };
        var angle = rng.NextDouble() * Math.PI * 2;
        float dx = (float)Math.Cos(angle), dy = (float)Math.Sin(angle);
        var reach = (Math.Abs(dx) * width) + (Math.Abs(dy) * height);
        var output = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var target = output.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var along = (((x - (width / 2f)) * dx) + ((y - (height / 2f)) * dy)) / reach + 0.5f;
                var light = (float)(d.Gain * (1 - (d.Shadow * Math.Clamp(along, 0, 1))));
                var shared = d.Noise > 0 ? (float)(Gaussian(rng) * d.Noise * 0.8) : 0;
                for (var c = 0; c < 3; c++)
                {
                    var v = ((((planes[c][i] / 255f) - 0.5f) * (float)d.Contrast) + 0.5f) * light * cast[c] * 255f;
                    if (d.Noise > 0)
                    {
                        v += shared + (float)(Gaussian(rng) * d.Noise * 0.5);
                    }

                    target[(i * 4) + c] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
                }

                target[(i * 4) + 3] = 255;
            }
        }

        if (d.JpegQuality <= 0)
        {
            return output;
        }

        using (output)
        {
            using var jpeg = output.Encode(SKEncodedImageFormat.Jpeg, Math.Clamp(d.JpegQuality, 1, 100));
            return Images.Decode(jpeg.ToArray());
        }
    }

    private static float[] MotionBlur(float[] plane, int width, int height, double length, double degrees)
    {
        var result = new float[plane.Length];
        var steps = (int)Math.Ceiling(length) + 1;
        float ux = (float)Math.Cos(degrees * Math.PI / 180), uy = (float)Math.Sin(degrees * Math.PI / 180);
        var offsets = Enumerable.Range(0, steps).Select(s => (float)((s / (double)(steps - 1)) - 0.5) * (float)length).ToArray();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0f;
                foreach (var t in offsets)
                {
                    sum += Sample(plane, width, height, x + (t * ux), y + (t * uy));
                }

                result[(y * width) + x] = sum / steps;
            }
        }

        return result;
    }

    private static float Sample(float[] plane, int width, int height, float x, float y)
    {
        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float fx = x - x0, fy = y - y0;
        var top = (plane[(y0 * width) + x0] * (1 - fx)) + (plane[(y0 * width) + x1] * fx);
        var bottom = (plane[(y1 * width) + x0] * (1 - fx)) + (plane[(y1 * width) + x1] * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }

    private static void GaussianBlur(float[] plane, int width, int height, double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(sigma * 3));
        var kernel = new float[(2 * radius) + 1];
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = (float)Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        var total = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= total;
        }

        var buffer = new float[plane.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0f;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * plane[(y * width) + Math.Clamp(x + k, 0, width - 1)];
                }

                buffer[(y * width) + x] = sum;
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0f;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * buffer[(Math.Clamp(y + k, 0, height - 1) * width) + x];
                }

                plane[(y * width) + x] = sum;
            }
        }
    }

    /// <summary>Paints with the shader until disposed (then disposes it); the paint's colour is made opaque, as its alpha would fade the shader.</summary>
    private static ShaderScope Shaded(SKPaint paint, SKShader shader)
    {
        paint.Color = SKColors.White;
        paint.Shader = shader;
        return new ShaderScope(paint, shader);
    }

    private static SKPath Polygon(params ReadOnlySpan<SKPoint> points)
    {
        using var builder = new SKPathBuilder();
        builder.AddPoly(points, close: true);
        return builder.Detach();
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static SKBitmap NewBitmap(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));

    private static SKColor Shade(SKColor colour, float factor) =>
        new((byte)Math.Clamp(colour.Red * factor, 0, 255), (byte)Math.Clamp(colour.Green * factor, 0, 255), (byte)Math.Clamp(colour.Blue * factor, 0, 255));

    /// <summary>A paint colour of a vocabulary colour name; "multi" is two-tone (part 0 the body, part 1 the roof).</summary>
    private static SKColor Palette(string colour, int part) => colour switch
    {
        "black" => new SKColor(28, 28, 32),
        "white" => new SKColor(232, 233, 230),
        "grey" => new SKColor(112, 115, 120),
        "red" => new SKColor(168, 24, 30),
        "orange" => new SKColor(226, 108, 22),
        "yellow" => new SKColor(232, 192, 38),
        "green" => new SKColor(38, 112, 58),
        "blue" => new SKColor(30, 66, 146),
        "purple" => new SKColor(88, 40, 118),
        "brown" => new SKColor(108, 68, 40),
        "pink" => new SKColor(228, 140, 170),
        "silver" => new SKColor(182, 186, 190),
        "multi" => part == 0 ? new SKColor(168, 24, 30) : new SKColor(232, 233, 230),
        _ => throw new ArgumentOutOfRangeException(nameof(colour), colour, "Not a colour of CaptureVocabulary.Colours"),
    };

    private static Layout LayoutOf(string colour) => colour is "green" or "yellowGreen" ? NewEnergy : Standard;

    private static void CheckColour(string colour)
    {
        ArgumentNullException.ThrowIfNull(colour);
        if (!CaptureVocabulary.PlateColours.Contains(colour, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(colour), colour, "Not a plate colour of CaptureVocabulary.PlateColours: " + string.Join(", ", CaptureVocabulary.PlateColours));
        }
    }

    private static Layout CheckNumber(string number, string colour, PlateDegradation degradation)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (degradation.PlateWidth is < 16 or > 4000)
        {
            throw new ArgumentOutOfRangeException(nameof(degradation), degradation.PlateWidth, "The plate's width in the image must be 16–4000 px.");
        }

        CheckColour(colour);
        var layout = LayoutOf(colour);
        if (number.Length != layout.X.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A {colour} plate has {layout.X.Length} characters; '{number}' has {number.Length}."), nameof(number));
        }

        return layout;
    }

    private static SKTypeface LoadTypeface()
    {
        if (File.Exists(FontFile))
        {
            for (var index = 0; index < 10; index++)
            {
                var face = SKTypeface.FromFile(FontFile, index);
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
        }

        // Elsewhere (another distribution's path): whatever fontconfig knows by that name, if it has the glyphs.
        var matched = SKFontManager.Default.MatchFamily("Noto Sans CJK SC", SKFontStyle.Bold);
        if (matched is not null && matched.FamilyName.StartsWith("Noto Sans CJK", StringComparison.Ordinal))
        {
            using var font = new SKFont(matched);
            if (font.ContainsGlyphs(PlateReader.Provinces))
            {
                return matched;
            }
        }

        matched?.Dispose();
        throw new FileNotFoundException(
            "PlateRenderer needs the font Noto Sans CJK SC Bold (Debian package fonts-noto-cjk: apt-get install fonts-noto-cjk); neither " + FontFile + " nor a font of that family was found.",
            FontFile);
    }

    private sealed class ShaderScope(SKPaint paint, SKShader shader) : IDisposable
    {
        public void Dispose()
        {
            paint.Shader = null;
            shader.Dispose();
        }
    }

    /// <summary>Character cells of a plate in millimetres: left edges, cell width, the separator dot.</summary>
    private sealed record Layout(float Width, float CharacterWidth, float[] X, float DotX, float DotDiameter);

    /// <summary>Proportions of a vehicle type (millimetres, fractions of the height from the top).</summary>
    private sealed record Shape(float Width, float Height, float Waist, float Roof, float GlassTop, float Clearance, float LightHeight, float PlateFront, float PlateRear, bool Mirrors, bool RearWindow)
    {
        public static Shape Of(string type) => type switch
        {
            "car" => new(1800, 1450, 0.45f, 0.66f, 0.07f, 0.09f, 0.1f, 0.68f, 0.6f, true, true),
            "suv" => new(1900, 1720, 0.46f, 0.74f, 0.07f, 0.12f, 0.09f, 0.66f, 0.6f, true, true),
            "mpv" => new(1850, 1800, 0.47f, 0.8f, 0.06f, 0.09f, 0.08f, 0.68f, 0.62f, true, true),
            "van" => new(1900, 2050, 0.45f, 0.9f, 0.07f, 0.09f, 0.07f, 0.7f, 0.68f, true, false),
            "bus" => new(2500, 3150, 0.56f, 0.98f, 0.08f, 0.07f, 0.06f, 0.78f, 0.78f, false, true),
            "truck" => new(2500, 3000, 0.46f, 0.92f, 0.1f, 0.12f, 0.06f, 0.74f, 0.74f, true, false),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Vehicle type not drawn"),
        };
    }
}

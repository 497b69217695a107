using System.Globalization;
using CityEye.Core.Captures;
using CityEye.Vision;
using SkiaSharp;

namespace CityEye.Bench;

/// <summary>A PNG of rendered plates (every colour at every level, at their real size) and vehicles, each labelled with what PlateReader read.</summary>
internal static class ContactSheet
{
    private const int Cell = 330;
    private const int PlateRow = 150;
    private const int VehicleCell = 440;

    private static readonly (string Type, string Body, VehicleView View, string Plate, DegradationLevel Level)[] Vehicles =
    [
        ("car", "white", VehicleView.Front, "blue", DegradationLevel.Light),
        ("suv", "red", VehicleView.Rear, "green", DegradationLevel.Moderate),
        ("bus", "yellow", VehicleView.Front, "yellowGreen", DegradationLevel.Light),
        ("truck", "blue", VehicleView.Front, "yellow", DegradationLevel.Moderate),
        ("mpv", "silver", VehicleView.Rear, "black", DegradationLevel.Light),
        ("van", "multi", VehicleView.Rear, "white", DegradationLevel.Heavy),
    ];

    public static void Write(string path, PlateReader reader, int seed)
    {
        var rng = new Random(seed);
        var colours = CaptureVocabulary.PlateColours;
        var levels = Enum.GetValues<DegradationLevel>();
        var width = Math.Max(levels.Length * Cell, 3 * VehicleCell);
        var height = (colours.Count * PlateRow) + (2 * (VehicleCell + 30)) + 10;
        using var sheet = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(new SKColor(236, 236, 236));
        using var typeface = SKFontManager.Default.MatchFamily("Noto Sans CJK SC", SKFontStyle.Normal);
        using var font = new SKFont(typeface, 15);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var bad = new SKPaint { Color = new SKColor(200, 0, 0), IsAntialias = true };
        var province = 0;
        for (var row = 0; row < colours.Count; row++)
        {
            for (var column = 0; column < levels.Length; column++)
            {
                var number = PlateRenderer.RandomNumber(rng, colours[row], PlateReader.Provinces[province++ % PlateReader.Provinces.Length]);
                var degradation = PlateDegradation.Sample(levels[column], rng);
                using var plate = PlateRenderer.Render(number, colours[row], rng.Next(), degradation);
                var read = reader.ReadPlate(plate);
                float x = column * Cell, y = row * PlateRow;
                using (var image = SKImage.FromBitmap(plate))
                {
                    canvas.DrawImage(image, x + 10, y + 8, new SKSamplingOptions(SKFilterMode.Nearest), null);
                }

                var ok = read is { } r && r.Number == number && r.Colour == colours[row];
                Label(canvas, font, ok ? ink : bad, $"{number} {colours[row]} {levels[column]} {degradation.PlateWidth}px", x + 10, y + PlateRow - 24);
                Label(canvas, font, ok ? ink : bad, "→ " + (read is { } p ? $"{p.Number} {p.Colour}" : "(none)"), x + 10, y + PlateRow - 6);
            }
        }

        for (var i = 0; i < Vehicles.Length; i++)
        {
            var (type, body, view, plateColour, level) = Vehicles[i];
            var number = PlateRenderer.RandomNumber(rng, plateColour);
            var degradation = PlateDegradation.Sample(level, rng);
            using var vehicle = PlateRenderer.RenderVehicle(number, plateColour, new VehicleLook(body, type, view), rng.Next(), degradation);
            var read = reader.ReadVehicle(vehicle);
            float x = i % 3 * VehicleCell, y = (colours.Count * PlateRow) + (i / 3 * (VehicleCell + 30));
            var scale = Math.Min(1f, (VehicleCell - 30f) / Math.Max(vehicle.Width, vehicle.Height));
            using (var image = SKImage.FromBitmap(vehicle))
            {
                canvas.DrawImage(image, SKRect.Create(x + 10, y + 5, vehicle.Width * scale, vehicle.Height * scale), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            }

            var ok = read is { } r && r.Number == number && r.Colour == plateColour;
            Label(canvas, font, ok ? ink : bad, string.Create(CultureInfo.InvariantCulture, $"{type} {body} {view}, {level} {vehicle.Width}x{vehicle.Height}: {number} {plateColour}"), x + 10, y + VehicleCell - 2);
            Label(canvas, font, ok ? ink : bad, "→ " + (read is { } p ? $"{p.Number} {p.Colour}" : "(none)"), x + 10, y + VehicleCell + 18);
        }

        using var data = sheet.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void Label(SKCanvas canvas, SKFont font, SKPaint paint, string text, float x, float y) =>
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
}

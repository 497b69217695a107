using System.Diagnostics;
using System.Globalization;
using CityEye.Core.Captures;
using CityEye.Vision;
using SkiaSharp;

namespace CityEye.Bench;

/// <summary>One reading of a rendered plate: what was rendered, what the crop and the vehicle read as, in how long.</summary>
internal sealed record Reading(
    string Number,
    string Colour,
    PlateDegradation Degradation,
    VehicleLook? Vehicle,
    (string Number, string Colour)? Crop,
    double CropMs,
    (string Number, string Colour)? OnVehicle,
    double VehicleMs);

/// <summary>One run: <c>count</c> plates, cycling through the plate colours, the provinces and the degradation levels.</summary>
internal sealed class Run
{
    private static readonly DegradationLevel[] Levels = Enum.GetValues<DegradationLevel>();

    public List<Reading> Readings { get; } = [];

    public double Seconds { get; private set; }

    /// <summary>Figure rows in print order: name → (plate crop, vehicle).</summary>
    public List<(string Name, double Crop, double Vehicle)> Figures { get; } = [];

    public static Run Measure(PlateReader reader, int count, int seed, bool vehicles, string? save)
    {
        var run = new Run();
        var rng = new Random(seed);
        var colours = CaptureVocabulary.PlateColours;
        var started = Stopwatch.GetTimestamp();
        if (save is not null)
        {
            Directory.CreateDirectory(save);
        }

        for (var i = 0; i < count; i++)
        {
            // Colour cycles fastest; the province with it (31 and 6 are coprime, so every pair comes up over 186
            // plates); the level changes every 6 plates, so each colour meets each level.
            var colour = colours[i % colours.Count];
            var province = PlateReader.Provinces[i % PlateReader.Provinces.Length];
            var level = Levels[i / colours.Count % Levels.Length];
            var number = PlateRenderer.RandomNumber(rng, colour, province);
            var degradation = PlateDegradation.Sample(level, rng);
            var plateSeed = rng.Next();
            using var crop = PlateRenderer.Render(number, colour, plateSeed, degradation);
            var t = Stopwatch.GetTimestamp();
            var read = reader.ReadPlate(crop);
            var cropMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            VehicleLook? look = null;
            (string, string)? onVehicle = null;
            var vehicleMs = double.NaN;
            SKBitmap? vehicle = null;
            if (vehicles)
            {
                look = VehicleLook.Random(rng, colour);
                vehicle = PlateRenderer.RenderVehicle(number, colour, look, plateSeed ^ 0x5a5a5a, degradation);
                t = Stopwatch.GetTimestamp();
                onVehicle = reader.ReadVehicle(vehicle);
                vehicleMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }

            var reading = new Reading(number, colour, degradation, look, read, cropMs, onVehicle, vehicleMs);
            run.Readings.Add(reading);
            if (save is not null && (!Correct(reading.Crop, reading) || (vehicles && !Correct(reading.OnVehicle, reading))))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{i:D3}-{colour}-{level}-{number}");
                Png(crop, Path.Combine(save, name + "-crop.png"));
                if (vehicle is not null)
                {
                    Png(vehicle, Path.Combine(save, name + "-vehicle.png"));
                }
            }

            vehicle?.Dispose();
        }

        run.Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        run.Tally(vehicles);
        return run;
    }

    public static bool Correct((string Number, string Colour)? read, Reading reading) => read?.Number == reading.Number;

    private static void Png(SKBitmap image, string path)
    {
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private void Tally(bool vehicles)
    {
        void Add(string name, Func<Reading, (string Number, string Colour)?, double> figure, IEnumerable<Reading> readings)
        {
            var list = readings.ToList();
            Figures.Add((name, Mean(list, r => figure(r, r.Crop)), vehicles ? Mean(list, r => figure(r, r.OnVehicle)) : double.NaN));
        }

        Add("read as a plate", (_, read) => read is null ? 0 : 1, Readings);
        Add("exact plate", (r, read) => read?.Number == r.Number ? 1 : 0, Readings);
        Add("province character", (r, read) => read is { } p && p.Number.Length > 0 && p.Number[0] == r.Number[0] ? 1 : 0, Readings);
        Figures.Add(("per character", CharacterAccuracy(Readings, r => r.Crop), vehicles ? CharacterAccuracy(Readings, r => r.OnVehicle) : double.NaN));
        Add("plate colour", (r, read) => read?.Colour == r.Colour ? 1 : 0, Readings);
        Figures.Add(("plate colour, of plates read", Mean([.. Readings.Where(r => r.Crop is not null)], r => r.Crop?.Colour == r.Colour ? 1 : 0), vehicles ? Mean([.. Readings.Where(r => r.OnVehicle is not null)], r => r.OnVehicle?.Colour == r.Colour ? 1 : 0) : double.NaN));
        foreach (var level in Levels)
        {
            var group = Readings.Where(r => r.Degradation.Level == level).ToList();
            Add($"exact, {level} (n={group.Count})", (r, read) => read?.Number == r.Number ? 1 : 0, group);
        }

        foreach (var colour in CaptureVocabulary.PlateColours)
        {
            var group = Readings.Where(r => r.Colour == colour).ToList();
            Add($"exact, {colour} (n={group.Count})", (r, read) => read?.Number == r.Number ? 1 : 0, group);
        }

        foreach (var colour in CaptureVocabulary.PlateColours)
        {
            Add($"colour, {colour}", (r, read) => read?.Colour == r.Colour ? 1 : 0, Readings.Where(r => r.Colour == colour));
        }

        Figures.Add(("ms per plate, median", Median(Readings.Select(r => r.CropMs)), Median(Readings.Select(r => r.VehicleMs))));
    }

    /// <summary>Characters right over characters expected: each plate scores its length less its edit distance to the reading (at least 0).</summary>
    private static double CharacterAccuracy(List<Reading> readings, Func<Reading, (string Number, string Colour)?> read)
    {
        double right = 0, total = 0;
        foreach (var reading in readings)
        {
            total += reading.Number.Length;
            if (read(reading) is { } plate)
            {
                right += Math.Max(0, reading.Number.Length - Levenshtein(reading.Number, plate.Number));
            }
        }

        return right / total;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static double Mean(List<Reading> readings, Func<Reading, double> figure) =>
        readings.Count == 0 ? double.NaN : readings.Average(figure);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

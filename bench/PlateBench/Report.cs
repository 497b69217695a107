using System.Globalization;

namespace CityEye.Bench;

/// <summary>The printed figures of the plate benchmark.</summary>
internal static class Report
{
    public static void Print(List<(string Name, double Crop, double Vehicle)> figures, bool vehicles)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"figure",-34} {"plate crop",12} {(vehicles ? "on vehicle" : string.Empty),12}"));
        foreach (var (name, crop, vehicle) in figures)
        {
            var timing = name.StartsWith("ms ", StringComparison.Ordinal);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-34} {Format(crop, timing),12} {(vehicles ? Format(vehicle, timing) : string.Empty),12}"));
        }
    }

    /// <summary>Row by row, the median of each column over the runs (the rows are the same in every run).</summary>
    public static List<(string Name, double Crop, double Vehicle)> Medians(List<List<(string Name, double Crop, double Vehicle)>> runs) =>
        [.. runs[0].Select((row, i) => (row.Name, Run.Median(runs.Select(r => r[i].Crop)), Run.Median(runs.Select(r => r[i].Vehicle))))];

    public static void PrintConfusion(Run run)
    {
        var wrong = run.Readings
            .SelectMany(r => new[] { ("crop", r.Colour, r.Crop?.Colour), ("vehicle", r.Colour, r.Vehicle is null ? r.Colour : r.OnVehicle?.Colour) })
            .Where(x => x.Item3 != x.Item2)
            .GroupBy(x => (x.Item1, x.Item2, x.Item3 ?? "(no plate)"))
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenByDescending(g => g.Count())
            .ToList();
        Console.WriteLine("  plate colour misreadings (expected → read: count):");
        foreach (var group in wrong)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {group.Key.Item1,-8} {group.Key.Item2} → {group.Key.Item3}: {group.Count()}"));
        }
    }

    public static void PrintFailures(Run run, int count)
    {
        // The mildest cameras first: those failures say the most about the reader.
        var failures = run.Readings.Where(r => !Run.Correct(r.Crop, r) || (r.Vehicle is not null && !Run.Correct(r.OnVehicle, r)))
            .OrderBy(r => r.Degradation.Level).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  failures (first {Math.Min(count, failures.Count)} of {failures.Count}; expected | plate crop | on vehicle | camera):"));
        foreach (var r in failures.Take(count))
        {
            var vehicle = r.Vehicle is null ? string.Empty : $" | {Show(r.OnVehicle)} ({r.Vehicle.Type} {r.Vehicle.BodyColour} {r.Vehicle.View})";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {r.Number} {r.Colour} | {Show(r.Crop)}{vehicle} | {r.Degradation}"));
        }
    }

    private static string Show((string Number, string Colour)? read) => read is { } p ? $"{p.Number} {p.Colour}" : "(none)";

    private static string Format(double value, bool timing) =>
        double.IsNaN(value) ? "-" : timing ? value.ToString("F1", CultureInfo.InvariantCulture) : (value * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
}

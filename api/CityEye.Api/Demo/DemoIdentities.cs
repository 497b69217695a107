using System.Diagnostics;
using System.Globalization;
using CityEye.Core.Captures;
using CityEye.Vision;

namespace CityEye.Api.Demo;

/// <summary>One way a demo target looks at a camera: its crop, scene, box in the scene, vector (from the real models) and attributes.</summary>
internal sealed record DemoVariant(string Image, string? Scene, CaptureBox? Box, float[] Vector, CaptureAttributes Attributes);

/// <summary>
/// A person or vehicle of the demo captures. Real ones come from photos and video shipped in packages; rendered ones
/// are drawn for scale. <see cref="Origin"/> names where the images came from (file and, for video, the time in it).
/// </summary>
internal sealed record DemoIdentity(string Key, CaptureType Type, bool Real, string Origin, IReadOnlyList<DemoVariant> Variants)
{
    /// <summary>The ID photo (JPEG) of a real face, for the person library.</summary>
    public byte[]? IdPhoto { get; init; }

    /// <summary>The vector of the ID photo.</summary>
    public float[]? IdVector { get; init; }

    /// <summary>For rendered vehicles: the registration facts.</summary>
    public (string Plate, string PlateColour, string Colour, string Type, string Brand)? Vehicle { get; init; }
}

/// <summary>Where the real pictures are, and how many rendered identities to draw.</summary>
internal sealed record DemoSources(IReadOnlyList<string> Photos, string? Video, double VideoSeconds, int RenderedVehicles, int RenderedPedestrians, int FaceVariants);

/// <summary>
/// Builds the identities of the demo captures, computing every vector with the real models behind
/// <see cref="IFeatureExtractor"/>: faces, persons and vehicles detected in the packaged photos (each seen as several
/// camera variants), pedestrians tracked through the packaged street video (their crops at different moments are
/// their variants), and rendered vehicles (with Chinese plates) and pedestrians for scale.
/// </summary>
internal sealed class DemoIdentities(IFeatureExtractor extractor, ILogger logger)
{
    public async Task<List<DemoIdentity>> BuildAsync(DemoSources sources, int seed, Func<double, string, Task> report, CancellationToken cancellationToken)
    {
        var identities = new List<DemoIdentity>();
        var random = new Random(seed);
        for (var p = 0; p < sources.Photos.Count; p++)
        {
            await report(0.02 + (0.08 * p / Math.Max(1, sources.Photos.Count)), $"正在识别照片 (detecting) {Path.GetFileName(sources.Photos[p])}");
            identities.AddRange(await FromPhotoAsync(sources.Photos[p], sources.FaceVariants, random, cancellationToken));
        }

        if (sources.Video is not null)
        {
            await report(0.1, $"正在跟踪视频中的行人 (tracking pedestrians) {Path.GetFileName(sources.Video)}");
            identities.AddRange(await FromVideoAsync(sources.Video, sources.VideoSeconds, cancellationToken));
        }

        for (var v = 0; v < sources.RenderedVehicles; v++)
        {
            if (v % 20 == 0)
            {
                await report(0.14 + (0.08 * v / sources.RenderedVehicles), string.Create(CultureInfo.InvariantCulture, $"正在生成车辆 (rendering vehicles) {v}/{sources.RenderedVehicles}"));
            }

            identities.Add(await RenderedVehicleAsync(v, random, cancellationToken));
        }

        for (var b = 0; b < sources.RenderedPedestrians; b++)
        {
            if (b % 20 == 0)
            {
                await report(0.22 + (0.06 * b / sources.RenderedPedestrians), string.Create(CultureInfo.InvariantCulture, $"正在生成行人 (rendering pedestrians) {b}/{sources.RenderedPedestrians}"));
            }

            identities.Add(await RenderedPedestrianAsync(b, random, cancellationToken));
        }

        return identities;
    }

    private async Task<List<DemoIdentity>> FromPhotoAsync(string path, int faceVariants, Random random, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        using var photo = Images.Decode(bytes);
        var (sceneJpeg, sceneScale) = Images.EncodeJpeg(photo, 1280, 85);
        var scene = Convert.ToBase64String(sceneJpeg);
        var name = Path.GetFileNameWithoutExtension(path);
        var targets = await extractor.DetectAsync(bytes, cancellationToken);
        var result = new List<DemoIdentity>();
        var index = 0;
        foreach (var target in targets)
        {
            index++;
            var key = string.Create(CultureInfo.InvariantCulture, $"{name}-{target.Type.ToString().ToLowerInvariant()}{index}");
            var variants = new List<DemoVariant>();
            var count = target.Type == CaptureType.Face ? faceVariants : 4;
            var margin = target.Type == CaptureType.Face ? 0.3 : 0.05;
            byte[]? idPhoto = null;
            float[]? idVector = null;
            for (var v = 0; v < count; v++)
            {
                var image = DemoImaging.Variant(photo, target.Box, margin, v, random);
                var described = v == 0 ? target : await extractor.DescribeAsync(image, target.Type, null, cancellationToken);
                if (described.Vector.Length == 0)
                {
                    continue;
                }

                var box = new CaptureBox((int)(target.Box.X * sceneScale), (int)(target.Box.Y * sceneScale), (int)(target.Box.Width * sceneScale), (int)(target.Box.Height * sceneScale));
                variants.Add(new DemoVariant(Convert.ToBase64String(image), scene, box, described.Vector, target.Attributes));
            }

            if (target.Type == CaptureType.Face)
            {
                // The ID photo: a larger, evenly lit crop than any camera's, described by the same face model.
                idPhoto = DemoImaging.Variant(photo, target.Box, 0.5, 0, random);
                idVector = (await extractor.DescribeAsync(idPhoto, CaptureType.Face, null, cancellationToken)).Vector;
            }

            if (variants.Count > 0)
            {
                result.Add(new DemoIdentity(key, target.Type, true, Path.GetFileName(path), variants) { IdPhoto = idPhoto, IdVector = idVector });
            }
        }

        logger.LogInformation("Demo captures: {Photo} gave {Faces} faces, {Bodies} persons, {Vehicles} vehicles", Path.GetFileName(path),
            result.Count(r => r.Type == CaptureType.Face), result.Count(r => r.Type == CaptureType.Body), result.Count(r => r.Type == CaptureType.Vehicle));
        return result;
    }

    /// <summary>Pedestrians (and vehicles) tracked through the first seconds of a video at 2 frames per second.</summary>
    private async Task<List<DemoIdentity>> FromVideoAsync(string video, double seconds, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("cityeye-demo-frames-").FullName;
        try
        {
            using (var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", video, "-t", seconds.ToString(CultureInfo.InvariantCulture), "-vf", "fps=2", "-q:v", "3", Path.Combine(folder, "f%04d.jpg")])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            }))
            {
                if (ffmpeg is null)
                {
                    return [];
                }

                var errors = await ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
                await ffmpeg.WaitForExitAsync(cancellationToken);
                if (ffmpeg.ExitCode != 0)
                {
                    logger.LogWarning("Demo captures: ffmpeg could not read {Video}: {Errors}", video, errors.Trim());
                    return [];
                }
            }

            var tracks = new List<List<(int Frame, DetectedTarget Target, string Path)>>();
            var frames = Directory.GetFiles(folder, "f*.jpg").Order(StringComparer.Ordinal).ToList();
            for (var f = 0; f < frames.Count; f++)
            {
                var targets = await extractor.DetectAsync(await File.ReadAllBytesAsync(frames[f], cancellationToken), cancellationToken);
                foreach (var target in targets.Where(t => t.Type is CaptureType.Body or CaptureType.Vehicle && t.Box.Height >= 40))
                {
                    // The open track of the same type whose last box (in the previous frame) is nearest, if near enough.
                    var best = tracks
                        .Where(t => t[^1].Frame == f - 1 && t[^1].Target.Type == target.Type)
                        .Select(t => (Track: t, Distance: Distance(t[^1].Target.Box, target.Box)))
                        .Where(t => t.Distance < 0.5 * target.Box.Height)
                        .OrderBy(t => t.Distance)
                        .FirstOrDefault();
                    if (best.Track is not null && best.Track[^1].Frame != f)
                    {
                        best.Track.Add((f, target, frames[f]));
                    }
                    else
                    {
                        tracks.Add([(f, target, frames[f])]);
                    }
                }
            }

            var result = new List<DemoIdentity>();
            var name = Path.GetFileName(video);
            foreach (var track in tracks.Where(t => t.Count >= 4))
            {
                var step = Math.Max(1, track.Count / 6);
                var variants = new List<DemoVariant>();
                for (var i = 0; i < track.Count && variants.Count < 6; i += step)
                {
                    var (frame, target, path) = track[i];
                    var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
                    using var picture = Images.Decode(bytes);
                    using var crop = Images.Crop(picture, target.Box);
                    variants.Add(new DemoVariant(Convert.ToBase64String(DemoImaging.Jpeg(crop, 90)), Convert.ToBase64String(bytes), target.Box, target.Vector, target.Attributes));
                }

                var first = track[0].Frame / 2.0;
                result.Add(new DemoIdentity(
                    string.Create(CultureInfo.InvariantCulture, $"vtest-{track[0].Target.Type.ToString().ToLowerInvariant()}{result.Count + 1}"),
                    track[0].Target.Type,
                    true,
                    string.Create(CultureInfo.InvariantCulture, $"{name}@{first:0.0}s-{track[^1].Frame / 2.0:0.0}s"),
                    variants));
            }

            logger.LogInformation("Demo captures: {Video} gave {Tracks} tracks of 4 or more frames", name, result.Count);
            return result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<DemoIdentity> RenderedVehicleAsync(int index, Random random, CancellationToken cancellationToken)
    {
        var roll = random.NextDouble();
        var plateColour = roll < 0.7 ? "blue" : roll < 0.85 ? "green" : roll < 0.95 ? "yellow" : roll < 0.97 ? "yellowGreen" : roll < 0.99 ? "white" : "black";
        var province = random.NextDouble() < 0.6 ? '沪' : PlateReader.Provinces[random.Next(PlateReader.Provinces.Length)];
        var number = PlateRenderer.RandomNumber(random, plateColour, province);
        var look = VehicleLook.Random(random, plateColour);
        var brand = DemoPeople.Brand(random);
        var variants = new List<DemoVariant>();
        for (var v = 0; v < 2; v++)
        {
            var seed = random.Next();
            using var vehicle = PlateRenderer.RenderVehicle(number, plateColour, look with { View = v == 0 ? look.View : look.View == VehicleView.Front ? VehicleView.Rear : VehicleView.Front }, seed, PlateDegradation.Sample(v == 0 ? DegradationLevel.Light : DegradationLevel.Moderate, random));
            var crop = DemoImaging.Jpeg(vehicle, 85);
            var described = await extractor.DescribeAsync(crop, CaptureType.Vehicle, null, cancellationToken);
            var (scene, box) = DemoImaging.Scene(vehicle, seed, road: true);
            var attributes = new CaptureAttributes { PlateNumber = number, PlateColour = plateColour, VehicleColour = look.BodyColour, VehicleType = look.Type, Brand = brand };
            variants.Add(new DemoVariant(Convert.ToBase64String(crop), Convert.ToBase64String(scene), box, described.Vector, attributes));
        }

        return new DemoIdentity(string.Create(CultureInfo.InvariantCulture, $"vehicle-r{index:0000}"), CaptureType.Vehicle, false, "rendered", variants)
        {
            Vehicle = (number, plateColour, look.BodyColour, look.Type, brand),
        };
    }

    private async Task<DemoIdentity> RenderedPedestrianAsync(int index, Random random, CancellationToken cancellationToken)
    {
        var look = PedestrianLook.Random(random);
        var variants = new List<DemoVariant>();
        for (var v = 0; v < 2; v++)
        {
            using var figure = DemoImaging.Pedestrian(look, v, random);
            var crop = DemoImaging.Jpeg(figure, 88);
            var described = await extractor.DescribeAsync(crop, CaptureType.Body, null, cancellationToken);
            var (scene, box) = DemoImaging.Scene(figure, random.Next(), road: false);
            variants.Add(new DemoVariant(Convert.ToBase64String(crop), Convert.ToBase64String(scene), box, described.Vector, look.Attributes));
        }

        return new DemoIdentity(string.Create(CultureInfo.InvariantCulture, $"person-r{index:0000}"), CaptureType.Body, false, "rendered", variants);
    }

    private static double Distance(CaptureBox a, CaptureBox b)
    {
        var dx = (a.X + (a.Width / 2.0)) - (b.X + (b.Width / 2.0));
        var dy = (a.Y + (a.Height / 2.0)) - (b.Y + (b.Height / 2.0));
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}

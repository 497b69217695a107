using System.Globalization;
using System.Text.Json;
using CityEye.Api.Captures;
using CityEye.Core.Captures;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Vision;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Demo;

/// <summary>How many demo captures over how many days, from which seed, after which seeding job.</summary>
public sealed record DemoCapturesParameters(string? SeedJobId, int Count, int Days, int Seed);

/// <summary>
/// The demo captures (issue 8 item 5): people and vehicles moving along plausible routes between the demo district's
/// capture cameras over the last days, pushed through the same ingest path as the intelligent video system's
/// captures (<see cref="CaptureIngest"/>: validation, blobs, journal, drain into the analytics store and the vector
/// index). Every vector comes from the real models (<see cref="IFeatureExtractor"/>) applied to real pictures — the
/// faces and persons of the packaged sample photos, the pedestrians of the packaged street video — or to rendered
/// vehicles and pedestrians; identities are reused across captures, never random vectors. Also fills the person
/// library (ID photos of the real faces) and the vehicle registry (owners of the vehicles). Idempotent: source ids
/// are deterministic, so a restarted job only adds what is missing.
/// </summary>
internal sealed class DemoCapturesJob(
    JobStore jobs,
    DeviceStore devices,
    IFeatureExtractor extractor,
    CaptureIngest ingest,
    PersonLibraryStore library,
    VehicleRegistryStore registry,
    BlobStore blobs,
    IOptions<VisionOptions> vision,
    IWebHostEnvironment environment,
    TimeProvider time,
    ILogger<DemoCapturesJob> logger) : IJobHandler
{
    public const string JobKind = "demo-captures";
    public const string Source = "demo";

    /// <summary>Debian's opencv-doc: messi5.jpg, vtest.avi (pedestrians), licenseplate_motion.jpg.</summary>
    public const string OpenCvData = "/usr/share/doc/opencv-doc/examples/data";

    private const int Batch = 1_000;
    private static readonly string[] OpenCvPhotos = ["messi5.jpg", "licenseplate_motion.jpg"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    public bool Resumable => true;

    public static string Serialize(DemoCapturesParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<DemoCapturesParameters>(context.Job.Parameters!, Json)!;
        while (parameters.SeedJobId is not null && await jobs.GetAsync(parameters.SeedJobId, cancellationToken) is { Status: JobStatus.Queued or JobStatus.Running })
        {
            await context.ReportAsync(0.01, "等待演示辖区生成完成 (waiting for the demo district)", cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);
        }

        var cameras = await devices.CaptureCamerasAsync(DeviceScope.All, cancellationToken);
        var personCameras = cameras.Where(c => c.FunctionType is "2" or "3" or "4" or "5").Select(c => new DemoCamera(c.Id, c.Longitude, c.Latitude)).ToList();
        var vehicleCameras = cameras.Where(c => c.FunctionType is "1" or "4").Select(c => new DemoCamera(c.Id, c.Longitude, c.Latitude)).ToList();
        if (personCameras.Count < 2 || vehicleCameras.Count < 2)
        {
            throw new InvalidOperationException("The demo district has no capture cameras: seed the district first.");
        }

        var sources = Sources(parameters.Count);
        var identities = await new DemoIdentities(extractor, logger).BuildAsync(
            sources,
            parameters.Seed,
            (progress, message) => context.ReportAsync(progress, message, cancellationToken),
            cancellationToken);
        if (identities.Count == 0)
        {
            throw new InvalidOperationException("No demo identities could be built: the models found nothing in the sample pictures.");
        }

        await context.ReportAsync(0.3, "正在写入人员库和机动车登记库 (person library and vehicle registry)", cancellationToken);
        var (people, vehicles) = await RegisterAsync(identities, parameters.Seed, cancellationToken);

        await context.ReportAsync(0.32, "正在规划轨迹 (planning routes)", cancellationToken);
        var until = time.GetUtcNow().AddMinutes(-10);
        var random = new Random(parameters.Seed + 1);
        var onFoot = new DemoRoutes(personCameras, 30, 1_500);
        var byRoad = new DemoRoutes(vehicleCameras, 300, 4_000);
        var plan = Allocate(identities, parameters.Count);
        var items = new List<CaptureIngestItem>(parameters.Count);
        // The people of one group photo go about together: the first of each photo and type leads, the others are
        // seen at the same cameras a few seconds later (most of the time), so the co-traveller query finds them.
        var leaders = new Dictionary<(string Origin, CaptureType Type), List<DemoSighting>>();
        foreach (var (identity, wanted) in plan)
        {
            var routes = identity.Type == CaptureType.Vehicle ? byRoad : onFoot;
            var speed = identity.Type == CaptureType.Vehicle ? 7 + (random.NextDouble() * 6) : 1.1 + (random.NextDouble() * 0.5);
            List<DemoSighting> sightings;
            if (identity.Real && identity.Type != CaptureType.Vehicle && leaders.TryGetValue((identity.Origin, identity.Type), out var leader))
            {
                sightings = [.. leader.Where(_ => random.NextDouble() < 0.8).Select(l => l with { Time = l.Time.AddSeconds(2 + random.Next(18)) }).Where(l => l.Time < until)];
            }
            else
            {
                sightings = routes.Plan(random, wanted, speed, parameters.Days, until);
                if (identity.Real && identity.Type != CaptureType.Vehicle)
                {
                    leaders[(identity.Origin, identity.Type)] = sightings;
                }
            }

            for (var s = 0; s < sightings.Count; s++)
            {
                var variant = identity.Variants[random.Next(identity.Variants.Count)];
                items.Add(new CaptureIngestItem
                {
                    SourceId = string.Create(CultureInfo.InvariantCulture, $"{identity.Key}-{s:00000}"),
                    Type = identity.Type,
                    Time = sightings[s].Time,
                    DeviceId = sightings[s].DeviceId,
                    Box = variant.Box,
                    Attributes = variant.Attributes,
                    Image = variant.Image,
                    SceneImage = variant.Scene,
                    Vector = variant.Vector,
                });
            }
        }

        // Oldest first, as cameras would send them.
        items.Sort((a, b) => Nullable.Compare(a.Time, b.Time));
        var accepted = 0;
        var duplicates = 0;
        var rejected = 0;
        for (var offset = 0; offset < items.Count; offset += Batch)
        {
            var batch = items.GetRange(offset, Math.Min(Batch, items.Count - offset));
            while (ingest.IsFull(batch.Count))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
            }

            var response = await ingest.IngestAsync(Source, batch, DeviceScope.All, cancellationToken);
            accepted += response.Accepted;
            duplicates += response.Duplicates;
            rejected += response.Rejected;
            if (response.Rejected > 0)
            {
                var first = response.Results.First(r => r.Violations is { Count: > 0 });
                logger.LogWarning("Demo captures: {Rejected} of a batch rejected, e.g. {SourceId}: {Violation}", response.Rejected, first.SourceId, first.Violations![0].Code);
            }

            await context.ReportAsync(
                0.35 + (0.64 * (offset + batch.Count) / items.Count),
                string.Create(CultureInfo.InvariantCulture, $"已推送 {offset + batch.Count}/{items.Count} 条抓拍 (captures pushed)"),
                cancellationToken);
        }

        var real = identities.Where(i => i.Real).ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{accepted} captures accepted ({duplicates} already present, {rejected} rejected) of {identities.Count} identities: " +
            $"{real.Count(i => i.Type == CaptureType.Face)} real faces, {real.Count(i => i.Type == CaptureType.Body)} real persons, {real.Count(i => i.Type == CaptureType.Vehicle)} real vehicles, " +
            $"{identities.Count(i => !i.Real && i.Type == CaptureType.Vehicle)} rendered vehicles, {identities.Count(i => !i.Real && i.Type == CaptureType.Body)} rendered pedestrians; " +
            $"{people} people in the person library, {vehicles} registered vehicles");
    }

    /// <summary>The packaged pictures found on this machine, and how many identities to render for <paramref name="count"/> captures.</summary>
    private DemoSources Sources(int count)
    {
        var photos = new List<string>();
        var faceApi = Path.Combine(vision.Value.ResolveServiceFolder(environment.ContentRootPath), "node_modules", "@vladmandic", "face-api", "demo");
        photos.AddRange(Enumerable.Range(1, 6).Select(i => Path.Combine(faceApi, $"sample{i}.jpg")).Where(File.Exists));
        photos.AddRange(OpenCvPhotos.Select(f => Path.Combine(OpenCvData, f)).Where(File.Exists));
        var video = Path.Combine(OpenCvData, "vtest.avi");
        if (photos.Count == 0)
        {
            logger.LogWarning("Demo captures: no sample photos found (npm @vladmandic/face-api in {Folder}, Debian opencv-doc in {OpenCv}); only rendered identities", faceApi, OpenCvData);
        }

        return new DemoSources(
            photos,
            File.Exists(video) ? video : null,
            count >= 20_000 ? 30 : 10,
            Math.Clamp(count / 250, 20, 400),
            Math.Clamp(count / 400, 20, 300),
            count >= 20_000 ? 6 : 3);
    }

    /// <summary>
    /// Captures per identity: faces get 12 % of the captures, persons 33 %, vehicles 55 %; real identities count
    /// three times a rendered one, so the people of the sample pictures have long trajectories.
    /// </summary>
    private static List<(DemoIdentity Identity, int Captures)> Allocate(List<DemoIdentity> identities, int count)
    {
        var result = new List<(DemoIdentity, int)>();
        foreach (var (type, share) in new[] { (CaptureType.Face, 0.12), (CaptureType.Body, 0.33), (CaptureType.Vehicle, 0.55) })
        {
            var ofType = identities.Where(i => i.Type == type).ToList();
            var weights = ofType.Sum(i => i.Real ? 3.0 : 1.0);
            foreach (var identity in ofType)
            {
                result.Add((identity, Math.Max(3, (int)Math.Round(count * share * (identity.Real ? 3.0 : 1.0) / weights))));
            }
        }

        return result;
    }

    /// <summary>The person library (every real face with its ID photo) and the vehicle registry (every vehicle with a plate).</summary>
    private async Task<(int People, int Vehicles)> RegisterAsync(List<DemoIdentity> identities, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed + 2);
        var people = 0;
        foreach (var face in identities.Where(i => i is { Type: CaptureType.Face, IdPhoto: not null, IdVector.Length: > 0 }))
        {
            var gender = face.Variants[0].Attributes.Gender ?? (random.Next(2) == 0 ? "male" : "female");
            var birth = DemoPeople.Birth(random);
            await library.UpsertAsync(
                new LibraryPerson
                {
                    Name = DemoPeople.Name(random),
                    IdNumber = DemoPeople.IdNumber(new Random(face.Key.GetHashCode(StringComparison.Ordinal) ^ seed), birth, gender == "male"),
                    Gender = gender,
                    BirthDate = birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Address = DemoPeople.Address(random),
                    Photo = await blobs.PutAsync(face.IdPhoto!, ".jpg", cancellationToken),
                    Source = $"{Source}:{face.Origin}",
                },
                face.IdVector!,
                cancellationToken);
            people++;
        }

        var vehicles = 0;
        (string Name, string Id, string Phone, string Address)? previousOwner = null;
        foreach (var vehicle in identities.Where(i => i.Type == CaptureType.Vehicle))
        {
            var facts = vehicle.Vehicle;
            var attributes = vehicle.Variants[0].Attributes;
            var plate = facts?.Plate ?? attributes.PlateNumber;
            if (string.IsNullOrEmpty(plate))
            {
                continue;
            }

            // About one owner in seven has a second vehicle.
            (string Name, string Id, string Phone, string Address) owner = previousOwner is { } shared && random.Next(7) == 0
                ? shared
                : (DemoPeople.Name(random), DemoPeople.IdNumber(random, DemoPeople.Birth(random), random.Next(2) == 0), DemoPeople.Phone(random), DemoPeople.Address(random));
            previousOwner = owner;
            await registry.UpsertAsync(
                new RegisteredVehicle
                {
                    Plate = plate,
                    PlateColour = facts?.PlateColour ?? attributes.PlateColour ?? "blue",
                    VehicleColour = facts?.Colour ?? attributes.VehicleColour ?? "white",
                    VehicleType = facts?.Type ?? attributes.VehicleType ?? "car",
                    Brand = facts?.Brand ?? DemoPeople.Brand(random),
                    OwnerName = owner.Name,
                    OwnerIdNumber = owner.Id,
                    OwnerPhone = owner.Phone,
                    OwnerAddress = owner.Address,
                    RegisteredOn = new DateOnly(2012, 1, 1).AddDays(random.Next(0, 365 * 14)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Related = DemoPeople.Related(random),
                },
                cancellationToken);
            vehicles++;
        }

        return (people, vehicles);
    }
}

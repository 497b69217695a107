using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Infrastructure;

/// <summary>Node-wide settings from the <c>CityEye</c> configuration section.</summary>
public sealed class CityEyeOptions
{
    public const string SectionName = "CityEye";

    /// <summary>Folder for the embedded engines' files (SQLite store, later indexes); created when missing.</summary>
    [Required]
    public string DataDir { get; set; } = "data";

    /// <summary>Seed the Qingpu demo district when the store has no organisations yet.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>Seed of the deterministic demo generator.</summary>
    public int DemoSeed { get; set; } = CityEye.Core.Demo.DemoSeedJob.DefaultSeed;

    /// <summary>
    /// Seconds between two reports of the demo district's simulated status feed (AR-8): each report takes a few
    /// devices online or offline and updates their recording completeness, through the same <c>DeviceStatusFeed</c>
    /// a real source (the PVG, a network probe) uses. 0 turns the simulation off. Only on a node that seeds the demo.
    /// </summary>
    [Range(0, 86_400)]
    public int StatusSimulationSeconds { get; set; } = 60;

    /// <summary>
    /// Police users of the demo district's generated operation-log history (60 days, with planted abusive patterns,
    /// for the behaviour audit); 0 writes none. Only on a node that seeds the demo.
    /// </summary>
    [Range(0, 5000)]
    public int DemoAuditUsers { get; set; } = 300;

    /// <summary>
    /// Demo captures (faces, persons, vehicles moving along routes between the demo cameras, vectors from the real
    /// models) pushed through the ingest API after the district is seeded; 0 writes none. Needs the models
    /// (<c>Vision:Enabled</c>). Only on a node that seeds the demo.
    /// </summary>
    [Range(0, 20_000_000)]
    public int DemoCaptures { get; set; } = 100_000;

    /// <summary>Days (up to today) the demo captures spread over.</summary>
    [Range(1, 60)]
    public int DemoCaptureDays { get; set; } = 7;

    /// <summary>
    /// Password of the first administrator (<c>admin</c>) when the demo is not seeded and the store has no users.
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>
    /// Folder of the built SPA (frontend/dist). Empty: the host's web root (wwwroot), as in the container image.
    /// </summary>
    public string? SpaRoot { get; set; }

    public string ResolveDataDir() => Path.GetFullPath(DataDir);
}

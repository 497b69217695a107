namespace CityEye.Api.Captures;

/// <summary>The <c>Captures</c> configuration section (ingest and search of face, body and vehicle captures).</summary>
public sealed class CapturesOptions
{
    public const string SectionName = "Captures";

    /// <summary>Most captures one ingest batch may hold.</summary>
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>Largest ingest request body, in MB (inline images are base64 inside it).</summary>
    public int MaxBodyMegabytes { get; set; } = 96;

    /// <summary>Largest image (inline capture image or upload), in MB.</summary>
    public int MaxImageMegabytes { get; set; } = 8;

    /// <summary>Most pixels an image may declare, in millions (decompression bombs declare far more).</summary>
    public int MaxImageMegapixels { get; set; } = 40;

    /// <summary>Captures acknowledged but not yet stored beyond which ingest answers 429 with Retry-After.</summary>
    public int MaxBacklog { get; set; } = 20_000;

    /// <summary>Ingest requests processed at once; more get 429 at once instead of queueing in memory.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>How far in the future a capture time may lie (clock skew of the cameras).</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Days captures are kept; older captures are refused at ingest and dropped by retention.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>Days of ingested source ids the duplicate check keeps in memory (older retries are still never stored twice).</summary>
    public int DuplicateWindowDays { get; set; } = 7;

    /// <summary>
    /// Link each face and body capture to a person archive at ingest: the most similar earlier capture of the last
    /// <see cref="PersonWindowDays"/> days at or above the type's threshold gives its person; otherwise the capture
    /// starts a new one. The co-traveller query works on these persons.
    /// </summary>
    public bool LinkPersons { get; set; } = true;

    /// <summary>Cosine similarity at which two face captures are taken for one person (faceres vectors).</summary>
    public double FacePersonThreshold { get; set; } = 0.7;

    /// <summary>Cosine similarity at which two body captures are taken for one person (appearance + colour vectors).</summary>
    public double BodyPersonThreshold { get; set; } = 0.85;

    /// <summary>How far back a capture looks for its person.</summary>
    public int PersonWindowDays { get; set; } = 30;

    /// <summary>
    /// An OSRM-compatible routing service (<c>{url}/route/v1/driving/{lng},{lat};{lng},{lat}?overview=full&amp;geometries=geojson</c>)
    /// that draws shelf trajectories along roads; empty draws straight lines between the capture places.
    /// </summary>
    public string? RoutingUrl { get; set; }

    /// <summary>Pause the drain (tests of back-pressure and of a kill before storing).</summary>
    public bool DrainPaused { get; set; }
}

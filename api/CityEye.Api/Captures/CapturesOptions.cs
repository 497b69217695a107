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

    /// <summary>Pause the drain (tests of back-pressure and of a kill before storing).</summary>
    public bool DrainPaused { get; set; }
}

using CityEye.Core.Captures;

namespace CityEye.Analytics.Captures;

/// <summary>
/// Capture metadata and vectors in the analytics store (the same DuckDB file or ClickHouse database as the logs):
/// what the attribute searches, the plate search and the co-traveller query run on, and what the vector index is
/// rebuilt from. Written only by the ingest drain.
/// </summary>
public interface ICaptureStore
{
    /// <summary>
    /// Appends captures in one batch, skipping those whose id is not above <see cref="MaxCaptureIdAsync"/> (a batch
    /// written again after a crash) and those whose source and source id are already stored. Returns the ids written.
    /// </summary>
    Task<IReadOnlyList<long>> AppendCapturesAsync(IReadOnlyList<CaptureRecord> records, CancellationToken cancellationToken);

    /// <summary>The highest capture id stored; 0 when empty.</summary>
    Task<long> MaxCaptureIdAsync(CancellationToken cancellationToken);

    /// <summary>Source keys of the captures ingested since <paramref name="since"/> (the ingest's duplicate check).</summary>
    Task<IReadOnlyList<CaptureSourceKey>> SourceKeysSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The captures matching a query, newest first (or oldest first), with the total.</summary>
    Task<CapturePage> QueryCapturesAsync(CaptureQuery query, CancellationToken cancellationToken);

    /// <summary>The captures with these ids (missing ids are left out), in no particular order.</summary>
    Task<IReadOnlyList<Capture>> GetCapturesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Vectors of one type in id order after <paramref name="afterId"/>, optionally of one UTC day (index rebuild).</summary>
    Task<IReadOnlyList<CaptureVector>> ReadCaptureVectorsAsync(CaptureType type, long afterId, int take, DateOnly? day, CancellationToken cancellationToken);

    /// <summary>How many captures of a type have a vector, per UTC day.</summary>
    Task<IReadOnlyList<CaptureDayCount>> CountCaptureVectorsByDayAsync(CaptureType type, CancellationToken cancellationToken);

    /// <summary>The persons seen with a person (VC-17), most often first, each co-occurrence listed.</summary>
    Task<IReadOnlyList<CoTraveller>> CoTravellersAsync(CoTravellerQuery query, CancellationToken cancellationToken);

    /// <summary>Captures per type and UTC day in [fromDay, untilDay), optionally only of some devices.</summary>
    Task<IReadOnlyList<CaptureTypeDayCount>> CountCapturesAsync(DateOnly fromDay, DateOnly untilDay, IReadOnlyCollection<long>? deviceIds, CancellationToken cancellationToken);
}

/// <summary>A capture with its feature vector as the ingest journal and the store carry it (in JSON the vector is base64 of its float32 bytes).</summary>
public sealed record CaptureRecord(Capture Capture, [property: System.Text.Json.Serialization.JsonConverter(typeof(FloatArrayBase64Converter))] float[]? Vector);

/// <summary>Where a capture came from and the id it got.</summary>
public sealed record CaptureSourceKey(string Source, string SourceId, long Id);

/// <summary>A stored vector with what the index filters on.</summary>
public sealed record CaptureVector(long Id, DateTimeOffset Time, long DeviceId, float[] Vector);

public sealed record CaptureDayCount(DateOnly Day, long Count);

public sealed record CaptureTypeDayCount(CaptureType Type, DateOnly Day, long Count);

public sealed record CapturePage(long Total, IReadOnlyList<Capture> Items);

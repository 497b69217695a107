using CityEye.Core.Captures;

namespace CityEye.VectorSearch;

/// <summary>
/// The feature-vector index of face, body and vehicle captures (VC-1, VC-3, VC-9, VC-17): one space per capture
/// type, keyed by capture id, with the capture time and device kept beside each vector so that searches filter by
/// time range and device set (the caller's device scope intersected with the request's region). Similarity is cosine
/// similarity in [-1, 1]. Providers: <c>USearch/</c> (embedded HNSW, segmented by spans of days, persisted under the data
/// folder) and <c>Milvus/</c> (Milvus 2.5+ over its RESTful API v2, a collection per type, a partition per day). Both
/// pass one conformance suite.
/// </summary>
public interface IVectorIndex : IAsyncDisposable
{
    /// <summary>Which provider this is ("USearch", "Milvus").</summary>
    string Provider { get; }

    /// <summary>Opens or creates the spaces of every type (idempotent).</summary>
    Task InitialiseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds vectors of one type; ids already present are left as they are (an ingest batch replayed after a crash).
    /// Every vector must have the type's dimension and finite values. Returns how many were added.
    /// </summary>
    Task<int> AddAsync(CaptureType type, IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken);

    /// <summary>The nearest vectors to a query vector, most similar first.</summary>
    Task<IReadOnlyList<VectorHit>> SearchAsync(VectorQuery query, CancellationToken cancellationToken);

    /// <summary>Removes vectors by id; returns how many were present.</summary>
    Task<int> RemoveAsync(CaptureType type, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>How many vectors of a type each UTC day holds (what the rebuild compares with the analytics store).</summary>
    Task<IReadOnlyList<VectorDayCount>> CountByDayAsync(CaptureType type, CancellationToken cancellationToken);

    /// <summary>Drops every day before <paramref name="cutoff"/> (retention); returns how many days (or day partitions) were dropped.</summary>
    Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken);

    /// <summary>Makes what was added durable (the embedded index saves its changed segments).</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    Task<VectorIndexInfo> DescribeAsync(CancellationToken cancellationToken);
}

/// <summary>A vector with the id of its capture and what searches filter on.</summary>
public sealed record VectorEntry(long Id, DateTimeOffset Time, long DeviceId, float[] Vector);

/// <summary>
/// A search: the type's space, the query vector, how many hits, the time range [From, Until), the devices (null for
/// every device; empty matches nothing) and the lowest similarity kept.
/// </summary>
public sealed record VectorQuery
{
    public required CaptureType Type { get; init; }

    public required float[] Vector { get; init; }

    public int Limit { get; init; } = 100;

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? Until { get; init; }

    public IReadOnlySet<long>? DeviceIds { get; init; }

    public float MinSimilarity { get; init; } = -1f;
}

public sealed record VectorHit(long Id, float Similarity, DateTimeOffset Time, long DeviceId);

public sealed record VectorDayCount(DateOnly Day, long Count);

/// <summary>What the index is and holds, for <c>/readyz</c> and the admin pages.</summary>
public sealed record VectorIndexInfo(string Provider, string Location, IReadOnlyDictionary<string, long> Vectors, long Bytes);

/// <summary>The vector engine failed or refused a request (the message says which and why).</summary>
public sealed class VectorIndexException : Exception
{
    public VectorIndexException()
    {
    }

    public VectorIndexException(string message)
        : base(message)
    {
    }

    public VectorIndexException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The engine's own error code when it sent one (Milvus: the <c>code</c> of its answer).</summary>
    public int EngineCode { get; init; }
}

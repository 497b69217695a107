using System.Collections.Concurrent;
using System.Globalization;
using CityEye.Core.Captures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.VectorSearch.USearch;

/// <summary>
/// The embedded vector index: per capture type, one USearch HNSW segment per span of
/// <see cref="VectorOptions.SegmentDays"/> UTC days (from a Monday when the span is 7) under
/// <c>{folder}/{type}/{days}d/{first day:yyyyMMdd}.usearch</c> with its entry file (<c>.entries</c>: capture id, time,
/// device) and checksums (<c>.sha256</c>). A time range searches only the segments it touches, with the time as a
/// filter inside the first and last; retention deletes whole segments and the expired days of the segment it cuts.
/// Fewer, larger segments make a query cheaper (one graph search each); smaller ones make a narrow time range cheaper.
/// Segments are saved every <see cref="VectorOptions.SaveInterval"/> by the host and on dispose; one that fails to load
/// (damaged, cut short, of another dimension) is set aside and listed in <see cref="DamagedSegments"/>, and the host
/// re-adds its days from the analytics store (adds are idempotent by id). Segments of another span (the setting
/// changed) are deleted at start and rebuilt the same way.
/// </summary>
public sealed partial class USearchVectorIndex : IVectorIndex
{
    /// <summary>Filtered searches of fewer candidates than this scan them exactly instead of walking the graph.</summary>
    public const int ExactBelow = 4_000;

    private readonly string _folder;
    private readonly VectorOptions _options;
    private readonly UsScalar _quantisation;
    private readonly ILogger _logger;
    private readonly int _span;
    private readonly ConcurrentDictionary<(CaptureType Type, DateOnly Start), USearchSegment> _segments = new();
    private readonly object _createGate = new();
    private readonly List<string> _damaged = [];

    public USearchVectorIndex(string folder, VectorOptions options, ILogger<USearchVectorIndex>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        _folder = folder;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _quantisation = options.Quantisation.ToLowerInvariant() switch
        {
            "f16" => UsScalar.F16,
            "i8" => UsScalar.I8,
            "f32" => UsScalar.F32,
            _ => throw new ArgumentException($"Vectors:Quantisation must be f16, i8 or f32, not '{options.Quantisation}'.", nameof(options)),
        };
        _span = options.SegmentDays is >= 1 and <= 31
            ? options.SegmentDays
            : throw new ArgumentException($"Vectors:SegmentDays must be between 1 and 31, not {options.SegmentDays}.", nameof(options));
    }

    public string Provider => "USearch";

    /// <summary>Segments that failed to load at start and were set aside (file name and reason).</summary>
    public IReadOnlyList<string> DamagedSegments
    {
        get
        {
            lock (_damaged)
            {
                return [.. _damaged];
            }
        }
    }

    public Task InitialiseAsync(CancellationToken cancellationToken)
    {
        foreach (var type in Enum.GetValues<CaptureType>())
        {
            var folder = SpanFolder(type);
            Directory.CreateDirectory(folder);
            RemoveOtherLayouts(type);
            foreach (var path in Directory.EnumerateFiles(folder, "*.usearch").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                    || _segments.ContainsKey((type, start)))
                {
                    continue;
                }

                try
                {
                    if (SegmentStart(start) != start)
                    {
                        throw new VectorIndexException($"{Path.GetFileName(path)} does not start a {_span}-day segment.");
                    }

                    _segments[(type, start)] = USearchSegment.Load(start, _span, path, EntriesPath(type, start), _options.Dimensions(type), _quantisation, _options);
                }
                catch (Exception e) when (e is VectorIndexException or IOException)
                {
                    SetAside(type, start, e.Message);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> AddAsync(CaptureType type, IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        VectorChecks.Require(type, entries.Select(e => e.Vector), _options.Dimensions(type));
        // Segments are separate graphs: a batch spanning several (a rebuild) adds to them in parallel.
        var added = 0;
        Parallel.ForEach(
            entries.GroupBy(e => SegmentStart(VectorChecks.DayOf(e.Time))),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            span => Interlocked.Add(ref added, Segment(type, span.Key).Add([.. span])));
        return Task.FromResult(added);
    }

    public Task<IReadOnlyList<VectorHit>> SearchAsync(VectorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        VectorChecks.Require(query.Type, [query.Vector], _options.Dimensions(query.Type));
        if (query.DeviceIds is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<VectorHit>>([]);
        }

        var limit = Math.Clamp(query.Limit, 1, 10_000);
        var hits = new List<VectorHit>();
        foreach (var segment in _segments.Where(s => s.Key.Type == query.Type).Select(s => s.Value).OrderBy(s => s.Start))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var segmentStart = new DateTimeOffset(segment.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var segmentEnd = segmentStart.AddDays(segment.Days);
            if (query.From >= segmentEnd || query.Until <= segmentStart)
            {
                continue;
            }

            // Only the segments at the ends of the range need the time test; those between are covered whole.
            long? from = query.From is { } f && f > segmentStart ? f.ToUnixTimeMilliseconds() : null;
            long? until = query.Until is { } u && u < segmentEnd ? u.ToUnixTimeMilliseconds() : null;
            hits.AddRange(segment.Search(query.Vector, limit, from, until, query.DeviceIds, _options.ExpansionSearch, ExactBelow));
        }

        IReadOnlyList<VectorHit> result = [.. hits.Where(h => h.Similarity >= query.MinSimilarity).OrderByDescending(h => h.Similarity).ThenBy(h => h.Id).Take(limit)];
        return Task.FromResult(result);
    }

    public Task<int> RemoveAsync(CaptureType type, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var removed = 0;
        foreach (var ((segmentType, _), segment) in _segments)
        {
            if (segmentType == type)
            {
                removed += segment.Remove(ids.Where(segment.Contains).ToList());
            }
        }

        return Task.FromResult(removed);
    }

    public Task<IReadOnlyList<VectorDayCount>> CountByDayAsync(CaptureType type, CancellationToken cancellationToken)
    {
        IReadOnlyList<VectorDayCount> counts = [.. _segments.Where(s => s.Key.Type == type).SelectMany(s => s.Value.CountsByDay()).OrderBy(c => c.Day)];
        return Task.FromResult(counts);
    }

    /// <summary>Returns how many days (of any type) held vectors and were dropped.</summary>
    public Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        var dropped = 0;
        foreach (var key in _segments.Keys.Where(k => k.Start < cutoff).ToList())
        {
            if (key.Start.AddDays(_span) > cutoff)
            {
                dropped += _segments[key].RemoveDaysBefore(cutoff);
            }
            else if (_segments.TryRemove(key, out var segment))
            {
                dropped += segment.CountsByDay().Count();
                segment.Dispose();
                File.Delete(IndexPath(key.Type, key.Start));
                File.Delete(EntriesPath(key.Type, key.Start));
                File.Delete(USearchSegment.ChecksumPath(IndexPath(key.Type, key.Start)));
            }
        }

        return Task.FromResult(dropped);
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var ((type, day), segment) in _segments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (segment.IsDirty)
            {
                segment.Save(IndexPath(type, day), EntriesPath(type, day));
            }
        }

        return Task.CompletedTask;
    }

    public Task<VectorIndexInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var vectors = Enum.GetValues<CaptureType>().ToDictionary(
            t => t.ToString().ToLowerInvariant(),
            t => _segments.Where(s => s.Key.Type == t).Sum(s => s.Value.Count),
            StringComparer.Ordinal);
        return Task.FromResult(new VectorIndexInfo(Provider, _folder, vectors, _segments.Values.Sum(s => s.MemoryBytes)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var segment in _segments.Values)
            {
                segment.Dispose();
            }

            _segments.Clear();
        }
    }

    private string TypeFolder(CaptureType type) => Path.Combine(_folder, type.ToString().ToLowerInvariant());

    private string SpanFolder(CaptureType type) => Path.Combine(TypeFolder(type), _span.ToString(CultureInfo.InvariantCulture) + "d");

    private string IndexPath(CaptureType type, DateOnly start) => Path.Combine(SpanFolder(type), start.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ".usearch");

    private string EntriesPath(CaptureType type, DateOnly start) => Path.ChangeExtension(IndexPath(type, start), ".entries");

    /// <summary>The first day of the segment holding <paramref name="day"/> (day numbers count from a Monday).</summary>
    private DateOnly SegmentStart(DateOnly day) => DateOnly.FromDayNumber(day.DayNumber - (day.DayNumber % _span));

    private USearchSegment Segment(CaptureType type, DateOnly start)
    {
        if (_segments.TryGetValue((type, start), out var segment))
        {
            return segment;
        }

        lock (_createGate)
        {
            return _segments.GetOrAdd((type, start), _ => USearchSegment.Create(start, _span, _options.Dimensions(type), _quantisation, _options));
        }
    }

    /// <summary>
    /// Deletes the segments of another span (the per-day files of earlier versions directly in the type's folder, and
    /// folders of another <see cref="VectorOptions.SegmentDays"/>): the host rebuilds their days from the analytics
    /// store. Damaged files set aside are kept.
    /// </summary>
    private void RemoveOtherLayouts(CaptureType type)
    {
        var current = SpanFolder(type);
        var stale = Directory.EnumerateFiles(TypeFolder(type))
            .Where(f => Path.GetExtension(f) is ".usearch" or ".entries" or ".sha256")
            .Concat(Directory.EnumerateDirectories(TypeFolder(type)).Where(d => d != current && Path.GetFileName(d).EndsWith('d')))
            .ToList();
        foreach (var path in stale)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }

        if (stale.Count > 0)
        {
            LogOtherLayoutRemoved(_logger, type, stale.Count, _span);
        }
    }

    private void SetAside(CaptureType type, DateOnly day, string reason)
    {
        var stamp = Environment.TickCount64.ToString(CultureInfo.InvariantCulture);
        foreach (var path in new[] { IndexPath(type, day), EntriesPath(type, day), USearchSegment.ChecksumPath(IndexPath(type, day)) })
        {
            if (File.Exists(path))
            {
                File.Move(path, $"{path}.damaged-{stamp}", overwrite: true);
            }
        }

        lock (_damaged)
        {
            _damaged.Add($"{type.ToString().ToLowerInvariant()}/{day:yyyyMMdd}: {reason}");
        }

        LogSegmentSetAside(_logger, type, day, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} {Type} vector files of another segment span; their days are rebuilt from the analytics store in {Days}-day segments")]
    private static partial void LogOtherLayoutRemoved(ILogger logger, CaptureType type, int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Type} vector segment of {Day} could not be loaded and was set aside to be rebuilt from the analytics store: {Reason}")]
    private static partial void LogSegmentSetAside(ILogger logger, CaptureType type, DateOnly day, string reason);
}

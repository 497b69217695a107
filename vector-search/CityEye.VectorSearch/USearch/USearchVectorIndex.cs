using System.Collections.Concurrent;
using System.Globalization;
using CityEye.Core.Captures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.VectorSearch.USearch;

/// <summary>
/// The embedded vector index: per capture type, one USearch HNSW segment per UTC day under
/// <c>{folder}/{type}/{yyyyMMdd}.usearch</c> with its entry file (<c>.entries</c>: capture id, time, device). A time
/// range searches only its days; retention deletes whole days. Segments are saved every
/// <see cref="VectorOptions.SaveInterval"/> by the host and on dispose; one that fails to load (damaged, cut short,
/// of another dimension) is set aside and listed in <see cref="DamagedSegments"/>, and the host re-adds its day from
/// the analytics store (adds are idempotent by id).
/// </summary>
public sealed partial class USearchVectorIndex : IVectorIndex
{
    /// <summary>Filtered searches of fewer candidates than this scan them exactly instead of walking the graph.</summary>
    public const int ExactBelow = 4_000;

    private readonly string _folder;
    private readonly VectorOptions _options;
    private readonly UsScalar _quantisation;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(CaptureType Type, DateOnly Day), USearchSegment> _segments = new();
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
            var folder = TypeFolder(type);
            Directory.CreateDirectory(folder);
            foreach (var path in Directory.EnumerateFiles(folder, "*.usearch").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    || _segments.ContainsKey((type, day)))
                {
                    continue;
                }

                try
                {
                    _segments[(type, day)] = USearchSegment.Load(day, path, EntriesPath(type, day), _options.Dimensions(type), _quantisation, _options);
                }
                catch (Exception e) when (e is VectorIndexException or IOException)
                {
                    SetAside(type, day, e.Message);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> AddAsync(CaptureType type, IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        VectorChecks.Require(type, entries.Select(e => e.Vector), _options.Dimensions(type));
        var added = 0;
        foreach (var day in entries.GroupBy(e => VectorChecks.DayOf(e.Time)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            added += Segment(type, day.Key).Add([.. day]);
        }

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
        var days = VectorChecks.DaysIn(query.From, query.Until, Days(query.Type)).ToList();
        var hits = new List<VectorHit>();
        foreach (var day in days)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_segments.TryGetValue((query.Type, day), out var segment))
            {
                continue;
            }

            // Only the first and last day need the time test; the days between are covered whole.
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            long? from = query.From is { } f && f > dayStart ? f.ToUnixTimeMilliseconds() : null;
            long? until = query.Until is { } u && u < dayStart.AddDays(1) ? u.ToUnixTimeMilliseconds() : null;
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
        IReadOnlyList<VectorDayCount> counts = [.. _segments.Where(s => s.Key.Type == type && s.Value.Count > 0)
            .Select(s => new VectorDayCount(s.Key.Day, s.Value.Count)).OrderBy(c => c.Day)];
        return Task.FromResult(counts);
    }

    public Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        var dropped = 0;
        foreach (var key in _segments.Keys.Where(k => k.Day < cutoff).ToList())
        {
            if (_segments.TryRemove(key, out var segment))
            {
                segment.Dispose();
                File.Delete(IndexPath(key.Type, key.Day));
                File.Delete(EntriesPath(key.Type, key.Day));
                File.Delete(USearchSegment.ChecksumPath(IndexPath(key.Type, key.Day)));
                dropped++;
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

    private string IndexPath(CaptureType type, DateOnly day) => Path.Combine(TypeFolder(type), day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ".usearch");

    private string EntriesPath(CaptureType type, DateOnly day) => Path.ChangeExtension(IndexPath(type, day), ".entries");

    private List<DateOnly> Days(CaptureType type) => [.. _segments.Keys.Where(k => k.Type == type).Select(k => k.Day).Order()];

    private USearchSegment Segment(CaptureType type, DateOnly day)
    {
        if (_segments.TryGetValue((type, day), out var segment))
        {
            return segment;
        }

        lock (_createGate)
        {
            return _segments.GetOrAdd((type, day), _ => USearchSegment.Create(day, _options.Dimensions(type), _quantisation, _options));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Type} vector segment of {Day} could not be loaded and was set aside to be rebuilt from the analytics store: {Reason}")]
    private static partial void LogSegmentSetAside(ILogger logger, CaptureType type, DateOnly day, string reason);
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CityEye.VectorSearch.USearch;

/// <summary>
/// A span of UTC days (<see cref="VectorOptions.SegmentDays"/>) of one capture type: a native USearch HNSW index
/// (cosine, quantised) plus, for each key, the capture time and device that filters test, the keys of each device for
/// exact scans of small filtered sets, and the count of each day for the rebuild and for estimating how much a time
/// range keeps. Adds are serialised by <see cref="_addGate"/> and run one at a time: USearch 2.26's concurrent adds
/// can leave a node stored but unreachable by search (unum-cloud/USearch issue 735, unfixed in this release), which
/// the tests here caught as a stored vector not found by itself. Searches run concurrently with adds once the capacity
/// is reserved; growing the capacity, saving and freeing take the exclusive side of <see cref="_lock"/>. The candidate list of a search (ef) is
/// the hit count asked of the native search, so concurrent searches never share a setting.
/// </summary>
internal sealed unsafe class USearchSegment : IDisposable
{
    /// <summary>Concurrent search contexts the native index keeps (searches beyond this wait on the lock).</summary>
    public const int SearchThreads = 64;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly object _addGate = new();
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly ConcurrentDictionary<long, ConcurrentQueue<long>> _byDevice = new();
    private readonly int _dimensions;
    private readonly int[] _dayCounts;
    private nint _handle;
    private bool _dirty;

    private USearchSegment(DateOnly start, int days, nint handle, int dimensions)
    {
        Start = start;
        _dayCounts = new int[days];
        _handle = handle;
        _dimensions = dimensions;
    }

    /// <summary>The first UTC day the segment holds.</summary>
    public DateOnly Start { get; }

    /// <summary>How many days the segment spans.</summary>
    public int Days => _dayCounts.Length;

    public long Count => _entries.Count;

    /// <summary>Vectors per day (days without any left out).</summary>
    public IEnumerable<VectorDayCount> CountsByDay() =>
        _dayCounts.Select((count, i) => new VectorDayCount(Start.AddDays(i), Volatile.Read(ref _dayCounts[i]))).Where(c => c.Count > 0);

    public bool IsDirty => Volatile.Read(ref _dirty);

    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                nint error = 0;
                return _handle == 0 ? 0 : (long)UsNative.usearch_memory_usage(_handle, &error);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>A new empty segment of <paramref name="days"/> days from <paramref name="start"/>.</summary>
    public static USearchSegment Create(DateOnly start, int days, int dimensions, UsScalar quantisation, VectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var init = new UsInitOptions
        {
            MetricKind = UsMetric.Cos,
            Quantization = quantisation,
            Dimensions = (nuint)dimensions,
            Connectivity = (nuint)options.Connectivity,
            ExpansionAdd = (nuint)options.ExpansionAdd,
            ExpansionSearch = (nuint)options.ExpansionSearch,
        };
        nint error = 0;
        var handle = UsNative.usearch_init(&init, &error);
        UsNative.Check(error, "init");
        if (handle == 0)
        {
            throw new VectorIndexException("USearch init returned no index.");
        }

        var segment = new USearchSegment(start, days, handle, dimensions);
        segment.SetThreads();
        return segment;
    }

    /// <summary>
    /// Loads a saved segment (index and entry files); throws <see cref="VectorIndexException"/> when either is damaged
    /// or does not match (the caller drops the segment and rebuilds it from the analytics store).
    /// </summary>
    public static USearchSegment Load(DateOnly start, int days, string indexPath, string entriesPath, int dimensions, UsScalar quantisation, VectorOptions options)
    {
        VerifyChecksums(indexPath, entriesPath);
        var segment = Create(start, days, dimensions, quantisation, options);
        try
        {
            nint error = 0;
            UsNative.usearch_load(segment._handle, indexPath, &error);
            UsNative.Check(error, $"load of {Path.GetFileName(indexPath)}");
            var loadedDimensions = (int)UsNative.usearch_dimensions(segment._handle, &error);
            if (loadedDimensions != dimensions)
            {
                throw new VectorIndexException($"{Path.GetFileName(indexPath)} holds {loadedDimensions}-dimensional vectors, expected {dimensions}.");
            }

            segment.SetThreads();
            segment.ReadEntries(entriesPath);
            var size = (long)UsNative.usearch_size(segment._handle, &error);
            if (size != segment._entries.Count)
            {
                throw new VectorIndexException($"{Path.GetFileName(indexPath)} holds {size} vectors but its entry file {segment._entries.Count}.");
            }

            return segment;
        }
        catch
        {
            segment.Dispose();
            throw;
        }
    }

    public bool Contains(long id) => _entries.ContainsKey(id);

    /// <summary>Adds the entries not yet present; returns how many were added.</summary>
    public int Add(IReadOnlyList<VectorEntry> entries)
    {
        lock (_addGate)
        {
            var fresh = entries.Where(e => !_entries.ContainsKey(e.Id)).DistinctBy(e => e.Id).ToList();
            if (fresh.Count == 0)
            {
                return 0;
            }

            EnsureCapacity(_entries.Count + fresh.Count);
            _lock.EnterReadLock();
            try
            {
                var handle = _handle;
                foreach (var entry in fresh)
                {
                    nint error = 0;
                    fixed (float* vector = entry.Vector)
                    {
                        UsNative.usearch_add(handle, (ulong)entry.Id, vector, UsScalar.F32, &error);
                    }

                    UsNative.Check(error, "add");
                    Track(entry.Id, new Entry(entry.Time.ToUnixTimeMilliseconds(), entry.DeviceId));
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }

            Volatile.Write(ref _dirty, true);
            return fresh.Count;
        }
    }

    /// <summary>Removes entries; returns how many were present.</summary>
    public int Remove(IEnumerable<long> ids)
    {
        lock (_addGate)
        {
            _lock.EnterReadLock();
            try
            {
                var removed = 0;
                foreach (var id in ids)
                {
                    if (_entries.TryRemove(id, out var entry))
                    {
                        Interlocked.Decrement(ref _dayCounts[DayIndex(entry.TimeMs)]);
                        nint error = 0;
                        UsNative.usearch_remove(_handle, (ulong)id, &error);
                        UsNative.Check(error, "remove");
                        removed++;
                    }
                }

                if (removed > 0)
                {
                    Volatile.Write(ref _dirty, true);
                }

                return removed;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Removes the entries of the days before <paramref name="cutoff"/>; returns how many days held any.</summary>
    public int RemoveDaysBefore(DateOnly cutoff)
    {
        var days = CountsByDay().Count(c => c.Day < cutoff);
        if (days > 0)
        {
            var cutoffMs = new DateTimeOffset(cutoff.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            Remove([.. _entries.Where(e => e.Value.TimeMs < cutoffMs).Select(e => e.Key)]);
        }

        return days;
    }

    /// <summary>
    /// The <paramref name="limit"/> nearest entries passing the time range and device set. A device set that leaves
    /// few entries (fewer than <paramref name="exactBelow"/> by the device counts) is answered by an exact scan of
    /// those entries; otherwise the graph is searched with the filter, with a candidate list (ef) widened by the
    /// inverse square root of the share the filter is estimated to keep (device counts times the day counts the time
    /// range covers).
    /// </summary>
    public List<VectorHit> Search(float[] query, int limit, long? fromMs, long? untilMs, IReadOnlySet<long>? devices, int expansion, int exactBelow)
    {
        _lock.EnterReadLock();
        try
        {
            if (_handle == 0 || _entries.IsEmpty)
            {
                return [];
            }

            var total = _entries.Count;
            var timeFiltered = fromMs is not null || untilMs is not null;
            long candidates = total;
            if (devices is not null)
            {
                candidates = devices.Sum(d => _byDevice.TryGetValue(d, out var ids) ? (long)ids.Count : 0);
                if (candidates == 0)
                {
                    return [];
                }
            }

            if (devices is not null && candidates < exactBelow)
            {
                return Exact(query, limit, fromMs, untilMs, devices);
            }

            var filter = new Filter(_entries, fromMs ?? long.MinValue, untilMs ?? long.MaxValue, devices);
            var selectivity = Math.Max(candidates / (double)total * TimeShare(fromMs, untilMs, total), 0.005);
            var ef = (int)Math.Clamp(Math.Max(limit, expansion) / Math.Sqrt(selectivity), limit, 4096);
            var keys = new ulong[ef];
            var distances = new float[ef];
            nint error = 0;
            nuint found;
            fixed (float* q = query)
            fixed (ulong* k = keys)
            fixed (float* d = distances)
            {
                // USearch widens its candidate list to the hit count asked for: asking for ef hits is a per-query ef.
                if (devices is null && !timeFiltered)
                {
                    found = UsNative.usearch_search(_handle, q, UsScalar.F32, (nuint)ef, k, d, &error);
                }
                else
                {
                    var state = GCHandle.Alloc(filter);
                    try
                    {
                        found = UsNative.usearch_filtered_search(_handle, q, UsScalar.F32, (nuint)ef, &Accept, (void*)GCHandle.ToIntPtr(state), k, d, &error);
                    }
                    finally
                    {
                        state.Free();
                    }
                }
            }

            UsNative.Check(error, "search");
            var hits = new List<VectorHit>(Math.Min((int)found, limit));
            for (var i = 0; i < (int)found && hits.Count < limit; i++)
            {
                var id = (long)keys[i];
                if (_entries.TryGetValue(id, out var entry))
                {
                    hits.Add(new VectorHit(id, 1f - distances[i], DateTimeOffset.FromUnixTimeMilliseconds(entry.TimeMs), entry.DeviceId));
                }
            }

            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The checksum file beside a segment's index: the SHA-256 of the index file and of the entry file. USearch's own
    /// format has none, and damage inside its vector or graph section can load without error and crash later.
    /// </summary>
    public static string ChecksumPath(string indexPath) => Path.ChangeExtension(indexPath, ".sha256");

    /// <summary>Saves the index, its entries and their checksums (temporary files renamed into place, checksums last).</summary>
    public void Save(string indexPath, string entriesPath)
    {
        lock (_addGate)
        {
            if (!IsDirty)
            {
                return;
            }

            _lock.EnterReadLock();
            try
            {
                nint error = 0;
                UsNative.usearch_save(_handle, indexPath + ".tmp", &error);
                UsNative.Check(error, "save");
                WriteEntries(entriesPath + ".tmp");
                var sums = ChecksumPath(indexPath);
                File.WriteAllText(sums + ".tmp", $"{Sha256(indexPath + ".tmp")} {Sha256(entriesPath + ".tmp")}\n");
                File.Move(indexPath + ".tmp", indexPath, overwrite: true);
                File.Move(entriesPath + ".tmp", entriesPath, overwrite: true);
                File.Move(sums + ".tmp", sums, overwrite: true);
                Volatile.Write(ref _dirty, false);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_handle != 0)
            {
                nint error = 0;
                UsNative.usearch_free(_handle, &error);
                _handle = 0;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _lock.Dispose();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Accept(ulong key, void* state)
    {
        var filter = (Filter)GCHandle.FromIntPtr((nint)state).Target!;
        return filter.Accepts((long)key) ? 1 : 0;
    }

    private static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.Cosine(a, b);

    private List<VectorHit> Exact(float[] query, int limit, long? fromMs, long? untilMs, IReadOnlySet<long> devices)
    {
        var vector = new float[_dimensions];
        var hits = new List<VectorHit>();
        foreach (var device in devices)
        {
            if (!_byDevice.TryGetValue(device, out var ids))
            {
                continue;
            }

            foreach (var id in ids)
            {
                if (!_entries.TryGetValue(id, out var entry) || entry.TimeMs < (fromMs ?? long.MinValue) || entry.TimeMs >= (untilMs ?? long.MaxValue))
                {
                    continue;
                }

                nint error = 0;
                fixed (float* v = vector)
                {
                    if (UsNative.usearch_get(_handle, (ulong)id, 1, v, UsScalar.F32, &error) == 0)
                    {
                        continue;
                    }
                }

                UsNative.Check(error, "get");
                hits.Add(new VectorHit(id, Cosine(query, vector), DateTimeOffset.FromUnixTimeMilliseconds(entry.TimeMs), entry.DeviceId));
            }
        }

        return [.. hits.OrderByDescending(h => h.Similarity).Take(limit)];
    }

    private int DayIndex(long timeMs) =>
        (int)Math.Floor((timeMs - new DateTimeOffset(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds()) / 86_400_000.0);

    private void Track(long id, Entry entry)
    {
        _entries[id] = entry;
        Interlocked.Increment(ref _dayCounts[DayIndex(entry.TimeMs)]);
        _byDevice.GetOrAdd(entry.DeviceId, _ => new ConcurrentQueue<long>()).Enqueue(id);
    }

    /// <summary>The share of the segment's entries a time range keeps, from the day counts (part days pro rata).</summary>
    private double TimeShare(long? fromMs, long? untilMs, long total)
    {
        if (fromMs is null && untilMs is null)
        {
            return 1;
        }

        var startMs = new DateTimeOffset(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        double kept = 0;
        for (var i = 0; i < _dayCounts.Length; i++)
        {
            var dayStart = startMs + (i * 86_400_000L);
            var overlap = Math.Min(untilMs ?? long.MaxValue, dayStart + 86_400_000L) - Math.Max(fromMs ?? long.MinValue, dayStart);
            if (overlap > 0)
            {
                kept += Volatile.Read(ref _dayCounts[i]) * Math.Min(overlap / 86_400_000.0, 1);
            }
        }

        return Math.Clamp(kept / total, 0, 1);
    }

    private void SetThreads()
    {
        nint error = 0;
        UsNative.usearch_change_threads_add(_handle, 1, &error);
        UsNative.Check(error, "change_threads_add");
        UsNative.usearch_change_threads_search(_handle, SearchThreads, &error);
        UsNative.Check(error, "change_threads_search");
    }

    /// <summary>Reserves room for <paramref name="needed"/> vectors (growing by half at least), excluding searches meanwhile.</summary>
    private void EnsureCapacity(long needed)
    {
        nint error = 0;
        var capacity = (long)UsNative.usearch_capacity(_handle, &error);
        if (capacity >= needed)
        {
            return;
        }

        var target = Math.Max(needed, Math.Max(1024, capacity + (capacity / 2)));
        _lock.EnterWriteLock();
        try
        {
            UsNative.usearch_reserve(_handle, (nuint)target, &error);
            UsNative.Check(error, "reserve");
            SetThreads();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void WriteEntries(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new BinaryWriter(stream);
        var snapshot = _entries.ToArray();
        writer.Write(snapshot.Length);
        foreach (var (id, entry) in snapshot)
        {
            writer.Write(id);
            writer.Write(entry.TimeMs);
            writer.Write(entry.DeviceId);
        }

        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    private void ReadEntries(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream);
        try
        {
            var count = reader.ReadInt32();
            if (count < 0 || (long)count * 24 != stream.Length - 4)
            {
                throw new VectorIndexException($"{Path.GetFileName(path)} is {stream.Length} bytes, not {count} entries.");
            }

            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadInt64();
                var entry = new Entry(reader.ReadInt64(), reader.ReadInt64());
                var dayIndex = DayIndex(entry.TimeMs);
                if (dayIndex < 0 || dayIndex >= _dayCounts.Length)
                {
                    throw new VectorIndexException($"{Path.GetFileName(path)} holds a capture of {DateTimeOffset.FromUnixTimeMilliseconds(entry.TimeMs):yyyy-MM-dd}, outside the segment's days.");
                }

                Track(id, entry);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new VectorIndexException($"{Path.GetFileName(path)} is cut short.", e);
        }
    }

    /// <summary>Throws <see cref="VectorIndexException"/> unless both files match the checksums saved with them.</summary>
    private static void VerifyChecksums(string indexPath, string entriesPath)
    {
        var sums = ChecksumPath(indexPath);
        if (!File.Exists(sums))
        {
            throw new VectorIndexException($"{Path.GetFileName(indexPath)} has no checksum file.");
        }

        var expected = File.ReadAllText(sums).Trim().Split(' ');
        if (expected.Length != 2 || expected[0] != Sha256(indexPath) || expected[1] != Sha256(entriesPath))
        {
            throw new VectorIndexException($"{Path.GetFileName(indexPath)} or its entry file does not match its checksum.");
        }
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private readonly record struct Entry(long TimeMs, long DeviceId);

    private sealed class Filter(ConcurrentDictionary<long, Entry> entries, long fromMs, long untilMs, IReadOnlySet<long>? devices)
    {
        public bool Accepts(long key) =>
            entries.TryGetValue(key, out var entry) && entry.TimeMs >= fromMs && entry.TimeMs < untilMs && (devices is null || devices.Contains(entry.DeviceId));
    }
}

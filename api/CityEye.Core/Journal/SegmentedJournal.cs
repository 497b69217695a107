using System.Globalization;
using System.Text.Json;

namespace CityEye.Core.Journal;

/// <summary>
/// A local append-only journal of records with increasing sequences, one JSON line each, in segment files named by
/// their first sequence. <see cref="Append"/> gives a record the next sequence and writes it before returning, so a
/// killed process loses nothing acknowledged after the call (the operating system holds the written bytes); the file
/// is flushed to disk every <see cref="SyncInterval"/> for power loss. A drain reads from any sequence and deletes the
/// segments it has fully stored. A line cut off by a crash is dropped when the journal opens. Used by the log pipeline
/// and the capture ingest.
/// </summary>
/// <typeparam name="T">The record; <c>sequenceOf</c> reads the sequence <see cref="Append"/> gave it.</typeparam>
public sealed class SegmentedJournal<T> : IDisposable
    where T : class
{
    /// <summary>Size at which a new segment starts.</summary>
    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(200);

    private readonly object _gate = new();
    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly JsonSerializerOptions _json;
    private readonly Func<T, long> _sequenceOf;
    private readonly Timer _sync;
    private FileStream _current;
    private long _currentStart;
    private bool _dirty;
    private bool _disposed;
    private (string Path, long Offset, long Sequence)? _readCursor;

    public SegmentedJournal(string folder, JsonSerializerOptions json, Func<T, long> sequenceOf, long segmentBytes = DefaultSegmentBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sequenceOf);
        _folder = folder;
        _segmentBytes = segmentBytes;
        _json = json;
        _sequenceOf = sequenceOf;
        Directory.CreateDirectory(folder);
        Last = Recover();
        LastSequence = Last is null ? 0 : sequenceOf(Last);
        _currentStart = LastSequence + 1;
        var newest = Segments().LastOrDefault();
        if (newest.Path is not null && new FileInfo(newest.Path).Length < _segmentBytes)
        {
            _currentStart = newest.Start;
            _current = Open(newest.Path);
        }
        else
        {
            _current = Open(SegmentPath(_currentStart));
        }

        _sync = new Timer(_ => Sync(), null, SyncInterval, SyncInterval);
    }

    /// <summary>Sequence of the newest record written (0 when the journal has never had one).</summary>
    public long LastSequence { get; private set; }

    /// <summary>The newest record found when the journal opened (null when empty).</summary>
    public T? Last { get; }

    /// <summary>
    /// Continues after <paramref name="sequence"/> when the store holds records newer than the journal (a journal
    /// folder lost or replaced): sequences never restart. <paramref name="advanced"/> runs under the journal's lock
    /// when the sequence moves.
    /// </summary>
    public void ContinueAfter(long sequence, Action? advanced = null)
    {
        lock (_gate)
        {
            if (sequence > LastSequence)
            {
                LastSequence = sequence;
                advanced?.Invoke();
            }
        }
    }

    /// <summary>
    /// Writes one record built by <paramref name="create"/> from the next sequence and returns it. Both delegates run
    /// under the journal's lock, <paramref name="written"/> only once the line is written.
    /// </summary>
    public T Append(Func<long, T> create, Action<T>? written = null) => AppendMany(1, (sequence, _) => create(sequence), written)[0];

    /// <summary>
    /// Writes <paramref name="count"/> records with consecutive sequences (one flush for all) and returns them. Nothing
    /// of the batch counts as written when the write fails: the sequence does not move.
    /// </summary>
    public IReadOnlyList<T> AppendMany(int count, Func<long, int, T> create, Action<T>? written = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var records = new List<T>(count);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current.Length >= _segmentBytes)
            {
                _current.Flush(flushToDisk: true);
                _current.Dispose();
                _currentStart = LastSequence + 1;
                _current = Open(SegmentPath(_currentStart));
            }

            var start = _current.Length;
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var record = create(LastSequence + 1 + i, i);
                    _current.Write(JsonSerializer.SerializeToUtf8Bytes(record, _json));
                    _current.WriteByte((byte)'\n');
                    records.Add(record);
                }

                _current.Flush(flushToDisk: false);
            }
            catch
            {
                // Cut the partial batch off so its sequences are given again.
                _current.SetLength(start);
                throw;
            }

            _dirty = true;
            LastSequence += count;
            if (written is not null)
            {
                records.ForEach(written);
            }
        }

        return records;
    }

    /// <summary>
    /// Up to <paramref name="take"/> records after <paramref name="afterSequence"/>, in order. A read that continues
    /// where the previous one stopped (the drain's case) starts at that byte of that segment instead of parsing the
    /// segment again.
    /// </summary>
    public List<T> ReadAfter(long afterSequence, int take)
    {
        var found = new List<T>(Math.Min(take, 10_000));
        var segments = Segments();
        var cursor = _readCursor;
        (string Path, long Offset, long Sequence)? last = null;
        for (var i = 0; i < segments.Count && found.Count < take; i++)
        {
            var next = i + 1 < segments.Count ? segments[i + 1].Start : long.MaxValue;
            if (next <= afterSequence + 1)
            {
                continue;
            }

            var from = cursor is { } c && c.Sequence == afterSequence && string.Equals(c.Path, segments[i].Path, StringComparison.Ordinal) ? c.Offset : 0;
            foreach (var (record, end) in ReadSegment(segments[i].Path, from))
            {
                var sequence = _sequenceOf(record);
                if (sequence > afterSequence)
                {
                    found.Add(record);
                    last = (segments[i].Path, end, sequence);
                    if (found.Count == take)
                    {
                        break;
                    }
                }
            }
        }

        if (last is not null)
        {
            _readCursor = last;
        }

        return found;
    }

    /// <summary>Deletes the segments whose every record is at or below <paramref name="storedSequence"/> (never the current one).</summary>
    public int DeleteStored(long storedSequence)
    {
        var deleted = 0;
        var segments = Segments();
        for (var i = 0; i + 1 < segments.Count; i++)
        {
            lock (_gate)
            {
                if (segments[i].Start == _currentStart)
                {
                    continue;
                }
            }

            if (segments[i + 1].Start - 1 <= storedSequence)
            {
                File.Delete(segments[i].Path);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Flushes written records to disk (also done every <see cref="SyncInterval"/>).</summary>
    public void Sync()
    {
        lock (_gate)
        {
            // The timer may fire while the journal is being disposed.
            if (_dirty && !_disposed)
            {
                _current.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
    }

    public void Dispose()
    {
        _sync.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _current.Flush(flushToDisk: true);
            _current.Dispose();
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);

    /// <summary>The complete lines of a segment from byte <paramref name="offset"/>, each with the byte after it.</summary>
    private IEnumerable<(T Record, long End)> ReadSegment(string path, long offset)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (offset >= stream.Length)
            {
                yield break;
            }

            stream.Seek(offset, SeekOrigin.Begin);
            bytes = new byte[stream.Length - offset];
            stream.ReadExactly(bytes);
        }

        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
            {
                continue;
            }

            T? record;
            try
            {
                record = JsonSerializer.Deserialize<T>(bytes.AsSpan(start, i - start), _json);
            }
            catch (JsonException)
            {
                // Cannot happen for a complete line the journal wrote; stop rather than skip a sequence.
                yield break;
            }

            if (record is not null)
            {
                yield return (record, offset + i + 1);
            }

            start = i + 1;
        }

        // Bytes after the last newline are a line still being written: read again next time.
    }

    private string SegmentPath(long start) => Path.Combine(_folder, start.ToString("D20", CultureInfo.InvariantCulture) + ".jsonl");

    private List<(long Start, string Path)> Segments() =>
        [.. Directory.EnumerateFiles(_folder, "*.jsonl")
            .Select(p => (Ok: long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var start), Start: start, Path: p))
            .Where(s => s.Ok)
            .OrderBy(s => s.Start)
            .Select(s => (s.Start, s.Path))];

    /// <summary>The newest complete record; a trailing partial line is cut off.</summary>
    private T? Recover()
    {
        var segments = Segments();
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var path = segments[i].Path;
            var bytes = File.ReadAllBytes(path);
            var end = bytes.Length;
            while (end > 0 && bytes[end - 1] != (byte)'\n')
            {
                end--;
            }

            if (end < bytes.Length)
            {
                using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write);
                truncate.SetLength(end);
            }

            if (end == 0)
            {
                continue;
            }

            var start = end - 1;
            while (start > 0 && bytes[start - 1] != (byte)'\n')
            {
                start--;
            }

            return JsonSerializer.Deserialize<T>(bytes.AsSpan(start, end - 1 - start), _json)!;
        }

        return null;
    }
}

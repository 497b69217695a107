using System.Globalization;
using System.Text.Json;

namespace CityEye.Analytics.Logging;

/// <summary>
/// The local append-only journal in front of the analytics store. <see cref="Append"/> gives an entry the next
/// sequence and its SM3 chain hash and writes it as one JSON line to the current segment before returning, so a
/// killed process loses nothing that was logged (the operating system holds the written bytes); the file is flushed
/// to disk every <see cref="SyncInterval"/> for power loss. The drain reads segments from any sequence and deletes
/// the segments it has fully stored. A line cut off by a crash is dropped when the journal opens.
/// </summary>
public sealed class LogJournal : IDisposable
{
    /// <summary>Size at which a new segment starts.</summary>
    public const long SegmentBytes = 64L * 1024 * 1024;

    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(200);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly Timer _sync;
    private FileStream _current;
    private long _currentStart;
    private bool _dirty;
    private bool _disposed;
    private (string Path, long Offset, long Sequence)? _readCursor;

    public LogJournal(string folder, long segmentBytes = SegmentBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(folder);
        (LastSequence, LastHash) = Recover();
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

    /// <summary>Sequence of the newest entry written (0 when the journal has never had one).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Chain hash of the newest entry.</summary>
    public string LastHash { get; private set; }

    /// <summary>
    /// Continues the chain after <paramref name="sequence"/> and <paramref name="hash"/> when the store holds entries
    /// newer than the journal (a journal folder lost or replaced): sequences never restart.
    /// </summary>
    public void ContinueAfter(long sequence, string hash)
    {
        lock (_gate)
        {
            if (sequence > LastSequence)
            {
                LastSequence = sequence;
                LastHash = hash;
            }
        }
    }

    /// <summary>Writes an entry (its sequence and hash are assigned here) and returns it as stored.</summary>
    public LogEntry Append(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            var sequence = LastSequence + 1;
            var stored = Normalise(entry with { Sequence = sequence, Hash = string.Empty });
            stored = stored with { Hash = LogChain.Hash(LastHash, stored) };
            if (_current.Length >= _segmentBytes)
            {
                _current.Flush(flushToDisk: true);
                _current.Dispose();
                _currentStart = sequence;
                _current = Open(SegmentPath(sequence));
            }

            var line = JsonSerializer.SerializeToUtf8Bytes(stored, Json);
            _current.Write(line);
            _current.WriteByte((byte)'\n');
            _current.Flush(flushToDisk: false);
            _dirty = true;
            LastSequence = sequence;
            LastHash = stored.Hash;
            return stored;
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> entries after <paramref name="afterSequence"/>, in order. A read that continues
    /// where the previous one stopped (the drain's case) starts at that byte of that segment instead of parsing the
    /// segment again.
    /// </summary>
    public List<LogEntry> ReadAfter(long afterSequence, int take)
    {
        var found = new List<LogEntry>(Math.Min(take, 10_000));
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
            foreach (var (entry, end) in ReadSegment(segments[i].Path, from))
            {
                if (entry.Sequence > afterSequence)
                {
                    found.Add(entry);
                    last = (segments[i].Path, end, entry.Sequence);
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

    /// <summary>Deletes the segments whose every entry is at or below <paramref name="storedSequence"/> (never the current one).</summary>
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

    /// <summary>Flushes written entries to disk (also done every <see cref="SyncInterval"/>).</summary>
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

    private static LogEntry Normalise(LogEntry entry) =>
        entry with { At = DateTimeOffset.FromUnixTimeMilliseconds(entry.At.ToUnixTimeMilliseconds()) };

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);

    /// <summary>The complete lines of a segment from byte <paramref name="offset"/>, each with the byte after it.</summary>
    private static IEnumerable<(LogEntry Entry, long End)> ReadSegment(string path, long offset)
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

            LogEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<LogEntry>(bytes.AsSpan(start, i - start), Json);
            }
            catch (JsonException)
            {
                // Cannot happen for a complete line the journal wrote; stop rather than skip a sequence.
                yield break;
            }

            if (entry is not null)
            {
                yield return (entry, offset + i + 1);
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

    /// <summary>The newest complete entry; a trailing partial line is cut off.</summary>
    private (long Sequence, string Hash) Recover()
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

            var last = JsonSerializer.Deserialize<LogEntry>(bytes.AsSpan(start, end - 1 - start), Json)!;
            return (last.Sequence, last.Hash);
        }

        return (0, LogChain.Genesis);
    }
}

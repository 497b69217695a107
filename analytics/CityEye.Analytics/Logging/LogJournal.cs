using System.Text.Json;
using CityEye.Core.Journal;

namespace CityEye.Analytics.Logging;

/// <summary>
/// The local append-only journal in front of the analytics store (a <see cref="SegmentedJournal{T}"/> of log
/// entries). <see cref="Append"/> gives an entry the next sequence and its SM3 chain hash and writes it as one JSON
/// line before returning, so a killed process loses nothing that was logged; the drain reads from any sequence and
/// deletes the segments it has fully stored.
/// </summary>
public sealed class LogJournal : IDisposable
{
    /// <summary>Size at which a new segment starts.</summary>
    public const long SegmentBytes = SegmentedJournal<LogEntry>.DefaultSegmentBytes;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SegmentedJournal<LogEntry> _journal;

    public LogJournal(string folder, long segmentBytes = SegmentBytes)
    {
        _journal = new SegmentedJournal<LogEntry>(folder, Json, e => e.Sequence, segmentBytes);
        LastHash = _journal.Last?.Hash ?? LogChain.Genesis;
    }

    /// <summary>Sequence of the newest entry written (0 when the journal has never had one).</summary>
    public long LastSequence => _journal.LastSequence;

    /// <summary>Chain hash of the newest entry.</summary>
    public string LastHash { get; private set; }

    /// <summary>
    /// Continues the chain after <paramref name="sequence"/> and <paramref name="hash"/> when the store holds entries
    /// newer than the journal (a journal folder lost or replaced): sequences never restart.
    /// </summary>
    public void ContinueAfter(long sequence, string hash) => _journal.ContinueAfter(sequence, () => LastHash = hash);

    /// <summary>Writes an entry (its sequence and hash are assigned here) and returns it as stored.</summary>
    public LogEntry Append(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _journal.Append(
            sequence =>
            {
                var stored = Normalise(entry with { Sequence = sequence, Hash = string.Empty });
                return stored with { Hash = LogChain.Hash(LastHash, stored) };
            },
            stored => LastHash = stored.Hash);
    }

    /// <summary>Up to <paramref name="take"/> entries after <paramref name="afterSequence"/>, in order.</summary>
    public List<LogEntry> ReadAfter(long afterSequence, int take) => _journal.ReadAfter(afterSequence, take);

    /// <summary>Deletes the segments whose every entry is at or below <paramref name="storedSequence"/> (never the current one).</summary>
    public int DeleteStored(long storedSequence) => _journal.DeleteStored(storedSequence);

    /// <summary>Flushes written entries to disk (also done every <see cref="SegmentedJournal{T}.SyncInterval"/>).</summary>
    public void Sync() => _journal.Sync();

    public void Dispose() => _journal.Dispose();

    private static LogEntry Normalise(LogEntry entry) =>
        entry with { At = DateTimeOffset.FromUnixTimeMilliseconds(entry.At.ToUnixTimeMilliseconds()) };
}

using System.Text.Json;
using CityEye.Analytics.Captures;
using CityEye.Core.Journal;

namespace CityEye.Api.Captures;

/// <summary>
/// The ingest journal: every accepted capture is written here (one JSON line, its id = the journal sequence) before
/// the batch is acknowledged, and the drain moves it into the analytics store and the vector index.
/// </summary>
internal sealed class CaptureJournal(string folder) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SegmentedJournal<CaptureRecord> _journal = new(folder, Json, r => r.Capture.Id);

    public long LastSequence => _journal.LastSequence;

    public void ContinueAfter(long sequence) => _journal.ContinueAfter(sequence);

    /// <summary>Writes the records (their ids assigned here, consecutive) and returns them as written.</summary>
    public IReadOnlyList<CaptureRecord> Append(IReadOnlyList<CaptureRecord> records, Action<CaptureRecord> written) =>
        _journal.AppendMany(records.Count, (sequence, i) => records[i] with { Capture = records[i].Capture with { Id = sequence } }, written);

    public List<CaptureRecord> ReadAfter(long afterSequence, int take) => _journal.ReadAfter(afterSequence, take);

    public int DeleteStored(long storedSequence) => _journal.DeleteStored(storedSequence);

    public void Dispose() => _journal.Dispose();
}

using System.Text.RegularExpressions;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Sync;

/// <summary>Kinds of ledger batch.</summary>
public static class LedgerSyncModes
{
    /// <summary>Part of a complete copy of the source's ledger (a full run, one or more batches with one run id).</summary>
    public const string Full = "full";

    /// <summary>Changes since the previous batch.</summary>
    public const string Incremental = "incremental";
}

/// <summary>What a batch record asks for.</summary>
public static class LedgerSyncOps
{
    public const string Upsert = "upsert";
    public const string Delete = "delete";
}

/// <summary>Where a batch is.</summary>
public static class LedgerSyncStates
{
    /// <summary>Stored and acknowledged; waits for the sync job.</summary>
    public const string Queued = "queued";

    /// <summary>Applied to the ledger (its valid records written, the others reported).</summary>
    public const string Applied = "applied";
}

/// <summary>One device of a batch: its GB code, and the fields to set (upsert) or nothing (delete).</summary>
/// <param name="GbCode">20-digit GB/T 28181 code: the key that matches the source's record to CityEye's device.</param>
/// <param name="Op"><c>upsert</c> (default) or <c>delete</c>.</param>
/// <param name="Fields">Field values by key, as <c>GET /api/archive/fields</c> lists them (codes, not labels); an existing
/// device keeps the fields a record leaves out.</param>
public sealed record LedgerSyncRecord(string? GbCode, string? Op, IReadOnlyDictionary<string, string?>? Fields);

/// <summary>
/// A batch that the one-camera-one-file system pushes. Batches of one source carry consecutive sequence numbers
/// (1, 2, 3, …); a batch is identified by its <paramref name="BatchId"/>, so sending it again is harmless.
/// </summary>
/// <param name="BatchId">The source's id for the batch (1-128 characters); a repeated id is a replay and changes nothing.</param>
/// <param name="Sequence">1 for the source's first batch, then one more each time; the node refuses gaps and reuse.</param>
/// <param name="Mode"><c>full</c> or <c>incremental</c>.</param>
/// <param name="FullRunId">Full batches: the id shared by the batches of one complete copy.</param>
/// <param name="Final">Full batches: true on the last batch of the run; the node then reports (and, with
/// <paramref name="RemoveMissing"/>, deletes) the devices the run did not contain.</param>
/// <param name="RemoveMissing">Full batches: delete devices the complete copy does not contain (only for a source that is
/// the ledger of record; default false, which only reports them).</param>
/// <param name="Cursor">The source's own position after this batch (e.g. its change-log id or a timestamp), returned by
/// <c>GET /api/archive/sync/{source}</c> once the batch is applied, so the source knows where to resume.</param>
/// <param name="Records">The devices (at most <see cref="MaxRecords"/>).</param>
public sealed record LedgerSyncBatchRequest(
    string? BatchId,
    long Sequence,
    string? Mode,
    string? FullRunId,
    bool Final,
    bool RemoveMissing,
    string? Cursor,
    IReadOnlyList<LedgerSyncRecord>? Records)
{
    public const int MaxRecords = 5_000;

    private static readonly Regex IdPattern = new("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(2));

    /// <summary>Every problem of the batch envelope and its records' shape (field values are checked by the rules when applied).</summary>
    public List<Violation> Check()
    {
        var problems = new List<Violation>();
        if (BatchId is null || !IdPattern.IsMatch(BatchId))
        {
            problems.Add(new Violation("batchId", BatchId is null ? ErrorCodes.Required : ErrorCodes.Format));
        }

        if (Sequence < 1)
        {
            problems.Add(new Violation("sequence", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = long.MaxValue }));
        }

        if (Mode is not (LedgerSyncModes.Full or LedgerSyncModes.Incremental))
        {
            problems.Add(Mode is null ? new Violation("mode", ErrorCodes.Required) : new Violation("mode", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = Clip(Mode) }));
        }

        if (Mode == LedgerSyncModes.Full && (FullRunId is null || !IdPattern.IsMatch(FullRunId)))
        {
            problems.Add(new Violation("fullRunId", FullRunId is null ? ErrorCodes.Required : ErrorCodes.Format));
        }

        if (Mode == LedgerSyncModes.Incremental && (Final || RemoveMissing || FullRunId is not null))
        {
            problems.Add(new Violation(FullRunId is not null ? "fullRunId" : Final ? "final" : "removeMissing", ErrorCodes.SyncFullOnly));
        }

        if (Cursor is { Length: > 256 })
        {
            problems.Add(new Violation("cursor", ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = 0, ["max"] = 256 }));
        }

        var records = Records ?? [];
        if (records.Count > MaxRecords)
        {
            problems.Add(new Violation("records", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 0, ["max"] = MaxRecords }));
            return problems;
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count && problems.Count < 100; i++)
        {
            var record = records[i];
            var at = $"records[{i}]";
            if (record is null)
            {
                problems.Add(new Violation(at, ErrorCodes.Required));
                continue;
            }

            if (string.IsNullOrWhiteSpace(record.GbCode))
            {
                problems.Add(new Violation(at + ".gbCode", ErrorCodes.Required));
            }
            else if (!codes.Add(record.GbCode.Trim()))
            {
                problems.Add(new Violation(at + ".gbCode", ErrorCodes.SyncDuplicateRecord, new Dictionary<string, object?> { ["value"] = Clip(record.GbCode) }));
            }

            if (record.Op is not (null or LedgerSyncOps.Upsert or LedgerSyncOps.Delete))
            {
                problems.Add(new Violation(at + ".op", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = Clip(record.Op) }));
            }

            if (record.Fields is { } fields && (fields.Count > 200 || fields.Values.Any(v => v is { Length: > 2000 })))
            {
                problems.Add(new Violation(at + ".fields", ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = 0, ["max"] = 2000 }));
            }
        }

        return problems;
    }

    private static string Clip(string value) => value.Length > 40 ? value[..40] : value;
}

/// <summary>A source of ledger batches and where it stands.</summary>
public sealed record LedgerSyncSource
{
    public string Source { get; init; } = string.Empty;

    /// <summary>Sequence of the newest batch stored (acknowledged).</summary>
    public long AcceptedSequence { get; init; }

    /// <summary>Sequence of the newest batch applied to the ledger.</summary>
    public long AppliedSequence { get; init; }

    /// <summary>The source's cursor of the newest applied batch.</summary>
    public string? Cursor { get; init; }

    public DateTimeOffset? LastFullSyncAt { get; init; }

    /// <summary>The user who first pushed to the source; only they (or their tokens) push to and read it.</summary>
    public string? Owner { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A stored batch with what applying it did.</summary>
public sealed record LedgerSyncBatch
{
    public string Source { get; init; } = string.Empty;

    public long Sequence { get; init; }

    public string BatchId { get; init; } = string.Empty;

    public string Mode { get; init; } = string.Empty;

    public string? FullRun { get; init; }

    public bool Final { get; init; }

    public bool RemoveMissing { get; init; }

    public string? Cursor { get; init; }

    public string? Payload { get; init; }

    public int RecordCount { get; init; }

    public string Status { get; init; } = string.Empty;

    public string? JobId { get; init; }

    public int Created { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    public int Deleted { get; init; }

    public int Rejected { get; init; }

    public int Missing { get; init; }

    public string? Report { get; init; }

    public string ReceivedBy { get; init; } = string.Empty;

    public DateTimeOffset ReceivedAt { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }
}

/// <summary>One record's problems (record number 1-based, as in the batch).</summary>
public sealed record LedgerSyncRecordProblem(int Record, string? GbCode, IReadOnlyList<Violation> Violations);

/// <summary>Per-record problems of an applied batch, and the devices a final full batch found missing from the source.</summary>
public sealed record LedgerSyncReport(IReadOnlyList<LedgerSyncRecordProblem> Problems, IReadOnlyList<string> Missing);

/// <summary>Counts of one applied batch.</summary>
public sealed record LedgerSyncCounts(int Created, int Updated, int Unchanged, int Deleted, int Rejected, int Missing);

using System.Text.Json;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices.Sync;

/// <summary>What happened to a pushed batch.</summary>
public enum LedgerSyncAcceptance
{
    /// <summary>Stored (acknowledged) and queued for the sync job.</summary>
    Accepted,

    /// <summary>A batch with this id was stored before: nothing changes.</summary>
    Replay,

    /// <summary>The sequence number belongs to another batch.</summary>
    SequenceUsed,

    /// <summary>The sequence number skips one or more batches.</summary>
    SequenceGap,

    /// <summary>The source belongs to another user.</summary>
    NotOwner,
}

/// <summary>The connector's sources, their batches (stored before they are acknowledged) and the GB codes a full run saw.</summary>
public sealed class LedgerSyncStore(Database database, TimeProvider time) : IDeviceReader
{
    private const string BatchColumns =
        "source, sequence, batch_id, mode, full_run, final, remove_missing, cursor, payload, record_count, status, job_id, created, updated, unchanged, deleted, rejected, missing, report, received_by, received_at, applied_at";

    private const string SummaryColumns =
        "source, sequence, batch_id, mode, full_run, final, remove_missing, cursor, NULL AS payload, record_count, status, job_id, created, updated, unchanged, deleted, rejected, missing, NULL AS report, received_by, received_at, applied_at";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a batch in one transaction with its source's accepted sequence, so that an acknowledged batch survives a
    /// crash; a repeated batch id is a replay, a used or skipped sequence number is refused.
    /// </summary>
    [Unscoped("stores what a source pushes; the sync job applies it with the pusher's device scope")]
    public async Task<(LedgerSyncAcceptance Outcome, LedgerSyncBatch? Batch, long Expected)> AcceptAsync(
        string source, LedgerSyncBatchRequest request, string receivedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await AcceptOnceAsync(source, request, receivedBy, cancellationToken);
        }
        catch (Exception e) when (StoreFailures.UniqueViolationColumn(e) is not null)
        {
            // Two pushes of the same batch (or source) raced: the second one reads what the first one stored.
            return await AcceptOnceAsync(source, request, receivedBy, cancellationToken);
        }
    }

    private async Task<(LedgerSyncAcceptance Outcome, LedgerSyncBatch? Batch, long Expected)> AcceptOnceAsync(
        string source, LedgerSyncBatchRequest request, string receivedBy, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<(LedgerSyncAcceptance, LedgerSyncBatch?, long)>(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var row = await connection.QuerySingleOrDefaultAsync<LedgerSyncSource>(new CommandDefinition(
                "SELECT source, accepted_sequence, owner FROM ledger_sync_sources WHERE source = @source", new { source }, transaction, cancellationToken: cancellationToken));
            var accepted = row?.AcceptedSequence ?? 0;
            if (row is null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO ledger_sync_sources (source, accepted_sequence, applied_sequence, created_at, updated_at, owner) VALUES (@source, 0, 0, @now, @now, @receivedBy)",
                    new { source, now, receivedBy }, transaction, cancellationToken: cancellationToken));
            }
            else if (row.Owner is { } owner && !string.Equals(owner, receivedBy, StringComparison.Ordinal))
            {
                return (LedgerSyncAcceptance.NotOwner, null, 0);
            }

            var replay = await connection.QuerySingleOrDefaultAsync<LedgerSyncBatch>(new CommandDefinition(
                $"SELECT {SummaryColumns} FROM ledger_sync_batches WHERE source = @source AND batch_id = @batchId",
                new { source, batchId = request.BatchId }, transaction, cancellationToken: cancellationToken));
            if (replay is not null)
            {
                return (LedgerSyncAcceptance.Replay, replay, accepted + 1);
            }

            if (request.Sequence <= accepted)
            {
                return (LedgerSyncAcceptance.SequenceUsed, null, accepted + 1);
            }

            if (request.Sequence != accepted + 1)
            {
                return (LedgerSyncAcceptance.SequenceGap, null, accepted + 1);
            }

            var batch = new LedgerSyncBatch
            {
                Source = source,
                Sequence = request.Sequence,
                BatchId = request.BatchId!,
                Mode = request.Mode!,
                FullRun = request.FullRunId,
                Final = request.Final,
                RemoveMissing = request.RemoveMissing,
                Cursor = request.Cursor,
                Payload = JsonSerializer.Serialize(request.Records ?? [], Json),
                RecordCount = request.Records?.Count ?? 0,
                Status = LedgerSyncStates.Queued,
                ReceivedBy = receivedBy,
                ReceivedAt = now,
            };
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO ledger_sync_batches (source, sequence, batch_id, mode, full_run, final, remove_missing, cursor, payload, record_count, status, received_by, received_at)
                VALUES (@Source, @Sequence, @BatchId, @Mode, @FullRun, @Final, @RemoveMissing, @Cursor, @Payload, @RecordCount, @Status, @ReceivedBy, @ReceivedAt)
                """,
                batch, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE ledger_sync_sources SET accepted_sequence = @sequence, updated_at = @now WHERE source = @source",
                new { source, sequence = request.Sequence, now }, transaction, cancellationToken: cancellationToken));
            return (LedgerSyncAcceptance.Accepted, batch with { Payload = null }, request.Sequence + 1);
        }, cancellationToken);
    }

    /// <summary>Records which job applies a batch.</summary>
    public async Task SetJobAsync(string source, long sequence, string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ledger_sync_batches SET job_id = @jobId WHERE source = @source AND sequence = @sequence",
            new { source, sequence, jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>The next batch to apply (the one after the applied sequence), if it is stored and not beyond <paramref name="upTo"/>.</summary>
    [Unscoped("sync bookkeeping: the job applies the batch with the pusher's device scope")]
    public async Task<LedgerSyncBatch?> NextToApplyAsync(string source, long upTo, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LedgerSyncBatch>(new CommandDefinition(
            $"""
            SELECT {BatchColumns} FROM ledger_sync_batches b
            WHERE b.source = @source AND b.sequence <= @upTo
              AND b.sequence = (SELECT s.applied_sequence + 1 FROM ledger_sync_sources s WHERE s.source = @source)
            """,
            new { source, upTo }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks a batch applied, moves the source's applied sequence and cursor, and drops the payload (the device
    /// versions keep every change; the report keeps every problem).
    /// </summary>
    public async Task MarkAppliedAsync(LedgerSyncBatch batch, LedgerSyncCounts counts, LedgerSyncReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(counts);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE ledger_sync_batches SET status = @status, payload = NULL, created = @Created, updated = @Updated, unchanged = @Unchanged,
                    deleted = @Deleted, rejected = @Rejected, missing = @Missing, report = @report, applied_at = @now
                WHERE source = @source AND sequence = @sequence
                """,
                new
                {
                    status = LedgerSyncStates.Applied,
                    counts.Created,
                    counts.Updated,
                    counts.Unchanged,
                    counts.Deleted,
                    counts.Rejected,
                    counts.Missing,
                    report = JsonSerializer.Serialize(report, Json),
                    now,
                    source = batch.Source,
                    sequence = batch.Sequence,
                },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE ledger_sync_sources SET applied_sequence = @sequence, cursor = COALESCE(@cursor, cursor), updated_at = @now
                    {(batch.Final ? ", last_full_sync_at = @now" : string.Empty)}
                WHERE source = @source AND applied_sequence = @sequence - 1
                """,
                new { source = batch.Source, sequence = batch.Sequence, cursor = batch.Cursor, now },
                transaction,
                cancellationToken: cancellationToken));
            if (batch.Final && batch.FullRun is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM ledger_sync_seen WHERE source = @source AND full_run = @run",
                    new { source = batch.Source, run = batch.FullRun }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>Remembers the GB codes a full run contained (idempotent).</summary>
    public async Task MarkSeenAsync(string source, string run, IEnumerable<string> gbCodes, CancellationToken cancellationToken)
    {
        var conflict = database.Provider == StorageProvider.Postgres ? "ON CONFLICT DO NOTHING" : string.Empty;
        var insert = database.Provider == StorageProvider.Postgres ? "INSERT" : "INSERT OR IGNORE";
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var code in gbCodes.Distinct(StringComparer.Ordinal))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"{insert} INTO ledger_sync_seen (source, full_run, gb_code) VALUES (@source, @run, @code) {conflict}",
                    new { source, run, code }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>Devices inside <paramref name="scope"/> that a full run did not contain, by GB code.</summary>
    public async Task<IReadOnlyList<(long Id, string GbCode, int Version)>> MissingAsync(string source, string run, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long, string, int)>(new CommandDefinition(
            $"""
            SELECT d.id, d.gb_code, d.version FROM devices d
            WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}
              AND NOT EXISTS (SELECT 1 FROM ledger_sync_seen s WHERE s.source = @source AND s.full_run = @run AND s.gb_code = d.gb_code)
            ORDER BY d.gb_code
            """,
            new { source, run, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    [Unscoped("sync bookkeeping; the endpoints show a source only to its owner and to whole-district users")]
    public async Task<IReadOnlyList<LedgerSyncSource>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<LedgerSyncSource>(new CommandDefinition(
            "SELECT source, accepted_sequence, applied_sequence, cursor, last_full_sync_at, created_at, updated_at, owner FROM ledger_sync_sources ORDER BY source",
            cancellationToken: cancellationToken))).ToList();
    }

    [Unscoped("sync bookkeeping, no device data")]
    public async Task<LedgerSyncSource?> GetSourceAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LedgerSyncSource>(new CommandDefinition(
            "SELECT source, accepted_sequence, applied_sequence, cursor, last_full_sync_at, created_at, updated_at, owner FROM ledger_sync_sources WHERE source = @source",
            new { source }, cancellationToken: cancellationToken));
    }

    /// <summary>A source's batches, newest first, without payloads and reports.</summary>
    [Unscoped("batch counts; the endpoints show a source only to its owner and to whole-district users")]
    public async Task<(IReadOnlyList<LedgerSyncBatch> Items, int Total)> ListBatchesAsync(string source, int skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM ledger_sync_batches WHERE source = @source", new { source }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<LedgerSyncBatch>(new CommandDefinition(
            $"SELECT {SummaryColumns} FROM ledger_sync_batches WHERE source = @source ORDER BY sequence DESC LIMIT @take OFFSET @skip",
            new { source, skip, take }, cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }

    /// <summary>One batch with its report (payload left out).</summary>
    [Unscoped("a batch's report names the pushed GB codes with problems; shown only to the source's owner and whole-district users")]
    public async Task<LedgerSyncBatch?> GetBatchAsync(string source, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LedgerSyncBatch>(new CommandDefinition(
            $"SELECT {BatchColumns.Replace("payload", "NULL AS payload", StringComparison.Ordinal)} FROM ledger_sync_batches WHERE source = @source AND sequence = @sequence",
            new { source, sequence }, cancellationToken: cancellationToken));
    }

    [Unscoped("parses a stored payload")]
    public static IReadOnlyList<LedgerSyncRecord> Records(LedgerSyncBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Payload is null ? [] : JsonSerializer.Deserialize<List<LedgerSyncRecord>>(batch.Payload, Json) ?? [];
    }

    [Unscoped("parses a stored report")]
    public static LedgerSyncReport? Report(LedgerSyncBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Report is null ? null : JsonSerializer.Deserialize<LedgerSyncReport>(batch.Report, Json);
    }
}

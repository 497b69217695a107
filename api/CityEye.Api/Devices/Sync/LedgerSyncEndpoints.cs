using System.Text.RegularExpressions;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Core.Auth;
using CityEye.Core.Devices.Sync;
using CityEye.Core.Jobs;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Devices.Sync;

/// <summary>A source's state: what it pushed, what is applied, and the cursor to resume from.</summary>
/// <param name="Source">Source name (e.g. <c>qingpu-ledger</c>).</param>
/// <param name="AcceptedSequence">Newest stored batch.</param>
/// <param name="AppliedSequence">Newest applied batch.</param>
/// <param name="NextSequence">The sequence number the next batch must carry.</param>
/// <param name="Pending">Batches stored but not applied yet.</param>
/// <param name="Cursor">The source's cursor of the newest applied batch: where the source resumes.</param>
/// <param name="LastFullSyncAt">When the last complete full run was applied.</param>
/// <param name="UpdatedAt">Last push or apply.</param>
public sealed record LedgerSyncSourceResponse(
    string Source, long AcceptedSequence, long AppliedSequence, long NextSequence, long Pending, string? Cursor, DateTimeOffset? LastFullSyncAt, DateTimeOffset UpdatedAt)
{
    internal static LedgerSyncSourceResponse From(LedgerSyncSource s) =>
        new(s.Source, s.AcceptedSequence, s.AppliedSequence, s.AcceptedSequence + 1, s.AcceptedSequence - s.AppliedSequence, s.Cursor, s.LastFullSyncAt, s.UpdatedAt);
}

/// <summary>A batch and what applying it did.</summary>
public sealed record LedgerSyncBatchResponse(
    string Source,
    long Sequence,
    string BatchId,
    string Mode,
    string? FullRunId,
    bool Final,
    bool RemoveMissing,
    string? Cursor,
    int Records,
    string Status,
    string? JobId,
    int Created,
    int Updated,
    int Unchanged,
    int Deleted,
    int Rejected,
    int Missing,
    string ReceivedBy,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? AppliedAt)
{
    internal static LedgerSyncBatchResponse From(LedgerSyncBatch b) => new(
        b.Source, b.Sequence, b.BatchId, b.Mode, b.FullRun, b.Final, b.RemoveMissing, b.Cursor, b.RecordCount, b.Status, b.JobId,
        b.Created, b.Updated, b.Unchanged, b.Deleted, b.Rejected, b.Missing, b.ReceivedBy, b.ReceivedAt, b.AppliedAt);
}

/// <summary>A batch with its per-record problems and the GB codes a final full batch found missing from the source.</summary>
public sealed record LedgerSyncBatchDetail(LedgerSyncBatchResponse Batch, IReadOnlyList<LedgerSyncRecordProblem> Problems, IReadOnlyList<string> Missing);

/// <summary>A page of batches, newest first.</summary>
public sealed record LedgerSyncBatchPage(IReadOnlyList<LedgerSyncBatchResponse> Items, int Total);

/// <summary>
/// The connector through which the district's one-camera-one-file system pushes its ledger (AR-1, TG-2): full and
/// incremental batches with consecutive sequence numbers, stored before they are acknowledged and applied in order by
/// a resumable job through the archive's normal write path.
/// </summary>
internal static class LedgerSyncEndpoints
{
    private static readonly Regex SourcePattern = new("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));

    public static RouteGroupBuilder MapLedgerSyncEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/archive/sync").WithTags("Ledger sync");

        group.MapPost("/{source}/batches", PushAsync)
            .RequirePermission(Permissions.ArchiveSync)
            .WithName("LedgerSync_Push")
            .WithSummary("Pushes a batch of the source's ledger (full or incremental). 202: stored and queued (the job applies it); 200: this batch id was pushed before (nothing changes); 409: the sequence number is used or skips batches (args.expected names the next one).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", SourcesAsync)
            .RequirePermission(Permissions.ArchiveSync)
            .WithName("LedgerSync_Sources")
            .WithSummary("Every source that has pushed batches, with its sequences, pending batches and cursor.");

        group.MapGet("/{source}", SourceAsync)
            .RequirePermission(Permissions.ArchiveSync)
            .WithName("LedgerSync_Source")
            .WithSummary("One source's state: the next sequence number to send and the cursor of the newest applied batch (where the source resumes).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{source}/batches", BatchesAsync)
            .RequirePermission(Permissions.ArchiveSync)
            .WithName("LedgerSync_Batches")
            .WithSummary("A source's batches, newest first, with what applying each did.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{source}/batches/{sequence:long}", BatchAsync)
            .RequirePermission(Permissions.ArchiveSync)
            .WithName("LedgerSync_Batch")
            .WithSummary("One batch with every problem by record and field, and the devices a final full batch found missing from the source.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Results<Accepted<LedgerSyncBatchResponse>, Ok<LedgerSyncBatchResponse>, ValidationProblem, ProblemHttpResult>> PushAsync(
        string source, LedgerSyncBatchRequest request, Caller caller, LedgerSyncStore store, JobStore jobs, CancellationToken cancellationToken)
    {
        var problems = request.Check();
        if (!SourcePattern.IsMatch(source))
        {
            problems.Insert(0, new Violation("source", ErrorCodes.Format));
        }

        if (problems.Count > 0)
        {
            return Problems.Validation(problems);
        }

        var (outcome, batch, expected) = await store.AcceptAsync(source, request, caller.User.Username, cancellationToken);
        switch (outcome)
        {
            case LedgerSyncAcceptance.NotOwner:
                return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.SyncNotOwner);
            case LedgerSyncAcceptance.Replay when batch!.Status == LedgerSyncStates.Queued && batch.JobId is null:
                // Stored, but the node died before its job was queued: queue it now (applying is idempotent).
                var resumed = await EnqueueAsync(source, batch, caller, jobs, store, cancellationToken);
                return TypedResults.Ok(LedgerSyncBatchResponse.From(batch with { JobId = resumed }));
            case LedgerSyncAcceptance.Replay:
                return TypedResults.Ok(LedgerSyncBatchResponse.From(batch!));
            case LedgerSyncAcceptance.SequenceUsed:
                return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SyncSequenceUsed, new Dictionary<string, object?> { ["expected"] = expected });
            case LedgerSyncAcceptance.SequenceGap:
                return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SyncSequenceGap, new Dictionary<string, object?> { ["expected"] = expected });
        }

        // The batch is stored: from here on it is acknowledged, and the job (resumable) applies it even after a crash;
        // if the node dies before the job is queued, sending the batch again queues it (above).
        var jobId = await EnqueueAsync(source, batch!, caller, jobs, store, cancellationToken);
        return TypedResults.Accepted($"/api/archive/sync/{source}/batches/{request.Sequence}", LedgerSyncBatchResponse.From(batch! with { JobId = jobId }));
    }

    private static async Task<string> EnqueueAsync(string source, LedgerSyncBatch batch, Caller caller, JobStore jobs, LedgerSyncStore store, CancellationToken cancellationToken)
    {
        var job = await jobs.EnqueueAsync(
            LedgerSyncJob.JobKind,
            $"台账同步 {source} #{batch.Sequence}（{(batch.Mode == LedgerSyncModes.Full ? "全量" : "增量")}，{batch.RecordCount} 条）",
            LedgerSyncJob.Serialize(new LedgerSyncParameters(source, batch.Sequence)),
            caller.User.Username,
            caller.User.UserId,
            cancellationToken);
        await store.SetJobAsync(source, batch.Sequence, job.Id, cancellationToken);
        return job.Id;
    }

    /// <summary>A source is visible to its owner (and their tokens) and to holders of the whole district.</summary>
    private static bool Visible(LedgerSyncSource source, Caller caller) =>
        caller.DeviceScope.IsAll || string.Equals(source.Owner, caller.User.Username, StringComparison.Ordinal);

    private static async Task<Ok<List<LedgerSyncSourceResponse>>> SourcesAsync(Caller caller, LedgerSyncStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListSourcesAsync(cancellationToken)).Where(s => Visible(s, caller)).Select(LedgerSyncSourceResponse.From).ToList());

    private static async Task<Results<Ok<LedgerSyncSourceResponse>, NotFound>> SourceAsync(string source, Caller caller, LedgerSyncStore store, CancellationToken cancellationToken) =>
        await store.GetSourceAsync(source, cancellationToken) is { } found && Visible(found, caller) ? TypedResults.Ok(LedgerSyncSourceResponse.From(found)) : TypedResults.NotFound();

    private static async Task<Results<Ok<LedgerSyncBatchPage>, NotFound>> BatchesAsync(string source, [AsParameters] PageQuery paging, Caller caller, LedgerSyncStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(source, cancellationToken) is not { } found || !Visible(found, caller))
        {
            return TypedResults.NotFound();
        }

        var (items, total) = await store.ListBatchesAsync(source, paging.Skip, paging.Take, cancellationToken);
        return TypedResults.Ok(new LedgerSyncBatchPage(items.Select(LedgerSyncBatchResponse.From).ToList(), total));
    }

    private static async Task<Results<Ok<LedgerSyncBatchDetail>, NotFound>> BatchAsync(string source, long sequence, Caller caller, LedgerSyncStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(source, cancellationToken) is not { } found || !Visible(found, caller))
        {
            return TypedResults.NotFound();
        }

        var batch = await store.GetBatchAsync(source, sequence, cancellationToken);
        if (batch is null)
        {
            return TypedResults.NotFound();
        }

        var report = LedgerSyncStore.Report(batch);
        return TypedResults.Ok(new LedgerSyncBatchDetail(LedgerSyncBatchResponse.From(batch), report?.Problems ?? [], report?.Missing ?? []));
    }
}

using CityEye.Analytics.Captures;
using CityEye.Core.Captures;
using CityEye.Core.Storage;
using CityEye.VectorSearch;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Captures;

/// <summary>
/// Moves journaled captures into the analytics store (metadata and vector) and then into the vector index, in
/// batches, and drops journal segments once stored. At its first run it reconciles the index with the store: any day
/// the index holds fewer vectors of than the store (a segment lost, damaged, or never saved before a kill) is added
/// again from the store. Store or index outages only delay it: the journal keeps everything.
/// </summary>
internal sealed partial class CaptureDrain(
    CaptureJournal journal,
    BlobStore blobs,
    CityEye.Vision.IFeatureExtractor extractor,
    IOptions<CityEye.Vision.VisionOptions> visionOptions,
    ICaptureStore store,
    IVectorIndex index,
    IOptions<CapturesOptions> options,
    IOptions<VectorOptions> vectorOptions,
    ReadinessRegistry readiness,
    TimeProvider time,
    ILogger<CaptureDrain> logger) : BackgroundService
{
    public const int BatchSize = 2_000;
    public const string ReadinessName = "vectors";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private long _stored = -1;
    private double _rate;
    private bool _reconciled;
    private bool _failing;
    private DateTimeOffset _lastSave;
    private DateOnly _lastRetention;

    /// <summary>Id of the newest capture in the store, as the drain last saw it (-1 before its first run).</summary>
    public long StoredSequence => Interlocked.Read(ref _stored);

    /// <summary>Captures per second of the recent batches.</summary>
    public double RecentRate => Volatile.Read(ref _rate);

    /// <summary>Starts a drain now instead of at the next tick.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Moves what is waiting now (also used by tests); returns how many captures moved.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DrainPaused)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_reconciled)
            {
                await ReconcileAsync(cancellationToken);
                _reconciled = true;
            }

            return await DrainOnceAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>Re-adds from the store every day the index holds fewer vectors of; returns how many were added.</summary>
    internal async Task<long> ReconcileAsync(CancellationToken cancellationToken)
    {
        long added = 0;
        foreach (var type in Enum.GetValues<CaptureType>())
        {
            var indexed = (await index.CountByDayAsync(type, cancellationToken)).ToDictionary(c => c.Day, c => c.Count);
            foreach (var (day, count) in await store.CountCaptureVectorsByDayAsync(type, cancellationToken))
            {
                if (indexed.GetValueOrDefault(day) >= count)
                {
                    continue;
                }

                readiness.Set(ReadinessName, ReadinessState.Ready, $"{index.Provider}: rebuilding {type.ToString().ToLowerInvariant()} vectors of {day:yyyy-MM-dd} from the analytics store");
                long after = 0;
                while (await store.ReadCaptureVectorsAsync(type, after, 5_000, day, cancellationToken) is { Count: > 0 } batch)
                {
                    added += await index.AddAsync(type, [.. batch.Select(v => new VectorEntry(v.Id, v.Time, v.DeviceId, v.Vector))], cancellationToken);
                    after = batch[^1].Id;
                }
            }
        }

        if (added > 0)
        {
            await index.FlushAsync(cancellationToken);
            LogRebuilt(logger, added);
        }

        await ReportAsync(cancellationToken);
        return added;
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        var info = await index.DescribeAsync(cancellationToken);
        var damaged = index is VectorSearch.USearch.USearchVectorIndex embedded && embedded.DamagedSegments.Count > 0
            ? $"; {embedded.DamagedSegments.Count} damaged segments set aside and rebuilt"
            : string.Empty;
        readiness.Set(ReadinessName, ReadinessState.Ready, $"{info.Provider}: {string.Join(", ", info.Vectors.Select(v => $"{v.Value} {v.Key}"))} vectors{damaged}");
    }

    private async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        if (_stored < 0)
        {
            var max = await store.MaxCaptureIdAsync(cancellationToken);
            journal.ContinueAfter(max);
            Interlocked.Exchange(ref _stored, max);
        }

        var moved = 0;
        while (true)
        {
            var batch = journal.ReadAfter(_stored, BatchSize);
            if (batch.Count == 0)
            {
                break;
            }

            var started = time.GetTimestamp();
            batch = await DescribeAsync(batch, cancellationToken);
            batch = await LinkPersonsAsync(batch, cancellationToken);
            var written = (await store.AppendCapturesAsync(batch, cancellationToken)).ToHashSet();
            foreach (var type in batch.Where(r => r.Vector is not null && written.Contains(r.Capture.Id)).GroupBy(r => r.Capture.Type))
            {
                await index.AddAsync(type.Key, [.. type.Select(r => new VectorEntry(r.Capture.Id, r.Capture.Time, r.Capture.DeviceId, r.Vector!))], cancellationToken);
            }

            moved += batch.Count;
            Interlocked.Exchange(ref _stored, batch[^1].Capture.Id);
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            Volatile.Write(ref _rate, batch.Count / Math.Max(seconds, 0.001));
        }

        if (moved > 0)
        {
            journal.DeleteStored(_stored);
        }

        if (time.GetUtcNow() - _lastSave >= vectorOptions.Value.SaveInterval)
        {
            await index.FlushAsync(cancellationToken);
            _lastSave = time.GetUtcNow();
            await ReportAsync(cancellationToken);
        }

        return moved;
    }

    /// <summary>
    /// Computes the vectors the source system did not send, from the stored crop, with the node's models (when they are
    /// enabled). A crop the models cannot read stays without a vector; models that are down delay the drain.
    /// </summary>
    private async Task<List<CaptureRecord>> DescribeAsync(List<CaptureRecord> batch, CancellationToken cancellationToken)
    {
        if (!visionOptions.Value.Enabled || batch.All(r => r.Vector is not null))
        {
            return batch;
        }

        var described = new List<CaptureRecord>(batch.Count);
        foreach (var record in batch)
        {
            if (record.Vector is null && blobs.PathOf(record.Capture.CropImage) is { } path)
            {
                try
                {
                    var target = await extractor.DescribeAsync(await File.ReadAllBytesAsync(path, cancellationToken), record.Capture.Type, null, cancellationToken);
                    if (target.Vector.Length == vectorOptions.Value.Dimensions(record.Capture.Type))
                    {
                        described.Add(record with { Vector = target.Vector });
                        continue;
                    }

                    LogDimensionMismatch(logger, record.Capture.Type, target.Vector.Length, vectorOptions.Value.Dimensions(record.Capture.Type));
                }
                catch (CityEye.Vision.UnusableImageException)
                {
                    // Stored without a vector: searchable by attributes only.
                }
            }

            described.Add(record);
        }

        return described;
    }

    /// <summary>
    /// Gives every face and body capture with a vector its person (see <see cref="CapturesOptions.LinkPersons"/>):
    /// the person of the most similar capture already indexed or earlier in the batch, or a new person (its own id).
    /// A replayed batch links the same way, since the index answers the same.
    /// </summary>
    private async Task<List<CaptureRecord>> LinkPersonsAsync(List<CaptureRecord> batch, CancellationToken cancellationToken)
    {
        if (!options.Value.LinkPersons)
        {
            return batch;
        }

        var candidates = new Dictionary<long, VectorHit>();
        foreach (var record in batch.Where(Linkable))
        {
            var hits = await index.SearchAsync(
                new VectorQuery
                {
                    Type = record.Capture.Type,
                    Vector = record.Vector!,
                    Limit = 1,
                    From = record.Capture.Time.AddDays(-options.Value.PersonWindowDays),
                    Until = record.Capture.Time.AddDays(1),
                    MinSimilarity = (float)Threshold(record.Capture.Type),
                },
                cancellationToken);
            if (hits is [var best, ..] && best.Id != record.Capture.Id)
            {
                candidates[record.Capture.Id] = best;
            }
        }

        var persons = candidates.Count == 0 ? [] : (await store.GetCapturesAsync([.. candidates.Values.Select(h => h.Id).Distinct()], cancellationToken)).ToDictionary(c => c.Id, c => c.PersonId);
        // Within the batch a capture is compared only with the captures that started a person here (not with every
        // earlier one), so a batch of n captures of k new persons costs n·k comparisons, not n².
        var founders = new List<(CaptureType Type, float[] Vector, long Person)>();
        var linked = new List<CaptureRecord>(batch.Count);
        foreach (var record in batch)
        {
            if (!Linkable(record))
            {
                linked.Add(record);
                continue;
            }

            var (person, similarity) = candidates.TryGetValue(record.Capture.Id, out var hit) && persons.GetValueOrDefault(hit.Id) is > 0 and var found ? (found, hit.Similarity) : (0L, 0f);
            foreach (var founder in founders.Where(f => f.Type == record.Capture.Type))
            {
                var cosine = VectorMath.Dot(record.Vector!, founder.Vector);
                if (cosine >= Threshold(record.Capture.Type) && cosine > similarity)
                {
                    (person, similarity) = (founder.Person, cosine);
                }
            }

            if (person == 0)
            {
                person = record.Capture.Id;
                founders.Add((record.Capture.Type, record.Vector!, person));
            }

            linked.Add(record with { Capture = record.Capture with { PersonId = person } });
        }

        return linked;
    }

    private static bool Linkable(CaptureRecord record) =>
        record.Vector is not null && record.Capture.PersonId == 0 && record.Capture.Type is CaptureType.Face or CaptureType.Body;

    private double Threshold(CaptureType type) => type == CaptureType.Face ? options.Value.FacePersonThreshold : options.Value.BodyPersonThreshold;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                if (_failing)
                {
                    await ReportAsync(stoppingToken);
                    _failing = false;
                }

                var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                if (today != _lastRetention && !options.Value.DrainPaused)
                {
                    await index.DropDaysBeforeAsync(today.AddDays(-options.Value.RetentionDays), stoppingToken);
                    _lastRetention = today;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The drain must outlive any store or index failure; the journal keeps the captures meanwhile.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogDrainFailed(logger, e);
                readiness.Set(ReadinessName, ReadinessState.Failed, $"capture drain failing (the journal keeps the captures): {e.Message}");
                _failing = true;
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            try
            {
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Save what the index holds; whatever the journal still has is moved at the next start.
        try
        {
            await index.FlushAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // Shutting down: the next start rebuilds what was not saved.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogDrainFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The capture drain cannot reach the analytics store or the vector index; the journal keeps the captures")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The models give {Type} vectors of {Actual} dimensions but Vectors is configured for {Expected}; the capture is stored without a vector")]
    private static partial void LogDimensionMismatch(ILogger logger, CaptureType type, int actual, int expected);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added {Count} vectors to the index again from the analytics store")]
    private static partial void LogRebuilt(ILogger logger, long count);
}

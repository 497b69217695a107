using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityEye.Indexers.DeviceIndexing;

/// <summary>
/// Keeps the search index in step with the ledger: drains the outbox from its own cursor, re-reads each changed
/// device from the store and upserts (or deletes) its document, and moves the cursor only after the index has
/// committed. A crash between the store write and the index update therefore loses nothing: the outbox row is
/// still after the cursor when the node starts again.
/// </summary>
public sealed class DeviceIndexSync(
    ISearchIndex index, DeviceStore devices, DeviceDocumentBuilder builder, OutboxReader outbox, ILogger<DeviceIndexSync> logger) : BackgroundService
{
    public const string Consumer = "search-index";
    private const int BatchSize = 1000;

    private readonly SemaphoreSlim _exclusive = new(1, 1);

    /// <summary>How long the loop sleeps when the outbox is drained.</summary>
    public static TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>While true the loop applies nothing (maintenance, and the crash test that kills the node between the
    /// store write and the index update); changes wait in the outbox.</summary>
    public bool Paused { get; init; }

    /// <summary>Outbox entries handled since start (for tests and /readyz).</summary>
    public long Handled { get; private set; }

    /// <summary>True once the loop has caught up with the outbox at least once since start.</summary>
    public bool CaughtUp { get; private set; }

    /// <summary>Runs <paramref name="work"/> while the sync loop is paused (the reindex job).</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _exclusive.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _exclusive.Release();
        }
    }

    /// <summary>Handles every pending outbox entry once; returns how many it handled.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken);
        try
        {
            var cursor = await outbox.CursorAsync(Consumer, cancellationToken) ?? 0;
            var (messages, safe) = await outbox.ReadAsync(cursor, BatchSize, cancellationToken);
            var ids = messages
                .Where(m => m.EntityType == "device")
                .Select(m => long.Parse(m.EntityKey, CultureInfo.InvariantCulture))
                .Distinct()
                .ToList();
            if (ids.Count > 0)
            {
                var found = await devices.GetManyAsync(ids, cancellationToken);
                var build = await builder.PrepareAsync(ids, cancellationToken);
                if (found.Count > 0)
                {
                    await index.UpsertAsync([.. found.Select(build)], cancellationToken);
                }

                var gone = ids.Except(found.Select(d => d.Id)).ToList();
                if (gone.Count > 0)
                {
                    await index.DeleteAsync(gone, cancellationToken);
                }
            }

            if (safe > cursor)
            {
                await outbox.SetCursorAsync(Consumer, safe, cancellationToken);
            }

            Handled += messages.Count;
            return safe > cursor ? messages.Count(m => m.Id <= safe) : 0;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public override void Dispose()
    {
        _exclusive.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        OutboxConsumerLoop.RunAsync(
            "Search index sync", ct => Paused ? Task.FromResult(0) : DrainOnceAsync(ct), () => IdleDelay, () => CaughtUp = true, logger, stoppingToken);
}

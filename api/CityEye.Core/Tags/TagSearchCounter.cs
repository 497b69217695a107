using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityEye.Core.Tags;

/// <summary>
/// Counts tags used as device-search filters (TG-11) in memory and adds them to the store every few seconds and at
/// shutdown, so a search never waits for a write. A crash loses at most the last few seconds of counts (statistics,
/// not acknowledged data).
/// </summary>
public sealed class TagSearchCounter(TagStore store, ILogger<TagSearchCounter> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, long> _pending = new();

    public static TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    public void Add(IEnumerable<long> tagIds)
    {
        ArgumentNullException.ThrowIfNull(tagIds);
        foreach (var id in tagIds.Distinct())
        {
            _pending.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Writes the pending counts now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var taken = new Dictionary<long, long>();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var n))
            {
                taken[id] = n;
            }
        }

        try
        {
            await store.AddSearchCountsAsync(taken, cancellationToken);
        }
        catch
        {
            foreach (var (id, n) in taken)
            {
                _pending.AddOrUpdate(id, n, (_, m) => m + n);
            }

            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Writing tag search counts failed; they are kept for the next try.");
            }
        }
    }
}

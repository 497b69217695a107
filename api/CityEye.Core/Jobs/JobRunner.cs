using System.Collections.Concurrent;
using CityEye.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityEye.Core.Jobs;

/// <summary>
/// Runs queued jobs in the background, at most <see cref="MaxConcurrency"/> at a time. On start it recovers jobs
/// that a crash or restart interrupted. Cancellation reaches a running job through its token within a second.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    IEnumerable<IJobHandler> handlers,
    ReadinessRegistry readiness,
    ILogger<JobRunner> logger) : BackgroundService
{
    public const string ReadinessName = "jobs";
    private const int MaxConcurrency = 2;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _slots = new(MaxConcurrency);

    /// <summary>Tells the runner that a job was queued, so it does not wait for the next poll.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Cancels a job running in this process at once (the store flag covers the rest).</summary>
    public void Signal(string jobId)
    {
        if (_running.TryGetValue(jobId, out var cts))
        {
            cts.Cancel();
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        readiness.Set(ReadinessName, ReadinessState.Starting, "recovering interrupted jobs");
        try
        {
            var recovered = await store.RecoverInterruptedAsync(
                _handlers.Values.Where(h => h.Resumable).Select(h => h.Kind).ToHashSet(StringComparer.Ordinal), stoppingToken);
            if (recovered > 0)
            {
                logger.LogWarning("Recovered {JobCount} jobs interrupted by the last shutdown", recovered);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        readiness.Set(ReadinessName, ReadinessState.Ready, $"{_handlers.Count} job kinds");
        var tasks = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var slotSettled = false;
            try
            {
                await _slots.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                var job = await store.NextQueuedAsync(_handlers.Keys, stoppingToken);
                if (job is not null && await store.TryStartAsync(job.Id, stoppingToken))
                {
                    tasks.RemoveAll(t => t.IsCompleted);
                    tasks.Add(RunAsync(job, stoppingToken));
                    slotSettled = true;
                }
                else if (job is null)
                {
                    _slots.Release();
                    slotSettled = true;
                    await _wake.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is StoreUnavailableException or System.Data.Common.DbException)
            {
                logger.LogError(ex, "Job runner cannot reach the store; retrying");
                await Task.Delay(PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                // The slot belongs to the job just started, or was handed back already; otherwise return it here.
                if (!slotSettled)
                {
                    _slots.Release();
                }
            }
        }

        // Jobs stopped by shutdown stay 'running' in the store; the next start resumes or fails them.
        await Task.WhenAll(tasks);
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[job.Id] = cts;
        using var watcher = new CancellationTokenSource();
        var watch = WatchCancelAsync(job.Id, cts, watcher.Token);
        try
        {
            var handler = _handlers[job.Kind];
            logger.LogInformation("Job {JobId} ({JobKind}) started", job.Id, job.Kind);
            var result = await handler.RunAsync(new JobContext(job, store), cts.Token);
            await store.FinishAsync(job.Id, JobStatus.Succeeded, result, null, CancellationToken.None);
            logger.LogInformation("Job {JobId} ({JobKind}) succeeded: {JobResult}", job.Id, job.Kind, result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Job {JobId} ({JobKind}) interrupted by shutdown", job.Id, job.Kind);
        }
        catch (OperationCanceledException)
        {
            await store.FinishAsync(job.Id, JobStatus.Cancelled, null, null, CancellationToken.None);
            await store.AddMessageAsync(job.Id, "warning", "Cancelled by request", CancellationToken.None);
            logger.LogInformation("Job {JobId} ({JobKind}) cancelled", job.Id, job.Kind);
        }
#pragma warning disable CA1031 // A failing job must end as 'failed' with its reason, whatever the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Job {JobId} ({JobKind}) failed", job.Id, job.Kind);
            await store.FinishAsync(job.Id, JobStatus.Failed, null, ex.Message, CancellationToken.None);
            await store.AddMessageAsync(job.Id, "error", ex.Message, CancellationToken.None);
        }
        finally
        {
            await watcher.CancelAsync();
            await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _running.TryRemove(job.Id, out _);
            _slots.Release();
            Wake();
        }
    }

    private async Task WatchCancelAsync(string jobId, CancellationTokenSource job, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !job.IsCancellationRequested)
        {
            await Task.Delay(CancelCheckInterval, stop);
            if (await store.IsCancelRequestedAsync(jobId, stop))
            {
                await job.CancelAsync();
            }
        }
    }
}

using System.Collections.Concurrent;
using CityEye.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityEye.Core.Jobs;

/// <summary>
/// Runs queued jobs in the background, each kind in its own slots (<see cref="IJobHandler.MaxConcurrency"/>). On start it recovers jobs
/// that a crash or restart interrupted. Cancellation reaches a running job through its token within a second.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    IEnumerable<IJobHandler> handlers,
    ReadinessRegistry readiness,
    ILogger<JobRunner> logger,
    TimeProvider? timeProvider = null) : BackgroundService
{
    /// <summary>
    /// Job kinds that stay queued until the node restarts without them (<c>Jobs:HeldKinds</c>): an operator holds, say,
    /// the ledger sync while the source is being repaired; the batches are still accepted and wait.
    /// </summary>
    public IReadOnlySet<string> HeldKinds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public const string ReadinessName = "jobs";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _runningPerKind = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = NewSignal();

    /// <summary>Tells the runner that a job was queued or a slot freed, so it does not wait for the next poll.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Cancels a job running in this process at once (the store flag covers the rest).</summary>
    public void Signal(string jobId)
    {
        if (_running.TryGetValue(jobId, out var cts))
        {
            cts.Cancel();
        }
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

        readiness.Set(ReadinessName, ReadinessState.Ready, HeldKinds.Count == 0 ? $"{_handlers.Count} job kinds" : $"{_handlers.Count} job kinds; held: {string.Join(", ", HeldKinds)}");
        var tasks = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Reset the signal before looking, so a Wake() after the look is not lost.
            Interlocked.Exchange(ref _wake, NewSignal());
            try
            {
                var free = _handlers.Values.Where(h => !HeldKinds.Contains(h.Kind) && _runningPerKind.GetValueOrDefault(h.Kind) < Math.Max(1, h.MaxConcurrency)).Select(h => h.Kind).ToList();
                var job = free.Count == 0 ? null : await store.NextQueuedAsync(free, stoppingToken);
                if (job is not null)
                {
                    if (await store.TryStartAsync(job.Id, stoppingToken))
                    {
                        _runningPerKind.AddOrUpdate(job.Kind, 1, (_, n) => n + 1);
                        tasks.RemoveAll(t => t.IsCompleted);
                        tasks.Add(RunAsync(job, stoppingToken));
                    }

                    continue;
                }

                await Task.WhenAny(Volatile.Read(ref _wake).Task, Task.Delay(PollInterval, _time, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (StoreFailures.IsUnavailable(ex) || ex is System.Data.Common.DbException)
            {
                logger.LogError(ex, "Job runner cannot reach the store; retrying");
                await Task.Delay(PollInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Jobs stopped by shutdown stay 'running' in the store; the next start resumes or fails them.
        await Task.WhenAll(tasks);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            _runningPerKind.AddOrUpdate(job.Kind, 0, (_, n) => Math.Max(0, n - 1));
            Wake();
        }
    }

    private async Task WatchCancelAsync(string jobId, CancellationTokenSource job, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !job.IsCancellationRequested)
        {
            await Task.Delay(CancelCheckInterval, _time, stop);
            if (await store.IsCancelRequestedAsync(jobId, stop))
            {
                await job.CancelAsync();
            }
        }
    }
}

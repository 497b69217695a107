using CityEye.Core.Jobs;
using CityEye.Core.Storage;

namespace CityEye.Api.Demo;

/// <summary>
/// Follows the demo-seed job queued at start-up and reports it as the <c>demo</c> readiness check: the node is
/// not ready while its demo district is half-written.
/// </summary>
internal sealed class DemoSeedMonitor(JobStore jobs, ReadinessRegistry readiness, TimeProvider time, ILogger<DemoSeedMonitor> logger) : BackgroundService
{
    public const string ReadinessName = "demo";
    private string? _jobId;

    public bool Seeding { get; private set; }

    /// <summary>Called once at start-up with the seeding job, or null when no seeding is needed.</summary>
    public void Follow(string? jobId, string reasonWhenNone)
    {
        _jobId = jobId;
        Seeding = jobId is not null;
        readiness.Set(ReadinessName, jobId is null ? ReadinessState.Ready : ReadinessState.Starting, jobId is null ? reasonWhenNone : "seeding the demo district", publicDetail: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_jobId is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Job? job;
            try
            {
                job = await jobs.GetAsync(_jobId, stoppingToken);
            }
            catch (Exception ex) when (StoreFailures.IsUnavailable(ex) || ex is System.Data.Common.DbException)
            {
                logger.LogWarning(ex, "Cannot read the demo-seed job; retrying");
                continue;
            }

            if (job is null)
            {
                readiness.Set(ReadinessName, ReadinessState.Failed, "the demo-seed job record is missing", publicDetail: true);
                Seeding = false;
                return;
            }

            var percent = (int)(job.Progress * 100);
            switch (job.Status)
            {
                case JobStatus.Succeeded:
                    readiness.Set(ReadinessName, ReadinessState.Ready, job.Result, publicDetail: true);
                    Seeding = false;
                    return;
                case JobStatus.Failed:
                case JobStatus.Cancelled:
                    readiness.Set(ReadinessName, ReadinessState.Failed, $"demo seeding {job.Status.ToString().ToLowerInvariant()}: {job.Error ?? job.Message}", publicDetail: true);
                    Seeding = false;
                    return;
                case JobStatus.Queued:
                case JobStatus.Running:
                    readiness.Set(ReadinessName, ReadinessState.Starting, $"seeding the demo district: {percent}%", publicDetail: true);
                    break;
            }
        }
    }
}

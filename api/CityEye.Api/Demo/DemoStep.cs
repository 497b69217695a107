using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Demo;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Demo;

/// <summary>
/// Queues the demo district on an empty store (or follows the seeding an earlier start left unfinished); the
/// <see cref="DemoSeedMonitor"/> then reports its progress as the <c>demo</c> readiness check.
/// </summary>
internal sealed class DemoStep(
    IOptions<CityEyeOptions> options,
    JobStore jobs,
    OrganisationStore organisations,
    DemoSeedMonitor monitor,
    IOptions<CityEye.Vision.VisionOptions> vision,
    ILogger<DemoStep> logger) : IStartupStep
{
    public string Name => DemoSeedMonitor.ReadinessName;

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var pending = (await jobs.ListAsync(0, 10, DemoSeedJob.JobKind, null, cancellationToken)).Items
            .FirstOrDefault(j => j.Status is JobStatus.Queued or JobStatus.Running);
        if (pending is not null)
        {
            // An earlier start queued the seeding and stopped before it finished: follow that job (it resumes).
            monitor.Follow(pending.Id, string.Empty);
            return null;
        }

        var settings = options.Value;
        if (settings.SeedDemo && await organisations.CountAsync(cancellationToken) == 0)
        {
            var job = await jobs.EnqueueAsync(DemoSeedJob.JobKind, "生成青浦区演示数据 (seed the Qingpu demo district)", DemoSeedJob.Parameters(settings.DemoSeed), "system", null, cancellationToken);
            logger.LogInformation("Empty store: queued demo seeding as job {JobId}", job.Id);
            if (settings.DemoAuditUsers > 0)
            {
                await jobs.EnqueueAsync(
                    Audit.DemoAuditHistoryJob.JobKind,
                    "生成演示操作日志历史 (demo operation-log history)",
                    Audit.DemoAuditHistoryJob.Serialize(new Audit.DemoAuditHistoryParameters(job.Id, settings.DemoAuditUsers, 60)),
                    "system",
                    null,
                    cancellationToken);
            }

            if (settings.DemoCaptures > 0 && vision.Value.Enabled)
            {
                await jobs.EnqueueAsync(
                    DemoCapturesJob.JobKind,
                    "生成演示抓拍数据 (demo captures)",
                    DemoCapturesJob.Serialize(new DemoCapturesParameters(job.Id, settings.DemoCaptures, settings.DemoCaptureDays, settings.DemoSeed)),
                    "system",
                    null,
                    cancellationToken);
            }
            else if (settings.DemoCaptures > 0)
            {
                logger.LogInformation("Demo captures skipped: Vision:Enabled is false (their vectors come from the models)");
            }

            monitor.Follow(job.Id, string.Empty);
            return null;
        }

        monitor.Follow(null, settings.SeedDemo ? "store already holds data" : "demo seeding disabled");
        return null;
    }
}

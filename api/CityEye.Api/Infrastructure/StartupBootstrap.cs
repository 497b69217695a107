using CityEye.Api.Demo;
using CityEye.Core.Auth;
using CityEye.Core.Demo;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Start-up steps that must finish before the node serves: migrate the store, ensure the built-in roles, and
/// queue the demo district on an empty store.
/// </summary>
internal static class StartupBootstrap
{
    public const string StoreReadinessName = "store";

    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // Validate every options class now, so bad configuration is one start-up line rather than a host crash.
        _ = services.GetRequiredService<IOptions<CityEyeOptions>>().Value;
        _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        _ = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var readiness = services.GetRequiredService<ReadinessRegistry>();
        var database = services.GetRequiredService<Database>();
        readiness.Set(StoreReadinessName, ReadinessState.Starting, "migrating");
        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var users = services.GetRequiredService<UserStore>();
        await BuiltInRoles.EnsureAsync(users, cancellationToken);
        readiness.Set(StoreReadinessName, ReadinessState.Ready, $"{database.Provider}: {database.Description}");

        var options = services.GetRequiredService<IOptions<CityEyeOptions>>().Value;
        var monitor = services.GetRequiredService<DemoSeedMonitor>();
        var jobs = services.GetRequiredService<JobStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupBootstrap));

        var pending = (await jobs.ListAsync(0, 10, DemoSeedJob.JobKind, cancellationToken)).Items
            .FirstOrDefault(j => j.Status is JobStatus.Queued or JobStatus.Running);
        if (pending is not null)
        {
            // An earlier start queued the seeding and stopped before it finished: follow that job (it resumes).
            monitor.Follow(pending.Id, string.Empty);
            return;
        }

        var organisations = await services.GetRequiredService<OrganisationStore>().CountAsync(cancellationToken);
        if (options.SeedDemo && organisations == 0)
        {
            var job = await jobs.EnqueueAsync(DemoSeedJob.JobKind, "生成青浦区演示数据 (seed the Qingpu demo district)", DemoSeedJob.Parameters(options.DemoSeed), "system", cancellationToken);
            logger.LogInformation("Empty store: queued demo seeding as job {JobId}", job.Id);
            monitor.Follow(job.Id, string.Empty);
            return;
        }

        monitor.Follow(null, options.SeedDemo ? "store already holds data" : "demo seeding disabled");
        if (await users.CountAsync(cancellationToken) == 0)
        {
            await CreateFirstAdministratorAsync(services, options, logger, cancellationToken);
        }
    }

    private static async Task CreateFirstAdministratorAsync(IServiceProvider services, CityEyeOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.AdminPassword))
        {
            logger.LogWarning("The store has no users. Set CityEye:AdminPassword to create the first administrator 'admin'");
            return;
        }

        var organisations = services.GetRequiredService<OrganisationStore>();
        var bureau = await organisations.EnsureAsync("310118000000", null, DemoSeedJob.BureauName, CityEye.Core.Domain.OrganisationKind.Bureau, null, cancellationToken);
        await services.GetRequiredService<UserStore>().CreateAsync(
            new NewUser("admin", "系统管理员", bureau, options.AdminPassword, [BuiltInRoles.Administrator]),
            services.GetRequiredService<PasswordHasher>(),
            cancellationToken);
        logger.LogInformation("Created the first administrator 'admin'");
    }
}

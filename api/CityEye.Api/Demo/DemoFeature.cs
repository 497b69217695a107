using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Demo;
using CityEye.Core.Jobs;

namespace CityEye.Api.Demo;

/// <summary>The Qingpu demo district: its seeding job, the start-up step that queues it, and its readiness follower.</summary>
internal static class DemoFeature
{
    public static IServiceCollection AddDemoFeature(this IServiceCollection services)
    {
        services.AddSingleton<IJobHandler, DemoSeedJob>();
        services.AddSingleton<IJobHandler, DemoCapturesJob>();
        services.AddSingleton<DemoSeedMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoSeedMonitor>());
        services.AddStartupStep<DemoStep>();
        services.AddSingleton<DemoStatusSimulator>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoStatusSimulator>());
        return services;
    }
}

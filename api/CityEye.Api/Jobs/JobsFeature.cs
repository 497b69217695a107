using CityEye.Core.Jobs;
using CityEye.Core.Storage;

namespace CityEye.Api.Jobs;

/// <summary>Durable jobs and the runner that executes them.</summary>
internal static class JobsFeature
{
    public static IServiceCollection AddJobsFeature(this IServiceCollection services)
    {
        services.AddSingleton<JobStore>();
        services.AddSingleton(sp => new JobRunner(
            sp.GetRequiredService<JobStore>(),
            sp.GetServices<IJobHandler>(),
            sp.GetRequiredService<ReadinessRegistry>(),
            sp.GetRequiredService<ILogger<JobRunner>>(),
            sp.GetService<TimeProvider>())
        {
            HeldKinds = (sp.GetRequiredService<IConfiguration>().GetSection("Jobs:HeldKinds").Get<string[]>() ?? []).ToHashSet(StringComparer.Ordinal),
        });
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        return services;
    }
}

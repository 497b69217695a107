using CityEye.Core.Jobs;

namespace CityEye.Api.Jobs;

/// <summary>Durable jobs and the runner that executes them.</summary>
internal static class JobsFeature
{
    public static IServiceCollection AddJobsFeature(this IServiceCollection services)
    {
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        return services;
    }
}

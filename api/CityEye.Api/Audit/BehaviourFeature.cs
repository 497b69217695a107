using CityEye.Core.Behaviour;
using CityEye.Core.Jobs;

namespace CityEye.Api.Audit;

/// <summary>The behaviour audit (UM-10): its store, jobs (training, demo history), daily schedule, and the dashboards.</summary>
internal static class BehaviourFeature
{
    public static IServiceCollection AddBehaviourFeature(this IServiceCollection services)
    {
        services.AddOptions<BehaviourOptions>().BindConfiguration(BehaviourOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BehaviourStore>();
        services.AddSingleton<IJobHandler, BehaviourAuditJob>();
        services.AddSingleton<IJobHandler, DemoAuditHistoryJob>();
        services.AddHostedService<BehaviourScheduler>();
        return services;
    }
}

using CityEye.Core.Plans;

namespace CityEye.Api.Plans;

/// <summary>Video plans: directory trees, plans, execution in the player and on the wall.</summary>
internal static class PlansFeature
{
    public static IServiceCollection AddPlansFeature(this IServiceCollection services)
    {
        services.AddSingleton<PlanStore>();
        return services;
    }
}

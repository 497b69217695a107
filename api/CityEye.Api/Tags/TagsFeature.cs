using CityEye.Core.Jobs;
using CityEye.Core.Tags;

namespace CityEye.Api.Tags;

/// <summary>Tags: dictionaries, labels, maintenance jobs, derivation, search counts, permissions and statistics.</summary>
internal static class TagsFeature
{
    public static IServiceCollection AddTagsFeature(this IServiceCollection services)
    {
        services.AddSingleton<TagStore>();
        services.AddSingleton<TagDirectory>();
        services.AddSingleton<LabelStore>();
        services.AddSingleton<TagRuleStore>();
        services.AddSingleton<TagAccessStore>();
        services.AddSingleton<TagCatalog>();
        services.AddSingleton<TagMaintenance>();
        services.AddSingleton<TagStatisticsService>();
        services.AddSingleton<IJobHandler, TagMaintenanceJob>();
        services.AddSingleton<TagDerivation>();
        services.AddHostedService(sp => sp.GetRequiredService<TagDerivation>());
        services.AddSingleton<TagSearchCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<TagSearchCounter>());
        return services;
    }
}

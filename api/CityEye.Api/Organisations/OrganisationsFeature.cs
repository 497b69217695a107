using CityEye.Core.Organisations;

namespace CityEye.Api.Organisations;

/// <summary>The organisation tree.</summary>
internal static class OrganisationsFeature
{
    public static IServiceCollection AddOrganisationsFeature(this IServiceCollection services) => services.AddSingleton<OrganisationStore>();
}

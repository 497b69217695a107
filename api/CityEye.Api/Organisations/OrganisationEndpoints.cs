using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Organisations;

internal static class OrganisationEndpoints
{
    public static RouteGroupBuilder MapOrganisationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/organisations").WithTags("Organisations").RequirePermission(Permissions.OrganisationsView);
        group.MapGet("/", ListAsync)
            .WithName("Organisations_List")
            .WithSummary("The organisation tree (parents first) with the devices each unit owns that the caller may see.");
        return group;
    }

    private static async Task<Ok<List<OrganisationResponse>>> ListAsync(
        Caller caller,
        OrganisationStore organisations,
        CancellationToken cancellationToken)
    {
        var list = await organisations.ListAsync(caller.DeviceScope, cancellationToken);
        return TypedResults.Ok(list
            .Select(o => new OrganisationResponse(o.Id, o.ParentId, o.Code, o.Name, o.Kind, o.Region, o.DeviceCount))
            .ToList());
    }
}

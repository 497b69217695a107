using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Organisations;

public sealed record OrganisationResponse(long Id, long? ParentId, string Code, string Name, OrganisationKind Kind, string? Region, int DeviceCount);

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
        HttpContext context,
        DeviceScopeResolver scopes,
        OrganisationStore organisations,
        CancellationToken cancellationToken)
    {
        var scope = await scopes.ResolveAsync(context.User, cancellationToken);
        var list = await organisations.ListAsync(scope, cancellationToken);
        return TypedResults.Ok(list
            .Select(o => new OrganisationResponse(o.Id, o.ParentId, o.Code, o.Name, o.Kind, o.Region, o.DeviceCount))
            .ToList());
    }
}

using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth.Startup;

/// <summary>Seeds the shipped roles once (and grants added by a newer version once).</summary>
internal sealed class RolesStep(RoleStore roles) : IStartupStep
{
    public string Name => "roles";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        await BuiltInRoles.EnsureAsync(roles, cancellationToken);
        var upgraded = await roles.GrantServicesToExistingTokenOwnersOnceAsync(cancellationToken);
        return upgraded > 0 ? $"{BuiltInRoles.All.Count} shipped roles; all-services given to {upgraded} administrators and token owners (upgrade)" : $"{BuiltInRoles.All.Count} shipped roles";
    }
}

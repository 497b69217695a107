using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth.Startup;

/// <summary>Creates or refreshes the built-in roles.</summary>
internal sealed class RolesStep(UserStore users) : IStartupStep
{
    public string Name => "roles";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        await BuiltInRoles.EnsureAsync(users, cancellationToken);
        return $"{BuiltInRoles.All.Count} built-in roles";
    }
}

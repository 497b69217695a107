using System.Security.Claims;
using CityEye.Core.Auth;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Device-level permission: which organisations' devices the caller may see. Every device query on the server
/// goes through this, so a station user never receives another station's devices, whatever the client asks.
/// </summary>
internal sealed class DeviceScopeResolver(UserStore users)
{
    /// <returns>Null when the caller may see every device.</returns>
    public async Task<IReadOnlyList<long>?> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var data = user.ToUserData();
        if (data.DeviceScope == DeviceScope.All)
        {
            return null;
        }

        return await users.GetDeviceOrganisationScopeAsync(data.UserId, cancellationToken).ConfigureAwait(false) ?? [];
    }
}

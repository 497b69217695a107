using System.Security.Claims;
using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Devices;

namespace CityEye.Api.Devices;

/// <summary>
/// Device-level permission: which devices the caller may see. Every device query on the server receives the
/// <see cref="DeviceScope"/> resolved here (through <see cref="Caller"/>), so a station user never receives another
/// station's devices, whatever the client asks.
/// </summary>
internal sealed class DeviceScopeResolver(UserStore users)
{
    public async Task<DeviceScope> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return DeviceScope.None;
        }

        return await users.GetDeviceScopeAsync(user.UserId(), cancellationToken);
    }
}

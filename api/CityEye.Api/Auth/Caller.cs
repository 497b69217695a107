using CityEye.Api.Devices;
using CityEye.Core.Auth;
using CityEye.Core.Devices;

namespace CityEye.Api.Auth;

/// <summary>
/// The signed-in caller of a request and the devices it may see, resolved on the server. Endpoints that read
/// devices take it as a parameter (minimal APIs bind it through <see cref="BindAsync"/>) and hand
/// <see cref="DeviceScope"/> to every store, index and engine they call; a convention test checks that they do.
/// </summary>
internal sealed record Caller(UserPrincipalData User, DeviceScope DeviceScope)
{
    public static async ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var resolver = context.RequestServices.GetRequiredService<DeviceScopeResolver>();
        var scope = await resolver.ResolveAsync(context.User, context.RequestAborted);
        return new Caller(context.User.ToUserData(), scope);
    }
}

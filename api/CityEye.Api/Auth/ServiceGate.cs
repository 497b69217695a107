using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Validation;

namespace CityEye.Api.Auth;

/// <summary>
/// Service permission (UM-7 service roles): a request authenticated by an API token must fall inside a service that an
/// enabled service role of the token's user grants (<see cref="ServiceCatalog"/>); otherwise 403
/// <c>auth.serviceNotGranted</c> and a security event. Signed-in people are not affected.
/// </summary>
internal static class ServiceGate
{
    public static IApplicationBuilder UseServiceGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.HasClaim(c => c.Type == CityEyeClaims.ApiTokenId)
            && context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !ServiceCatalog.Allows(context.User.FindAll(CityEyeClaims.Service).Select(c => c.Value), context.Request.Path.Value ?? string.Empty))
        {
            var user = context.User.ToUserData();
            await context.RequestServices.GetRequiredService<SecurityEventLog>().WriteAsync(
                "token.serviceRefused", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(),
                $"{context.Request.Method} {context.Request.Path} outside the granted services [{string.Join(", ", user.Services)}]", context.RequestAborted);
            await Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.ServiceNotGranted).ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}

using CityEye.Api.Infrastructure;
using CityEye.Core.Validation;

namespace CityEye.Api.Auth;

/// <summary>
/// A user whose password was reset by an administrator, or has expired, may only read who they are, change the
/// password and sign out until they have changed it: every other endpoint answers 403
/// <c>auth.passwordChangeRequired</c>.
/// </summary>
internal static class PasswordChangeGate
{
    public static TBuilder AllowedWhilePasswordChangeRequired<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new AllowedWhilePasswordChangeRequiredMetadata());

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.HasClaim(CityEyeClaims.MustChangePassword, "true")
            && context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<AllowedWhilePasswordChangeRequiredMetadata>() is null
            && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null)
        {
            await Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.PasswordChangeRequired).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private sealed class AllowedWhilePasswordChangeRequiredMetadata;
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace CityEye.Api.Auth;

/// <summary>Authentication schemes (session cookie, bearer token) and the permission policies.</summary>
internal static class AuthenticationSetup
{
    public const string PolicyScheme = "CityEye";

    /// <summary>Policy for the few endpoints every signed-in user may call (who am I, sign out).</summary>
    public const string SignedInPolicy = "signed-in";

    /// <summary>
    /// Session cookie for the SPA, bearer tokens for external systems, function permissions per endpoint.
    /// </summary>
    /// <remarks>
    /// Deny by default: the fallback policy fails for every endpoint that declares neither a permission
    /// (<see cref="RequirePermission{TBuilder}"/>) nor <c>AllowAnonymous</c>, so a forgotten declaration
    /// is a 401/403, never an open door.
    /// </remarks>
    public static IServiceCollection AddCityEyeAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "Session cookie or bearer token", options =>
            {
                options.ForwardDefaultSelector = context =>
                    BearerTokenAuthenticationHandler.IsBearer(context.Request)
                        ? BearerTokenAuthenticationHandler.SchemeName
                        : SessionAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenAuthenticationHandler>(BearerTokenAuthenticationHandler.SchemeName, null);

        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddSingleton<IAuthorizationHandler, PermissionAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(SignedInPolicy, policy => policy.RequireAuthenticatedUser())
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireAssertion(_ => false)
                .Build());
        return services;
    }

    /// <summary>Declares that an endpoint needs a signed-in user and no particular permission.</summary>
    public static TBuilder RequireSignedIn<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.RequireAuthorization(SignedInPolicy);

    /// <summary>Declares the function permission an endpoint or group needs.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
        => builder.RequireAuthorization(PermissionPolicyProvider.Prefix + permission);
}

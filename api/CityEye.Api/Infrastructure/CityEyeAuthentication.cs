using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CityEye.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

/// <summary>Claim types CityEye puts on its principals.</summary>
internal static class CityEyeClaims
{
    public const string Permission = "perm";
    public const string DisplayName = "display_name";
    public const string OrganisationId = "org_id";
    public const string OrganisationName = "org_name";
    public const string DeviceScope = "device_scope";

    public static ClaimsPrincipal ToPrincipal(UserPrincipalData user, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(DisplayName, user.DisplayName),
            new(OrganisationId, user.OrganisationId.ToString(CultureInfo.InvariantCulture)),
            new(OrganisationName, user.OrganisationName),
            new(DeviceScope, user.DeviceScope.ToString()),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(user.Permissions.Select(p => new Claim(Permission, p)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static long UserId(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."), CultureInfo.InvariantCulture);

    public static UserPrincipalData ToUserData(this ClaimsPrincipal principal) => new(
        principal.UserId(),
        principal.Identity?.Name ?? string.Empty,
        principal.FindFirstValue(DisplayName) ?? string.Empty,
        long.Parse(principal.FindFirstValue(OrganisationId) ?? "0", CultureInfo.InvariantCulture),
        principal.FindFirstValue(OrganisationName) ?? string.Empty,
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(),
        principal.FindAll(Permission).Select(c => c.Value).ToList(),
        Enum.Parse<DeviceScope>(principal.FindFirstValue(DeviceScope) ?? nameof(CityEye.Core.Auth.DeviceScope.Organisations)));
}

/// <summary>Authenticates the SPA by its server-side session cookie.</summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions,
    IOptions<AuthOptions> authOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string CookieName = "cityeye.sid";

    /// <summary>Header the SPA puts on automatic refreshes, which do not count as user activity.</summary>
    public const string BackgroundHeader = "X-CityEye-Background";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var key) || string.IsNullOrEmpty(key) || key.Length > 128)
        {
            return AuthenticateResult.NoResult();
        }

        var userActivity = !Request.Headers.ContainsKey(BackgroundHeader);
        var user = await sessions.ValidateAsync(key, TimeSpan.FromMinutes(authOptions.Value.IdleTimeoutMinutes), userActivity, Context.RequestAborted).ConfigureAwait(false);
        return user is null
            ? AuthenticateResult.Fail("The session has ended (signed out, idle timeout, or account disabled).")
            : AuthenticateResult.Success(new AuthenticationTicket(CityEyeClaims.ToPrincipal(user, SchemeName), SchemeName));
    }
}

/// <summary>Authenticates external systems by <c>Authorization: Bearer cey_…</c> API tokens.</summary>
internal sealed class BearerTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenStore tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 128)
        {
            return AuthenticateResult.Fail("Malformed bearer token.");
        }

        var user = await tokens.ValidateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        return user is null
            ? AuthenticateResult.Fail("Unknown, revoked or expired API token.")
            : AuthenticateResult.Success(new AuthenticationTicket(CityEyeClaims.ToPrincipal(user, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>Requires one function permission.</summary>
internal sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

internal sealed class PermissionAuthorizationHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.HasClaim(CityEyeClaims.Permission, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Builds the <c>perm:&lt;permission&gt;</c> policies on demand.</summary>
internal sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public const string Prefix = "perm:";

    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var permission = policyName[Prefix.Length..];
            if (!Permissions.All.ContainsKey(permission))
            {
                throw new InvalidOperationException($"Endpoint declares unknown permission '{permission}'.");
            }

            return new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permission))
                .Build();
        }

        return await base.GetPolicyAsync(policyName).ConfigureAwait(false);
    }
}

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
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
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

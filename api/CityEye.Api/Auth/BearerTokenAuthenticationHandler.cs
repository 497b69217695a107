using System.Text.Encodings.Web;
using CityEye.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Auth;

/// <summary>Authenticates external systems by <c>Authorization: Bearer cey_…</c> API tokens.</summary>
internal sealed class BearerTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenStore tokens,
    SecurityEventLog events) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string Prefix = "Bearer ";

    /// <summary>True when the request authenticates with <c>Authorization: Bearer …</c> (no cookie, no CSRF check).</summary>
    public static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsBearer(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var token = Request.Headers.Authorization.ToString()[Prefix.Length..].Trim();
        if (token.Length is 0 or > 128)
        {
            return AuthenticateResult.Fail("Malformed bearer token.");
        }

        UserPrincipalData? user;
        bool logUse;
        try
        {
            (user, logUse) = await tokens.ValidateAsync(token, Context.RequestAborted);
        }
        catch (Exception ex) when (SessionAuthenticationHandler.AnonymousEndpointDuringStoreOutage(Context, ex))
        {
            return AuthenticateResult.NoResult();
        }

        if (user is not null && logUse)
        {
            // Token use is written to the security log at most once a minute per token.
            await events.WriteAsync("token.used", user.Username, user.UserId, Context.Connection.RemoteIpAddress?.ToString(), $"token {user.ApiTokenId}: {Request.Method} {Request.Path}", Context.RequestAborted);
        }

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

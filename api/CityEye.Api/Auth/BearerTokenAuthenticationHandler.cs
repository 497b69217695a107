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

        var (user, logUse) = await tokens.ValidateAsync(token, Context.RequestAborted);
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

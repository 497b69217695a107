using System.Text.Encodings.Web;
using CityEye.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Auth;

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
        var user = await sessions.ValidateAsync(key, TimeSpan.FromMinutes(authOptions.Value.IdleTimeoutMinutes), userActivity, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("The session has ended (signed out, idle timeout, or account disabled).")
            : AuthenticateResult.Success(new AuthenticationTicket(CityEyeClaims.ToPrincipal(user, SchemeName), SchemeName));
    }
}

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
    /// <summary>Cookie name over plain HTTP (development, a node behind a TLS-terminating proxy that is not trusted).</summary>
    public const string CookieName = "cityeye.sid";

    /// <summary>Cookie name over HTTPS: the <c>__Host-</c> prefix makes the browser insist on Secure, Path=/ and no Domain.</summary>
    public const string SecureCookieName = "__Host-cityeye.sid";

    /// <summary>Header the SPA puts on automatic refreshes, which do not count as user activity.</summary>
    public const string BackgroundHeader = "X-CityEye-Background";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = SessionKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var userActivity = !Request.Headers.ContainsKey(BackgroundHeader);
        var user = await sessions.ValidateAsync(key, TimeSpan.FromMinutes(authOptions.Value.IdleTimeoutMinutes), userActivity, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("The session has ended (signed out, idle timeout, or account disabled).")
            : AuthenticateResult.Success(new AuthenticationTicket(CityEyeClaims.ToPrincipal(user, SchemeName), SchemeName));
    }

    /// <summary>The session key the request carries (either cookie name), or null.</summary>
    public static string? SessionKey(HttpRequest request)
    {
        foreach (var name in (string[])[SecureCookieName, CookieName])
        {
            if (request.Cookies.TryGetValue(name, out var key) && !string.IsNullOrEmpty(key) && key.Length <= 128)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Sets the session cookie: <c>__Host-</c> and Secure over HTTPS (also behind a trusted proxy), HttpOnly, SameSite=Strict.</summary>
    public static void Append(HttpResponse response, string key, TimeSpan maxAge)
    {
        var https = response.HttpContext.Request.IsHttps;
        response.Cookies.Append(https ? SecureCookieName : CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = https,
            Path = "/",
            MaxAge = maxAge,
        });
    }

    public static void Delete(HttpResponse response)
    {
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        if (response.HttpContext.Request.IsHttps)
        {
            response.Cookies.Delete(SecureCookieName, new CookieOptions { Path = "/", Secure = true });
        }
    }
}

using System.Text.Encodings.Web;
using CityEye.Core.Auth;
using CityEye.Core.Storage;
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
        UserPrincipalData? user;
        try
        {
            user = await sessions.ValidateAsync(key, TimeSpan.FromMinutes(authOptions.Value.IdleTimeoutMinutes), userActivity, Context.RequestAborted);
        }
        catch (Exception ex) when (AnonymousEndpointDuringStoreOutage(Context, ex))
        {
            // A probe or the sign-in page must not fail because a cookie could not be checked: treat it as absent.
            return AuthenticateResult.NoResult();
        }

        return user is null
            ? AuthenticateResult.Fail("The session has ended (signed out, idle timeout, or account disabled).")
            : AuthenticateResult.Success(new AuthenticationTicket(CityEyeClaims.ToPrincipal(user, SchemeName), SchemeName));
    }

    /// <summary>
    /// The session key the request carries, or null. Over HTTPS only the <c>__Host-</c> cookie counts, so a plain
    /// cookie planted by a network attacker or a sibling host cannot fix a session.
    /// </summary>
    public static string? SessionKey(HttpRequest request)
    {
        var name = request.IsHttps ? SecureCookieName : CookieName;
        return request.Cookies.TryGetValue(name, out var key) && !string.IsNullOrEmpty(key) && key.Length <= 128 ? key : null;
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

    /// <summary>
    /// True when the store cannot answer and the endpoint needs nobody signed in (probes, sign-in): those go on
    /// anonymously, everything else answers 503.
    /// </summary>
    internal static bool AnonymousEndpointDuringStoreOutage(HttpContext context, Exception exception) =>
        StoreFailures.IsUnavailable(exception)
        && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;
}

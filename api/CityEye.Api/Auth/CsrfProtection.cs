using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Validation;

namespace CityEye.Api.Auth;

/// <summary>
/// Every state-changing request that does not use a bearer token must prove it came from the SPA: it carries
/// <c>X-CityEye-Request: 1</c> (a cross-origin form cannot set a header, and a script on another origin would need a
/// CORS preflight that is never granted), and its <c>Origin</c> or <c>Sec-Fetch-Site</c>, when the browser sends
/// them, name our own origin. SameSite=Strict alone does not cover a form posted from another port of the same host
/// (same-site); this does. Refusals are 403 <c>auth.crossSiteRequest</c> and go to the security log.
/// </summary>
internal static class CsrfProtection
{
    public const string HeaderName = "X-CityEye-Request";

    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)
            || BearerTokenAuthenticationHandler.IsBearer(request))
        {
            await next(context);
            return;
        }

        var reason = Refusal(request);
        if (reason is null)
        {
            await next(context);
            return;
        }

        // With a session cookie this may be an attack riding on a user's session: the security log keeps it. Without
        // one nothing could have ridden on it, and anonymous junk must not flood the audit trail: the log file has it.
        if (SessionAuthenticationHandler.SessionKey(request) is not null)
        {
            var events = context.RequestServices.GetRequiredService<SecurityEventLog>();
            await events.WriteAsync("request.cross-site", null, null, context.Connection.RemoteIpAddress?.ToString(), $"{request.Method} {request.Path}: {reason}", context.RequestAborted);
        }
        else
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CsrfProtection))
                .LogWarning("Refused a cross-site {Method} {Path} without a session: {Reason}", request.Method, request.Path, reason);
        }

        await Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.CrossSiteRequest).ExecuteAsync(context);
    });

    private static string? Refusal(HttpRequest request)
    {
        if (request.Headers[HeaderName].ToString() != "1")
        {
            return $"no {HeaderName}: 1 header";
        }

        // Browsers that send Sec-Fetch-Site say themselves whether the page is of our origin; that holds behind any
        // proxy. Older ones are judged by Origin against the scheme and host the request reached (as forwarded by
        // a trusted proxy).
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"Sec-Fetch-Site {site}";
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? $"Origin {origin} is not {own}" : null;
    }
}

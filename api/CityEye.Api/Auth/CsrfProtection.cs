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
            || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
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

        var events = context.RequestServices.GetRequiredService<SecurityEventLog>();
        await events.WriteAsync("request.cross-site", null, null, context.Connection.RemoteIpAddress?.ToString(), $"{request.Method} {request.Path}: {reason}", context.RequestAborted);
        await Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.CrossSiteRequest).ExecuteAsync(context);
    });

    private static string? Refusal(HttpRequest request)
    {
        if (request.Headers[HeaderName].ToString() != "1")
        {
            return $"no {HeaderName}: 1 header";
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
        {
            return $"Origin {origin} is not {own}";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return $"Sec-Fetch-Site {site}";
        }

        return null;
    }
}

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Browser hardening on every response: no MIME sniffing, no framing, no referrer leaks, no caching of API answers, and a content security
/// policy that lets the SPA load only its own scripts and talk only to its own origin.
/// </summary>
/// <remarks>
/// Element Plus and ECharts set inline styles, hence <c>style-src 'unsafe-inline'</c>; scripts stay 'self' only.
/// The API reference page (/api-docs) runs an inline bootstrap script, so it gets its own, looser policy.
/// </remarks>
internal static class SecurityHeaders
{
    private const string SpaPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api-docs") ? ApiReferencePolicy : SpaPolicy;
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            // API answers carry session-bound data and token secrets: never stored by a browser or proxy.
            headers.CacheControl = "no-store";
        }

        return next(context);
    });
}

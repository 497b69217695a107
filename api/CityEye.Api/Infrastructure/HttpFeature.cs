using System.Text.Json;
using System.Text.Json.Serialization;
using CityEye.Api.Auth;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// The HTTP conventions every feature shares: ProblemDetails with error codes, JSON naming, OpenAPI, forwarded
/// headers from trusted proxies only, HSTS on HTTPS, no <c>Server</c> header, and <c>Cache-Control: no-store</c> on
/// every API answer (<see cref="SecurityHeaders"/>).
/// </summary>
internal static class HttpFeature
{
    public static WebApplicationBuilder AddHttpFeature(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(options => options.AddServerHeader = false);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Malformed JSON and unbindable parameters throw, so the exception handler answers with our own words.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // Numbers are numbers: no "42" for 42 (the web default), so the contract and the SPA's types say number.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<OpenApiSecurityTransformer>();
            options.AddDocumentTransformer<OpenApiContractTransformer>();
            options.AddOperationTransformer<OpenApiParameterNames>();
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HttpOptions>>((forwarded, http) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var entry in http.Value.TrustedProxies)
            {
                // Validated at start-up (HttpOptions), so these parse.
                forwarded.KnownIPNetworks.Add(HttpOptions.ParseProxy(entry)!.Value);
            }
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpOptions>>((hsts, http) =>
        {
            hsts.MaxAge = TimeSpan.FromDays(http.Value.HstsMaxAgeDays);
            hsts.IncludeSubDomains = true;
            // The node is reached by address inside the police network; send HSTS for every HTTPS host.
            hsts.ExcludedHosts.Clear();
        });
        return builder;
    }

    /// <summary>Middleware in order: forwarded headers, HSTS, security headers, errors, no-store for the API.</summary>
    public static WebApplication UseHttpFeature(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseHsts();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Whether the OpenAPI document and reference page need a signed-in user.</summary>
    public static TBuilder ApiDocsAccess<TBuilder>(this TBuilder builder, WebApplication app)
        where TBuilder : IEndpointConventionBuilder
        => app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.RequireSignInForApiDocs ? builder.RequireSignedIn() : builder.AllowAnonymous();
}

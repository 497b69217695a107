using CityEye.Api.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CityEye.Api.Infrastructure;

/// <summary>Describes the two ways in: the SPA's session cookie and external systems' bearer tokens.</summary>
internal sealed class OpenApiSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CityEye API",
            Version = "v1",
            Description = "District node of the Shanghai \"City Eye\" police video platform (青浦分局). Sign in with POST /api/auth/login (session cookie) or send `Authorization: Bearer <token>` from POST /api/auth/tokens. Errors are RFC 9457 ProblemDetails.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["session"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = SessionAuthenticationHandler.CookieName,
            Description = "Session cookie set by POST /api/auth/login.",
        };
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "API token from POST /api/auth/tokens.",
        };
        return Task.CompletedTask;
    }
}

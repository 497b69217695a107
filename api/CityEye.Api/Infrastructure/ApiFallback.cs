using CityEye.Core.Validation;
using Microsoft.AspNetCore.Routing.Template;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Answers API paths that no endpoint handled: 405 with an <c>Allow</c> header when the path exists for other
/// methods, else 404. Either way a ProblemDetails, never the SPA's HTML.
/// </summary>
internal static class ApiFallback
{
    public static IEndpointConventionBuilder MapApiFallback(this IEndpointRouteBuilder routes)
    {
        // Built once, on first use: the endpoint list is complete by then.
        var templates = new Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>>(() =>
            routes.DataSources.SelectMany(source => source.Endpoints)
                .OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
                .GroupBy(e => e.RoutePattern.RawText!, StringComparer.Ordinal)
                .Select(g => (
                    new TemplateMatcher(TemplateParser.Parse(g.Key), new RouteValueDictionary()),
                    (IReadOnlyList<string>)g.SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods).Distinct(StringComparer.Ordinal).ToList()))
                .ToList());

        return routes.MapFallback("/api/{**path}", (HttpContext context) =>
            {
                var allowed = templates.Value
                    .Where(t => t.Matcher.TryMatch(context.Request.Path, new RouteValueDictionary()))
                    .SelectMany(t => t.Methods)
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                // The matcher ignores route constraints ({id:guid}); a path "matching" for the request's own method was
                // in fact refused by a constraint, so it does not exist.
                if (allowed.Count == 0 || allowed.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
                {
                    return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
                }

                context.Response.Headers.Allow = string.Join(", ", allowed);
                return Problems.Of(StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, new Dictionary<string, object?> { ["method"] = context.Request.Method, ["allowed"] = allowed });
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
    }
}

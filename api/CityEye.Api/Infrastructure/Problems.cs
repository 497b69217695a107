using System.Text.Json;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// The one way handlers answer with an error: RFC 9457 ProblemDetails carrying a <c>code</c> from
/// <see cref="ErrorCodes"/> (and <c>args</c>), and for bad input the <c>violations</c> list of
/// <c>{ field, code, args }</c>. The English <c>detail</c> is for API clients and logs; the SPA translates the codes.
/// </summary>
internal static class Problems
{
    public const string CodeKey = "code";
    public const string ArgsKey = "args";
    public const string ViolationsKey = "violations";

    /// <summary>A coded problem, for handlers (<see cref="Of"/>), middleware and the exception handler alike.</summary>
    public static ProblemDetails Create(int status, string code, IReadOnlyDictionary<string, object?>? args = null, string? detail = null)
    {
        var problem = new ProblemDetails { Status = status, Title = TitleOf(status), Detail = detail ?? ErrorCodes.Describe(code, args) };
        problem.Extensions[CodeKey] = code;
        if (args is not null)
        {
            problem.Extensions[ArgsKey] = args;
        }

        return problem;
    }

    /// <summary>A 400 naming every broken rule per field (<c>errors</c> in English, <c>violations</c> coded).</summary>
    public static HttpValidationProblemDetails CreateValidation(IReadOnlyCollection<Violation> violations, string code = ErrorCodes.ValidationFailed, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var problem = new HttpValidationProblemDetails(Errors(violations))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = TitleOf(StatusCodes.Status400BadRequest),
            Detail = detail ?? ErrorCodes.Describe(code, null),
        };
        problem.Extensions[CodeKey] = code;
        problem.Extensions[ViolationsKey] = violations;
        return problem;
    }

    public static ProblemHttpResult Of(int status, string code, IReadOnlyDictionary<string, object?>? args = null) =>
        TypedResults.Problem(Create(status, code, args));

    /// <summary>429 with <c>Retry-After</c>: sign-in throttle, rate limiter, busy hashing threads.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext context, int seconds, string code)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, code, new Dictionary<string, object?> { ["seconds"] = seconds });
    }

    /// <summary>400 naming every broken rule per field.</summary>
    public static ValidationProblem Validation(IReadOnlyCollection<Violation> violations)
    {
        var problem = CreateValidation(violations);
        return TypedResults.ValidationProblem(problem.Errors, problem.Detail, title: problem.Title, extensions: problem.Extensions);
    }

    public static ValidationProblem Validation(string field, string code, IReadOnlyDictionary<string, object?>? args = null) =>
        Validation([new Violation(field, code, args)]);

    /// <summary>The <c>errors</c> member of a validation problem: English messages by field.</summary>
    public static Dictionary<string, string[]> Errors(IEnumerable<Violation> violations) =>
        violations.GroupBy(v => v.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray(), StringComparer.Ordinal);

    public static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        StatusCodes.Status503ServiceUnavailable => "Service unavailable",
        _ => status >= 500 ? "Internal server error" : "Error",
    };

    /// <summary>The default code of a status, for problems written without one (framework 401/403/404).</summary>
    public static string DefaultCode(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorCodes.ValidationFailed,
        StatusCodes.Status401Unauthorized => ErrorCodes.Unauthenticated,
        StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
        StatusCodes.Status404NotFound => ErrorCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
        StatusCodes.Status409Conflict => ErrorCodes.Conflict,
        StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ErrorCodes.StoreUnavailable,
        _ => ErrorCodes.ServerError,
    };

    /// <summary>The JSON name of a C# member path (<c>Expires.Days</c> → <c>expires.days</c>).</summary>
    public static string JsonName(string memberPath) =>
        string.Join('.', memberPath.Split('.').Select(part => JsonNamingPolicy.CamelCase.ConvertName(part)));
}

using System.Text.Json;
using System.Text.RegularExpressions;
using CityEye.Core.Auth;
using CityEye.Core.Storage;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 ProblemDetails with an error code: malformed requests → 400 naming the problem
/// (never an internal type name), a store that cannot answer right now → 503 with <c>Retry-After</c>, anything else
/// → 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client should wait before retrying when the store is unavailable.</summary>
    public const int StoreRetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = Describe(bad);
        }
        else if (StoreFailures.IsUnavailable(exception))
        {
            logger.LogWarning(exception, "Store unavailable during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreUnavailable);
        }
        else if (exception is Indexers.Elasticsearch.SearchEngineException)
        {
            logger.LogWarning(exception, "Search engine unavailable during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.SearchUnavailable);
        }
        else if (exception is Captures.VectorsUnavailableException or VectorSearch.VectorIndexException)
        {
            logger.LogWarning(exception, "Vector index unavailable during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.VectorsUnavailable);
        }
        else if (exception is CityEye.Vision.ModelsUnavailableException)
        {
            logger.LogWarning(exception, "Models unavailable during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ModelsUnavailable);
        }
        else if (exception is Npgsql.PostgresException { SqlState: "23505" } or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 })
        {
            // Two requests raced to create the same unique thing; the loser is told to reload, nothing was written.
            logger.LogInformation(exception, "Unique constraint during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.Conflict);
        }
        else if (exception is Core.Auth.AccessIntegrityException integrityFailure)
        {
            // A change of a user or role whose seal does not match: refused, so it cannot bless a change made in the database.
            logger.LogWarning("Refused a change of {Table} {Id}: {Message}", integrityFailure.Finding.Table, integrityFailure.Finding.Id, integrityFailure.Message);
            problem = Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.AccountIntegrity);
        }
        else if (exception is PasswordHashingBusyException)
        {
            // Too many sign-ins wait for a hashing thread: the client retries shortly.
            httpContext.Response.Headers.RetryAfter = "1";
            problem = Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, new Dictionary<string, object?> { ["seconds"] = 1 });
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the answer.
            httpContext.Response.StatusCode = 499;
            return true;
        }
        else
        {
            logger.LogError(exception, "Request {Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(StatusCodes.Status500InternalServerError, ErrorCodes.ServerError);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>Our own words for the framework's binding failures, which name internal types.</summary>
    private static ProblemDetails Describe(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            var where = json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine + 1}{(json.Path is { Length: > 1 } p ? $", at {p}" : string.Empty)})" : string.Empty;
            var problem = Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.MalformedBody, detail: $"The request body could not be read as JSON{where}.");
            if (json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
            {
                problem.Extensions[Problems.ViolationsKey] = new[] { new Violation(path[2..], ErrorCodes.Format) };
            }

            return problem;
        }

        var parameter = ParameterName().Match(exception.Message);
        if (parameter.Success)
        {
            var name = Problems.JsonName(parameter.Groups["name"].Value);
            var required = exception.Message.StartsWith("Required parameter", StringComparison.Ordinal);
            return Problems.CreateValidation(
                [new Violation(name, required ? ErrorCodes.Required : ErrorCodes.Format)],
                ErrorCodes.BadParameter,
                required ? $"The parameter '{name}' is required." : $"The parameter '{name}' has a value of the wrong type.");
        }

        return Problems.Create(exception.StatusCode, exception.StatusCode == StatusCodes.Status400BadRequest ? ErrorCodes.MalformedBody : Problems.DefaultCode(exception.StatusCode), detail: "The request could not be read.");
    }

    // 'Failed to bind parameter "int take" from "lots".' / 'Required parameter "string name" was not provided ...'
    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}

/// <summary>Fills the parts every ProblemDetails should carry, whoever wrote it: a code, a title and a detail.</summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!problem.Extensions.TryGetValue(Problems.CodeKey, out var value) || value is not string code)
        {
            code = Problems.DefaultCode(problem.Status);
            problem.Extensions[Problems.CodeKey] = code;
        }

        problem.Detail ??= ErrorCodes.Describe(code, null);

        // Validation keys errors by C# property name; clients see JSON (camelCase) names, so use those.
        if (problem is HttpValidationProblemDetails validation && validation.Errors.Count > 0)
        {
            var renamed = validation.Errors.ToDictionary(e => Problems.JsonName(e.Key), e => e.Value, StringComparer.Ordinal);
            validation.Errors.Clear();
            foreach (var (key, entry) in renamed)
            {
                validation.Errors[key] = entry;
            }
        }
    }
}

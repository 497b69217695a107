using System.Text.Json;
using CityEye.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 ProblemDetails: malformed requests → 400 naming the problem, an unreachable
/// store → 503, anything else → 500 without internals.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "请求格式错误 (Bad request)", Describe(bad)),
            StoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, "存储不可用 (Store unavailable)", "The system-of-record database cannot be reached; try again shortly."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", null),
            _ => (StatusCodes.Status500InternalServerError, "服务器内部错误 (Internal server error)", "An unexpected error occurred. It has been logged."),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException exception)
    {
        // The JSON reader's message names the position ("'}' is invalid after a value. LineNumber: 0 | BytePositionInLine: 17.").
        var json = exception.InnerException as JsonException;
        return json is null ? exception.Message : $"{exception.Message} {json.Message}";
    }
}

/// <summary>Fills the parts every ProblemDetails should carry, whoever wrote it.</summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status401Unauthorized => "请先登录，或会话已过期。Sign in first; the session may have ended.",
            StatusCodes.Status403Forbidden => "当前用户没有此功能的权限。The signed-in user lacks the permission this function needs.",
            StatusCodes.Status404NotFound => "请求的资源不存在。The requested resource does not exist.",
            StatusCodes.Status405MethodNotAllowed => "此路径不支持该请求方法。This path does not accept that method.",
            _ => null,
        };

        // Built-in validation keys errors by C# property name; clients see JSON (camelCase) names, so use those.
        if (problem is HttpValidationProblemDetails validation && validation.Errors.Count > 0)
        {
            var renamed = validation.Errors.ToDictionary(e => CamelCasePath(e.Key), e => e.Value, StringComparer.Ordinal);
            validation.Errors.Clear();
            foreach (var (key, value) in renamed)
            {
                validation.Errors[key] = value;
            }
        }
    }

    private static string CamelCasePath(string key) =>
        string.Join('.', key.Split('.').Select(part => JsonNamingPolicy.CamelCase.ConvertName(part)));
}

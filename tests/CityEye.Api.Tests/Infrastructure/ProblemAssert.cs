using System.Net;
using System.Text.Json;

namespace CityEye.Api.Tests.Infrastructure;

internal static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 ProblemDetails body with the given status and returns it.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, CancellationToken cancellationToken)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), body);
        return problem;
    }

    /// <summary>Asserts a ProblemDetails body with the given status and error code, and returns it.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, CancellationToken cancellationToken)
    {
        var problem = await IsProblemAsync(response, status, cancellationToken);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    /// <summary>Asserts a 400 ProblemDetails whose violations include the field with the error code.</summary>
    public static async Task<JsonElement> HasFieldErrorAsync(HttpResponseMessage response, string field, string code, CancellationToken cancellationToken)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest, cancellationToken);
        var violations = problem.GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("field").GetString(), v.GetProperty("code").GetString())).ToList();
        Assert.Contains((field, code), violations);
        return problem;
    }
}

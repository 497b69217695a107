using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Health;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        // Probes are anonymous: load balancers and orchestrators call them without credentials.
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("alive")))
            .AllowAnonymous()
            .WithTags("Health")
            .WithName("Health_Alive")
            .WithSummary("Liveness: the process is up and serving.");

        routes.MapGet("/readyz", GetReadiness)
            .AllowAnonymous()
            .WithTags("Health")
            .WithName("Health_Ready")
            .WithSummary("Readiness of each engine and start-up step; 503 until all are ready.")
            .Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    /// <remarks>
    /// Anonymous callers (load balancers) see each check's state only; details, which name the database provider,
    /// folders and hosts, are for signed-in administrators (users.manage).
    /// </remarks>
    private static JsonHttpResult<ReadinessResponse> GetReadiness(ReadinessRegistry readiness, HttpContext context)
    {
        var details = context.User.HasClaim(CityEyeClaims.Permission, Permissions.UsersManage);
        var checks = readiness.Snapshot().ToDictionary(
            c => c.Key,
            c => new ReadinessCheckResponse(c.Value.State, details || c.Value.PublicDetail ? c.Value.Detail : null),
            StringComparer.Ordinal);
        var ready = readiness.IsReady;
        var failed = checks.Values.Any(c => c.State == ReadinessState.Failed);
        return TypedResults.Json(
            new ReadinessResponse(ready ? "ready" : failed ? "failed" : "starting", checks),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}

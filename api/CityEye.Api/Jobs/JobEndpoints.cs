using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Jobs;

internal static class JobEndpoints
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/jobs").WithTags("Jobs");

        group.MapGet("/", ListAsync)
            .RequirePermission(Permissions.JobsView)
            .WithName("Jobs_List")
            .WithSummary("Long-running jobs, newest first.")
            .ProducesValidationProblem();

        group.MapGet("/{id:guid}", GetAsync)
            .RequirePermission(Permissions.JobsView)
            .WithName("Jobs_Get")
            .WithSummary("One job with its progress, result or error.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/messages", GetMessagesAsync)
            .RequirePermission(Permissions.JobsView)
            .WithName("Jobs_Messages")
            .WithSummary("The job's message log.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .RequirePermission(Permissions.JobsManage)
            .WithName("Jobs_Cancel")
            .WithSummary("Asks a queued or running job to stop.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync(JobStore jobs, CancellationToken cancellationToken, int skip = 0, int take = 20, string? kind = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (skip < 0)
        {
            errors["skip"] = ["须为非负整数 (must be 0 or more)"];
        }

        if (take is < 1 or > MaxPageSize)
        {
            errors["take"] = [$"须在 1 到 {MaxPageSize} 之间 (must be 1 to {MaxPageSize})"];
        }

        if (kind is { Length: > 64 })
        {
            errors["kind"] = ["最长 64 字 (at most 64 characters)"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (items, total) = await jobs.ListAsync(skip, take, kind, cancellationToken);
        return TypedResults.Ok(new JobPage(items.Select(JobResponse.From).ToList(), total));
    }

    private static async Task<Results<Ok<JobResponse>, NotFound>> GetAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id.ToString(), cancellationToken);
        return job is null ? TypedResults.NotFound() : TypedResults.Ok(JobResponse.From(job));
    }

    private static async Task<Results<Ok<List<JobMessageResponse>>, NotFound>> GetMessagesAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id.ToString(), cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var messages = await jobs.GetMessagesAsync(id.ToString(), cancellationToken);
        return TypedResults.Ok(messages.Select(m => new JobMessageResponse(m.Id, m.At, m.Level, m.Message)).ToList());
    }

    private static async Task<Results<Accepted<JobResponse>, NotFound, ProblemHttpResult>> CancelAsync(
        Guid id,
        JobStore jobs,
        JobRunner runner,
        CancellationToken cancellationToken)
    {
        var before = await jobs.GetAsync(id.ToString(), cancellationToken);
        if (before is null)
        {
            return TypedResults.NotFound();
        }

        if (before.IsFinished)
        {
            return TypedResults.Problem(
                title: "任务已结束 (Job already finished)",
                detail: $"The job ended as {before.Status} and cannot be cancelled.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var after = await jobs.RequestCancelAsync(before.Id, cancellationToken);
        runner.Signal(before.Id);
        return TypedResults.Accepted($"/api/jobs/{before.Id}", JobResponse.From(after!));
    }
}

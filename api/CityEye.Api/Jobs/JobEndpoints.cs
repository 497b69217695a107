using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Core.Auth;
using CityEye.Core.Jobs;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Jobs;

internal static class JobEndpoints
{
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
            .RequirePermission(Permissions.JobsView)
            .WithName("Jobs_Cancel")
            .WithSummary("Asks a queued or running job to stop: one's own, or any with jobs.manage.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>Users see their own jobs; holders of jobs.manage see every job, system jobs included.</summary>
    private static async Task<Ok<JobPage>> ListAsync(HttpContext context, JobStore jobs, [AsParameters] PageQuery paging, [AsParameters] JobFilter filter, CancellationToken cancellationToken)
    {
        var (items, total) = await jobs.ListAsync(paging.Skip, paging.Take, filter.Kind, OwnerFilter(context), cancellationToken);
        return TypedResults.Ok(new JobPage(items.Select(JobResponse.From).ToList(), total));
    }

    private static async Task<Results<Ok<JobResponse>, NotFound>> GetAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await VisibleAsync(id, context, jobs, cancellationToken);
        return job is null ? TypedResults.NotFound() : TypedResults.Ok(JobResponse.From(job));
    }

    private static async Task<Results<Ok<List<JobMessageResponse>>, NotFound>> GetMessagesAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(id, context, jobs, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var messages = await jobs.GetMessagesAsync(id.ToString(), cancellationToken);
        return TypedResults.Ok(messages.Select(m => new JobMessageResponse(m.Id, m.At, m.Level, m.Message)).ToList());
    }

    private static async Task<Results<Accepted<JobResponse>, NotFound, ProblemHttpResult>> CancelAsync(
        Guid id,
        HttpContext context,
        JobStore jobs,
        JobRunner runner,
        CancellationToken cancellationToken)
    {
        var before = await VisibleAsync(id, context, jobs, cancellationToken);
        if (before is null)
        {
            return TypedResults.NotFound();
        }

        if (before.IsFinished)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.JobFinished, new Dictionary<string, object?> { ["status"] = before.Status.ToString() });
        }

        var after = await jobs.RequestCancelAsync(before.Id, cancellationToken);
        runner.Signal(before.Id);
        return TypedResults.Accepted($"/api/jobs/{before.Id}", JobResponse.From(after!));
    }

    /// <summary>Null for holders of jobs.manage (every job); otherwise the caller's own user id.</summary>
    private static long? OwnerFilter(HttpContext context) =>
        context.User.HasClaim(CityEyeClaims.Permission, Permissions.JobsManage) ? null : context.User.UserId();

    /// <summary>The job when the caller may see it; someone else's job is "not found", not "forbidden".</summary>
    private static async Task<Job?> VisibleAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id.ToString(), cancellationToken);
        var owner = OwnerFilter(context);
        return job is not null && (owner is null || job.OwnerUserId == owner) ? job : null;
    }
}

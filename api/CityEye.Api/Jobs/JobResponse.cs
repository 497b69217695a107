using CityEye.Core.Jobs;

namespace CityEye.Api.Jobs;

public sealed record JobResponse(
    string Id,
    string Kind,
    string Title,
    JobStatus Status,
    double Progress,
    string? Message,
    string? Error,
    string? Result,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    bool CancelRequested,
    int Attempts)
{
    public static JobResponse From(Job job) => new(
        job.Id,
        job.Kind,
        job.Title,
        job.Status,
        job.Progress,
        job.Message,
        job.Error,
        job.Result,
        job.CreatedBy,
        job.CreatedAt,
        job.StartedAt,
        job.FinishedAt,
        job.CancelRequested,
        job.Attempts);
}

namespace CityEye.Core.Jobs;

/// <summary>A durable record of work that takes longer than a request.</summary>
public sealed record Job
{
    public required string Id { get; init; }

    /// <summary>Which <see cref="IJobHandler"/> runs it, e.g. <c>demo-seed</c>.</summary>
    public required string Kind { get; init; }

    public required string Title { get; init; }

    public JobStatus Status { get; init; }

    /// <summary>0 to 1.</summary>
    public double Progress { get; init; }

    public string? Message { get; init; }

    public string? Error { get; init; }

    /// <summary>Short result summary (or JSON) written when the job succeeds.</summary>
    public string? Result { get; init; }

    /// <summary>Handler input as JSON.</summary>
    public string? Parameters { get; init; }

    public string? CreatedBy { get; init; }

    /// <summary>The user who started it; null for system jobs. Users see and cancel their own jobs only, unless they hold jobs.manage.</summary>
    public long? OwnerUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DateTimeOffset? HeartbeatAt { get; init; }

    public bool CancelRequested { get; init; }

    /// <summary>How many times a runner has started it (more than 1 after a resume).</summary>
    public int Attempts { get; init; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

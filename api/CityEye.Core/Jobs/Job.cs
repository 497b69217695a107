namespace CityEye.Core.Jobs;

/// <summary>Life cycle of a long-running job.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

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

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DateTimeOffset? HeartbeatAt { get; init; }

    public bool CancelRequested { get; init; }

    /// <summary>How many times a runner has started it (more than 1 after a resume).</summary>
    public int Attempts { get; init; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

/// <summary>One line of a job's message log.</summary>
public sealed record JobMessage(long Id, DateTimeOffset At, string Level, string Message);

/// <summary>Runs jobs of one kind.</summary>
public interface IJobHandler
{
    /// <summary>The job kind this handler runs.</summary>
    string Kind { get; }

    /// <summary>
    /// True when the handler can safely run again after a restart interrupted it (its writes are idempotent);
    /// such jobs are queued again on start-up, the others are failed with a clear message.
    /// </summary>
    bool Resumable { get; }

    /// <summary>Does the work, reporting through <paramref name="context"/>; returns a short result summary.</summary>
    Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken);
}

/// <summary>What a running job sees of the job system.</summary>
public sealed class JobContext(Job job, JobStore store)
{
    public Job Job { get; } = job;

    /// <summary>Records progress (0..1) and a status message; visible to users at once.</summary>
    public Task ReportAsync(double progress, string? message, CancellationToken cancellationToken)
        => store.ReportProgressAsync(Job.Id, Math.Clamp(progress, 0, 1), message, cancellationToken);

    /// <summary>Appends a line to the job's message log.</summary>
    public Task LogAsync(string message, CancellationToken cancellationToken, string level = "info")
        => store.AddMessageAsync(Job.Id, level, message, cancellationToken);
}

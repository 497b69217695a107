namespace CityEye.Core.Jobs;

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

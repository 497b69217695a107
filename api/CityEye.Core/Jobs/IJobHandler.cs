namespace CityEye.Core.Jobs;

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

    /// <summary>
    /// Jobs of this kind that may run at once. Each kind has its own slots, so a quick import never waits behind
    /// long video or model jobs of another kind.
    /// </summary>
    int MaxConcurrency => 1;

    /// <summary>Does the work, reporting through <paramref name="context"/>; returns a short result summary.</summary>
    Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken);
}

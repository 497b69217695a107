namespace CityEye.Api.Infrastructure.Startup;

/// <summary>
/// One named piece of start-up work (migrate the store, ensure roles, queue the demo district, open an index) that
/// must finish before the node serves. Steps run in registration order and report into <c>/readyz</c> under
/// <see cref="Name"/>; a step that cannot succeed throws <see cref="CannotStartException"/> (or lets a
/// <c>StoreUnavailableException</c> through) and the process ends with one line naming the problem.
/// </summary>
public interface IStartupStep
{
    /// <summary>Readiness check name, e.g. <c>store</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Does the work; returns the detail /readyz shows when it is done, or null when a background follower now
    /// reports the check (the step must have set it through the readiness registry).
    /// </summary>
    Task<string?> RunAsync(CancellationToken cancellationToken);
}

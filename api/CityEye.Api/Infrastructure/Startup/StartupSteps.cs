using CityEye.Core.Storage;

namespace CityEye.Api.Infrastructure.Startup;

/// <summary>Registers and runs the ordered start-up steps.</summary>
internal static class StartupSteps
{
    private sealed record StartupStepType(Type Type);

    /// <summary>Adds a step; steps run in the order features register them.</summary>
    public static IServiceCollection AddStartupStep<TStep>(this IServiceCollection services)
        where TStep : class, IStartupStep
    {
        // Registered by type and built only when its turn comes, so a step's dependencies (the store, options) are
        // not constructed before the steps that validate them.
        services.AddSingleton<TStep>();
        services.AddSingleton(new StartupStepType(typeof(TStep)));
        return services;
    }

    /// <summary>Runs every step in order, reporting each as a readiness check.</summary>
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var readiness = services.GetRequiredService<ReadinessRegistry>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupSteps));
        foreach (var type in services.GetServices<StartupStepType>())
        {
            IStartupStep step;
            try
            {
                step = (IStartupStep)services.GetRequiredService(type.Type);
            }
            catch (InvalidOperationException ex)
            {
                // Options that do not bind surface when a step's dependencies are built.
                throw new CannotStartException(ex.Message, ex);
            }

            readiness.Set(step.Name, ReadinessState.Starting, "running");
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                // Null: the step handed its check to a background follower (the demo seeding), which reports it.
                if (await step.RunAsync(cancellationToken) is { } detail)
                {
                    readiness.Set(step.Name, ReadinessState.Ready, detail);
                }
            }
            catch (Exception ex) when (ex is CannotStartException || StoreFailures.IsUnavailable(ex))
            {
                readiness.Set(step.Name, ReadinessState.Failed, ex.Message);
                if (ex is CannotStartException or StoreUnavailableException)
                {
                    throw;
                }

                // A database that goes away between steps is one start-up line too, not a stack trace.
                throw new StoreUnavailableException($"The store failed during start-up step '{step.Name}': {ex.Message}", ex);
            }

            logger.LogInformation("Start-up step {Step} done in {Elapsed} ms", step.Name, (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}

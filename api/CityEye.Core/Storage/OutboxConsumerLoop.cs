using Microsoft.Extensions.Logging;

namespace CityEye.Core.Storage;

/// <summary>
/// The run loop of an outbox consumer (the search index, the derived tags): drain, sleep while there is nothing to
/// do, and back off (2, 4, 8 … at most 30 s) while the store or the engine fails. Nothing is lost on failure because
/// consumers move their cursor only after their work has committed.
/// </summary>
public static class OutboxConsumerLoop
{
    /// <param name="name">The consumer, for the log.</param>
    /// <param name="drainOnce">Handles the pending entries once; answers how many it handled (0: idle).</param>
    /// <param name="idleDelay">How long to sleep when idle (read each time, so tests can shorten it).</param>
    /// <param name="onIdle">Called each time the consumer has caught up.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="stoppingToken">Ends the loop.</param>
    public static async Task RunAsync(
        string name, Func<CancellationToken, Task<int>> drainOnce, Func<TimeSpan> idleDelay, Action? onIdle, ILogger logger, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(drainOnce);
        ArgumentNullException.ThrowIfNull(idleDelay);
        ArgumentNullException.ThrowIfNull(logger);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await drainOnce(stoppingToken);
                failures = 0;
                if (handled == 0)
                {
                    onIdle?.Invoke();
                    await Task.Delay(idleDelay(), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "{Consumer} failed ({Failures} in a row); retrying.", name, failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures))), stoppingToken);
            }
        }
    }
}

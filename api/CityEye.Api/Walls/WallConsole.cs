using CityEye.Core.Walls;

namespace CityEye.Api.Walls;

/// <summary>
/// Applies the console's commands to a wall: one change at a time (read, apply, save with the version read), then
/// every <see cref="IWallController"/> shows the new state. A command that does not fit the wall changes nothing.
/// </summary>
internal sealed partial class WallConsole(VideoWallStore store, IEnumerable<IWallController> controllers, ILogger<WallConsole> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// The wall after <paramref name="change"/>, or null when there is no such wall. Throws
    /// <see cref="WallCommandException"/> and <see cref="WallNameTakenException"/> for changes that do not fit.
    /// </summary>
    public async Task<VideoWall?> ChangeAsync(long wallId, Func<VideoWall, VideoWall> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        VideoWall? saved;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wall = await store.GetAsync(wallId, cancellationToken);
            if (wall is null)
            {
                return null;
            }

            var changed = change(wall);
            if (ReferenceEquals(changed, wall))
            {
                return wall;
            }

            // One change at a time on this node: the version read is the version saved over; another node's change
            // in between is a conflict (the console tries again), never a lost update.
            saved = await store.SaveAsync(changed, wall.Version, cancellationToken) ?? throw new WallConflictException($"Wall {wallId} changed meanwhile.");
        }
        finally
        {
            _gate.Release();
        }

        await ShowAsync(wallId, saved, cancellationToken);
        return saved;
    }

    public async Task<bool> DeleteAsync(long wallId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(wallId, cancellationToken))
        {
            return false;
        }

        await ShowAsync(wallId, null, cancellationToken);
        return true;
    }

    /// <summary>Every controller shows the state; one that fails is logged and does not stop the others.</summary>
    public async Task ShowAsync(long wallId, VideoWall? wall, CancellationToken cancellationToken)
    {
        foreach (var controller in controllers)
        {
            try
            {
                await controller.ShowAsync(wallId, wall, cancellationToken);
            }
#pragma warning disable CA1031 // A wall controller that cannot be reached must not fail the console's command.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogControllerFailed(logger, e, controller.Name, wallId);
            }
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wall controller {Controller} could not show wall {WallId}")]
    private static partial void LogControllerFailed(ILogger logger, Exception exception, string controller, long wallId);
}

/// <summary>Another change of the wall was saved between reading and saving this one (another node's).</summary>
internal sealed class WallConflictException : Exception
{
    public WallConflictException()
    {
    }

    public WallConflictException(string message)
        : base(message)
    {
    }

    public WallConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Patrol of the wall's screens (轮巡): every second, each patrolling screen whose interval has passed shows its next
/// page. The timers live in memory; after a restart a patrol simply starts its interval again.
/// </summary>
internal sealed partial class WallPatrol(VideoWallStore store, WallConsole console, TimeProvider time, ILogger<WallPatrol> logger) : BackgroundService
{
    private readonly Dictionary<(long Wall, int Screen), (int Page, int Seconds, DateTimeOffset Due)> _timers = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
#pragma warning disable CA1031 // A store that is briefly away pauses the patrol; the next tick tries again.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogTickFailed(logger, e);
            }
        }
    }

    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seen = new HashSet<(long, int)>();
        foreach (var wall in await store.ListAsync(cancellationToken))
        {
            for (var i = 0; i < wall.State.Screens.Count; i++)
            {
                var screen = wall.State.Screens[i];
                if (!screen.Patrolling || screen.Pages < 2)
                {
                    continue;
                }

                var key = (wall.Id, i);
                seen.Add(key);
                // A new patrol, a new interval or a page turned by hand starts the interval again.
                if (!_timers.TryGetValue(key, out var timer) || timer.Page != screen.Page || timer.Seconds != screen.PatrolSeconds)
                {
                    _timers[key] = (screen.Page, screen.PatrolSeconds, now.AddSeconds(screen.PatrolSeconds));
                    continue;
                }

                if (now < timer.Due)
                {
                    continue;
                }

                // Turned only if the screen still patrols the page the timer saw (a paused patrol, a screen sent
                // meanwhile or a resized wall is left alone).
                var index = i;
                var seenPage = timer.Page;
                try
                {
                    var turned = await console.ChangeAsync(
                        wall.Id,
                        w => index < w.State.Screens.Count && w.State.Screens[index] is { Patrolling: true } current && current.Page == seenPage
                            ? w with { State = WallLayout.Page(w.State, index, 1) }
                            : w,
                        cancellationToken);
                    if (turned is not null && index < turned.State.Screens.Count)
                    {
                        _timers[key] = (turned.State.Screens[index].Page, screen.PatrolSeconds, now.AddSeconds(screen.PatrolSeconds));
                    }
                }
                catch (Exception e) when (e is WallConflictException or WallCommandException)
                {
                    // Another change won; the next tick looks again.
                    _timers.Remove(key);
                }
            }
        }

        foreach (var gone in _timers.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _timers.Remove(gone);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The wall patrol could not turn its pages; it tries again in a second")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}

using System.Threading.Channels;
using CityEye.Core.Walls;

namespace CityEye.Api.Walls;

/// <summary>
/// The open event streams of the wall pages and consoles: each subscriber is woken when its wall changes (or a
/// display comes or goes) and then reads the wall afresh, so a burst of changes costs one read and nobody falls
/// behind. Counts the display pages open per wall for the console.
/// </summary>
internal sealed class WallHub
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, List<Subscriber>> _subscribers = [];

    internal sealed class Subscriber(bool display, long userId)
    {
        public bool Display => display;

        public long UserId => userId;

        /// <summary>Holds at most one pending wake-up: several changes before the next read are one read.</summary>
        public Channel<bool> Changed { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    }

    /// <summary>Event streams one user may hold open at once (a display computer shows one wall, a console follows one).</summary>
    public const int MaxPerUser = 16;

    /// <summary>A new subscriber of the wall, or null when the user already holds <see cref="MaxPerUser"/> streams.</summary>
    public Subscriber? Subscribe(long wallId, bool display, long userId)
    {
        var subscriber = new Subscriber(display, userId);
        lock (_lock)
        {
            if (_subscribers.Values.Sum(l => l.Count(s => s.UserId == userId)) >= MaxPerUser)
            {
                return null;
            }

            if (!_subscribers.TryGetValue(wallId, out var list))
            {
                _subscribers[wallId] = list = [];
            }

            list.Add(subscriber);
        }

        if (display)
        {
            Publish(wallId);
        }

        return subscriber;
    }

    /// <summary>Ends a subscription (again: nothing).</summary>
    public void Unsubscribe(long wallId, Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var removed = false;
        lock (_lock)
        {
            if (_subscribers.TryGetValue(wallId, out var list))
            {
                removed = list.Remove(subscriber);
                if (list.Count == 0)
                {
                    _subscribers.Remove(wallId);
                }
            }
        }

        if (removed && subscriber.Display)
        {
            Publish(wallId);
        }
    }

    /// <summary>Wakes everyone watching the wall.</summary>
    public void Publish(long wallId)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(wallId, out var list))
            {
                foreach (var subscriber in list)
                {
                    subscriber.Changed.Writer.TryWrite(true);
                }
            }
        }
    }

    /// <summary>How many wall pages show the wall now.</summary>
    public int Displays(long wallId)
    {
        lock (_lock)
        {
            return _subscribers.TryGetValue(wallId, out var list) ? list.Count(s => s.Display) : 0;
        }
    }
}

/// <summary>The embedded default controller: the browser wall pages, woken through the <see cref="WallHub"/>.</summary>
internal sealed class BrowserWallController(WallHub hub) : IWallController
{
    public string Name => "browser";

    public Task ShowAsync(long wallId, VideoWall? wall, CancellationToken cancellationToken)
    {
        hub.Publish(wallId);
        return Task.CompletedTask;
    }
}

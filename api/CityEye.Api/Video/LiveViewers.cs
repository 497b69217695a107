using System.Collections.Concurrent;

namespace CityEye.Api.Video;

/// <summary>
/// Which live streams each user has open, for the concurrent-stream limit (UM-2): a stream counts from the moment it
/// is opened until its player has not read it for <see cref="Linger"/>.
/// </summary>
internal sealed class LiveViewers(TimeProvider time)
{
    /// <summary>How long after its last read a stream still counts as open (a few segment lengths).</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<(long UserId, long DeviceId), Viewing> _open = new();
    private readonly Lock _gate = new();

    /// <summary>The user's open streams, oldest first.</summary>
    public IReadOnlyList<(long DeviceId, DateTimeOffset OpenedAt, DateTimeOffset LastReadAt)> Of(long userId)
    {
        var now = time.GetUtcNow();
        var open = new List<(long, DateTimeOffset, DateTimeOffset)>();
        foreach (var ((user, device), viewing) in _open)
        {
            if (now - viewing.LastReadAt > Linger)
            {
                _open.TryRemove(new KeyValuePair<(long, long), Viewing>((user, device), viewing));
            }
            else if (user == userId)
            {
                open.Add((device, viewing.OpenedAt, viewing.LastReadAt));
            }
        }

        return [.. open.OrderBy(o => o.Item2)];
    }

    /// <summary>
    /// Opens a stream within the user's limit, atomically (two requests at once cannot both take the last place): true
    /// when it is open now (or was already); false, with how many are open, when the limit is reached.
    /// </summary>
    public bool TryOpen(long userId, long deviceId, int limit, out int open)
    {
        lock (_gate)
        {
            var mine = Of(userId);
            open = mine.Count;
            if (open >= limit && !mine.Any(o => o.DeviceId == deviceId))
            {
                return false;
            }

            Read(userId, deviceId);
            return true;
        }
    }

    /// <summary>Counts a stream as open (or refreshes it).</summary>
    public void Read(long userId, long deviceId)
    {
        var now = time.GetUtcNow();
        _open.AddOrUpdate((userId, deviceId), _ => new Viewing(now, now), (_, v) => v with { LastReadAt = now });
    }

    /// <summary>
    /// Refreshes a stream its player reads; false when it is not open (closed by its player, or unread for
    /// <see cref="Linger"/>): such a read is refused, so that closing a stream really frees its place.
    /// </summary>
    public bool Refresh(long userId, long deviceId)
    {
        var now = time.GetUtcNow();
        while (_open.TryGetValue((userId, deviceId), out var viewing))
        {
            if (now - viewing.LastReadAt > Linger)
            {
                _open.TryRemove(new KeyValuePair<(long, long), Viewing>((userId, deviceId), viewing));
                return false;
            }

            if (_open.TryUpdate((userId, deviceId), viewing with { LastReadAt = now }, viewing))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets a stream the player closed.</summary>
    public void Close(long userId, long deviceId) => _open.TryRemove((userId, deviceId), out _);

    private sealed record Viewing(DateTimeOffset OpenedAt, DateTimeOffset LastReadAt);
}

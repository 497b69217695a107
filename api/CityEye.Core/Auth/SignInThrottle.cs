using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>
/// Growing delays after repeated sign-in failures, per account name and per client address: after
/// <see cref="AuthOptions.ThrottleFreeFailures"/> failures each further attempt must wait 1 s, 2 s, 4 s, … up to
/// <see cref="AuthOptions.ThrottleMaxDelaySeconds"/>. Keyed by the name typed, whether or not such a user exists, so
/// the answer tells nothing about which accounts exist. A success clears both keys; failures older than the lockout
/// window are forgotten. In memory: a restart forgives, the per-address lockout in the store does not.
/// </summary>
public sealed class SignInThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long the caller must wait before this attempt is considered; zero when it may go ahead.</summary>
    public TimeSpan WaitFor(string username, string address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(username, address))
        {
            if (_entries.TryGetValue(key, out var entry) && entry.NotBefore > now && !IsStale(entry, now))
            {
                wait = entry.NotBefore - now > wait ? entry.NotBefore - now : wait;
            }
        }

        return wait;
    }

    public void Failed(string username, string address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (_entries.Count > MaxEntries)
        {
            foreach (var stale in _entries.Where(e => IsStale(e.Value, now)).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(stale, out _);
            }
        }

        foreach (var key in Keys(username, address))
        {
            _entries.AddOrUpdate(
                key,
                _ => Next(0, now, settings),
                (_, old) => Next(IsStale(old, now) ? 0 : old.Failures, now, settings));
        }
    }

    public void Succeeded(string username, string address)
    {
        foreach (var key in Keys(username, address))
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets the account name's failures (an administrator's unlock).</summary>
    public void Forget(string username) => _entries.TryRemove("user:" + UserStore.Normalise(username), out _);

    private static Entry Next(int failures, DateTimeOffset now, AuthOptions settings)
    {
        var count = failures + 1;
        var over = count - settings.ThrottleFreeFailures;
        var delay = over <= 0 ? 0 : Math.Min(Math.Pow(2, over - 1), settings.ThrottleMaxDelaySeconds);
        return new Entry(count, now, now.AddSeconds(delay));
    }

    private bool IsStale(Entry entry, DateTimeOffset now) => now - entry.LastFailure > TimeSpan.FromMinutes(options.Value.LockoutMinutes);

    private static string[] Keys(string username, string address) => ["user:" + UserStore.Normalise(username), "addr:" + address];

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset NotBefore);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>
/// Growing delays after repeated sign-in failures, per client address and per account name from that address: after
/// <see cref="AuthOptions.ThrottleFreeFailures"/> failures each further attempt must wait 1 s, 2 s, 4 s, … up to
/// <see cref="AuthOptions.ThrottleMaxDelaySeconds"/>. The name is keyed together with the address, so failures
/// elsewhere never delay the real user (no denial-of-service lever), and by the name typed whether or not such a user
/// exists, so the answer tells nothing about which accounts exist. Admission reserves the next slot at once, so a
/// burst of parallel attempts is serialised by the delay rather than all slipping through before the first failure
/// is counted. A success clears both keys; failures older than the lockout window are forgotten. In memory: a
/// restart forgives, the per-address lockout in the store does not.
/// </summary>
public sealed class SignInThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int PruneEvery = 1_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _failuresSincePrune;

    /// <summary>
    /// Admits an attempt, or answers how long the caller must wait. An admitted attempt past the free failures holds
    /// the next delay until its outcome is known.
    /// </summary>
    public TimeSpan TryAdmit(string username, string address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(username, address))
        {
            if (!_entries.TryGetValue(key, out var entry) || IsStale(entry, now, settings))
            {
                continue;
            }

            if (entry.NotBefore > now)
            {
                wait = entry.NotBefore - now > wait ? entry.NotBefore - now : wait;
            }
            else if (entry.Failures >= settings.ThrottleFreeFailures)
            {
                // Reserve: the next attempt waits as if this one failed, until it is known.
                _entries.TryUpdate(key, entry with { NotBefore = now + Delay(entry.Failures + 1, settings) }, entry);
            }
        }

        return wait;
    }

    public void Failed(string username, string address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _failuresSincePrune) % PruneEvery == 0)
        {
            foreach (var stale in _entries.Where(e => IsStale(e.Value, now, settings)).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(stale, out _);
            }
        }

        foreach (var key in Keys(username, address))
        {
            _entries.AddOrUpdate(
                key,
                _ => Next(0, now, settings),
                (_, old) => Next(IsStale(old, now, settings) ? 0 : old.Failures, now, settings));
        }
    }

    public void Succeeded(string username, string address)
    {
        foreach (var key in Keys(username, address))
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets the account name's failures from every address (an administrator's unlock).</summary>
    public void Forget(string username)
    {
        var prefix = NameKeyPrefix(username);
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            _entries.TryRemove(key, out _);
        }
    }

    private static Entry Next(int failures, DateTimeOffset now, AuthOptions settings) => new(failures + 1, now, now + Delay(failures + 1, settings));

    /// <summary>The wait after <paramref name="failures"/> failures: none up to the free ones, then 1 s, 2 s, 4 s, …</summary>
    private static TimeSpan Delay(int failures, AuthOptions settings)
    {
        var over = failures - settings.ThrottleFreeFailures;
        return TimeSpan.FromSeconds(over <= 0 ? 0 : Math.Min(Math.Pow(2, over - 1), settings.ThrottleMaxDelaySeconds));
    }

    private static bool IsStale(Entry entry, DateTimeOffset now, AuthOptions settings) => now - entry.LastFailure > TimeSpan.FromMinutes(settings.LockoutMinutes);

    private static string NameKeyPrefix(string username) => "user:" + UserStore.Normalise(username) + "|";

    private static string[] Keys(string username, string address) => [NameKeyPrefix(username) + address, "addr:" + address];

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset NotBefore);
}

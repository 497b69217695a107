namespace CityEye.Analytics.Behaviour;

/// <summary>One user-day with its feature vector.</summary>
/// <param name="Counts">What the log counted that day.</param>
/// <param name="NewAddresses">Client addresses the user had not used in the days before (after a warm-up).</param>
/// <param name="Raw">Feature values in <see cref="BehaviourFeatures.Names"/> order: counts, and the night share 0..1.</param>
public sealed record UserDay(UserDayCounts Counts, int NewAddresses, float[] Raw)
{
    public string Username => Counts.Username;

    public DateOnly Day => Counts.Day;
}

/// <summary>
/// The per-user daily features of the behaviour audit (UM-10): operations by type, distinct devices, the share at
/// night, exports and downloads, failed sign-ins, new addresses, refusals.
/// </summary>
public static class BehaviourFeatures
{
    /// <summary>Feature names, in vector order (the SPA translates them).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "operations", "views", "searches", "imageSearches", "exports", "downloads", "edits", "devices", "nightShare", "failedSignIns", "newAddresses", "refused",
    ];

    /// <summary>Index of the night share, the one feature that is a fraction rather than a count.</summary>
    public const int NightShare = 8;

    /// <summary>
    /// Builds the features of every user-day. An address counts as new when the user had not used it in the
    /// <paramref name="memoryDays"/> before; a user's first <paramref name="warmUpDays"/> days count none (everything
    /// is new to a new account).
    /// </summary>
    public static IReadOnlyList<UserDay> Build(IEnumerable<UserDayCounts> counts, int memoryDays = 30, int warmUpDays = 7)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var result = new List<UserDay>();
        foreach (var user in counts.GroupBy(c => c.Username, StringComparer.Ordinal))
        {
            var days = user.OrderBy(d => d.Day).ToList();
            var lastSeen = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
            var first = days[0].Day;
            foreach (var day in days)
            {
                var fresh = 0;
                foreach (var address in day.Addresses)
                {
                    if ((!lastSeen.TryGetValue(address, out var seen) || day.Day.DayNumber - seen.DayNumber > memoryDays) && day.Day.DayNumber - first.DayNumber >= warmUpDays)
                    {
                        fresh++;
                    }
                }

                foreach (var address in day.Addresses)
                {
                    lastSeen[address] = day.Day;
                }

                result.Add(new UserDay(day, fresh, Vector(day, fresh)));
            }
        }

        return result;
    }

    private static float[] Vector(UserDayCounts d, int newAddresses) =>
    [
        d.Operations, d.Views, d.Searches, d.ImageSearches, d.Exports, d.Downloads, d.Edits, d.Devices,
        d.Operations == 0 ? 0f : (float)d.Night / d.Operations, d.FailedSignIns, newAddresses, d.Refused,
    ];
}

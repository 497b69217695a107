using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>A unit's labelling figures (TG-14), over the unit and its sub-units.</summary>
public sealed record UnitLabelling(
    long OrganisationId, string Name, long Devices, long LabelledDevices, long Labels, int Labellers, double DevicesPerLabeller, long NewLabelledDevices, long NewLabels);

/// <summary>One day of the trend: labels put on, and devices labelled for the first time.</summary>
public sealed record LabellingDay(DateOnly Day, long Labels, long NewLabelledDevices);

/// <summary>Tags and labels of one category.</summary>
public sealed record CategoryLabelling(string Category, int Tags, long Labels, long Devices);

/// <summary>
/// Labelling statistics (TG-7, TG-14) for a unit and a period, inside the caller's device scope. Labelling work is
/// what users did: manual labels (derived labels are counted per category only). Cumulative figures are as at the end of
/// the period; "new" ones fall inside it. Days are Asia/Shanghai days.
/// </summary>
public sealed record LabellingStatistics(
    long TotalDevices,
    long LabelledDevices,
    long Labels,
    int Labellers,
    IReadOnlyList<CategoryLabelling> Categories,
    UnitLabelling Unit,
    IReadOnlyList<UnitLabelling> SubUnits,
    IReadOnlyList<LabellingDay> Trend);

public sealed class TagStatisticsService(Database database) : IDeviceReader
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>Statistics of <paramref name="organisationId"/> (null: the whole district) for the days from–to (inclusive).</summary>
    public async Task<LabellingStatistics?> ComputeAsync(long? organisationId, DateOnly from, DateOnly to, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var units = (await connection.QueryAsync<(long Id, long? Parent, string Name)>(new CommandDefinition(
            "SELECT id, parent_id, name FROM organisations", cancellationToken: cancellationToken))).ToDictionary(u => u.Id);
        var rootId = organisationId ?? units.Values.Where(u => u.Parent is null).Select(u => u.Id).DefaultIfEmpty(0).Min();
        if (!units.TryGetValue(rootId, out var root))
        {
            return null;
        }

        // Each unit → the child of the chosen unit it falls under (or the unit itself), so sub-units add up their subtree.
        var bucket = new Dictionary<long, long>();
        foreach (var unit in units.Values)
        {
            for (long? id = unit.Id, below = null; id is { } current; below = current, id = units.GetValueOrDefault(current).Parent)
            {
                if (current == rootId)
                {
                    bucket[unit.Id] = below ?? rootId;
                    break;
                }
            }
        }

        // One pass over every label in memory: reading the rows is the cost (joins and per-row date functions in SQL
        // are several times slower). Devices outside the scope or the chosen unit are skipped.
        var devices = new Dictionary<long, long>();
        foreach (var (id, unit) in await connection.QueryAsync<(long, long)>(new CommandDefinition("SELECT id, organisation_id FROM devices", cancellationToken: cancellationToken)))
        {
            if (bucket.ContainsKey(unit) && scope.Includes(unit, id))
            {
                devices[id] = unit;
            }
        }

        var categoryOf = new Dictionary<long, string>();
        foreach (var (id, category) in await connection.QueryAsync<(long, string)>(new CommandDefinition("SELECT id, category FROM tags WHERE state = 'active'", cancellationToken: cancellationToken)))
        {
            categoryOf[id] = category;
        }

        var hour = database.Provider == StorageProvider.Postgres ? "to_char(labelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')" : "substr(labelled_at, 1, 13)";
        var categories = TagCategories.All.ToList();
        var categoryIndex = categoryOf.ToDictionary(c => c.Key, c => categories.IndexOf(c.Value));
        var days = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        var labellerIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var categoryLabels = new long[categories.Count];
        var deviceCategories = new Dictionary<long, int>();
        var firstDay = new Dictionary<long, DateOnly>();
        var unitLabels = new Dictionary<long, (long All, long New)>();
        var unitLabellers = new HashSet<(long Bucket, int Labeller)>();
        var trendLabels = new Dictionary<DateOnly, long>();

        // Read with a plain data reader: this loop is the whole cost of the statistics.
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT device_id, tag_id, CASE WHEN origin = 'manual' THEN 1 ELSE 0 END, labelled_by, {hour} FROM device_labels";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var device = reader.GetInt64(0);
                if (!devices.TryGetValue(device, out var unit))
                {
                    continue;
                }

                if (categoryIndex.TryGetValue(reader.GetInt64(1), out var category))
                {
                    categoryLabels[category]++;
                    deviceCategories[device] = deviceCategories.GetValueOrDefault(device) | (1 << category);
                }

                if (reader.GetInt32(2) == 0)
                {
                    continue;
                }

                var at = reader.GetString(4);
                if (!days.TryGetValue(at, out var day))
                {
                    day = days[at] = ShanghaiDay(at);
                }

                if (day > to)
                {
                    continue;
                }

                var labeller = reader.GetString(3);
                if (!labellerIds.TryGetValue(labeller, out var labellerId))
                {
                    labellerId = labellerIds[labeller] = labellerIds.Count;
                }

                var b = bucket[unit];
                var counts = unitLabels.GetValueOrDefault(b);
                unitLabels[b] = (counts.All + 1, counts.New + (day >= from ? 1 : 0));
                unitLabellers.Add((b, labellerId));
                if (!firstDay.TryGetValue(device, out var first) || day < first)
                {
                    firstDay[device] = day;
                }

                if (day >= from)
                {
                    trendLabels[day] = trendLabels.GetValueOrDefault(day) + 1;
                }
            }
        }

        var deviceCount = devices.GroupBy(d => bucket[d.Value]).ToDictionary(g => g.Key, g => (long)g.Count());
        var labelledCount = firstDay.GroupBy(f => bucket[devices[f.Key]]).ToDictionary(g => g.Key, g => (All: (long)g.Count(), New: (long)g.Count(f => f.Value >= from)));
        var trendDevices = firstDay.Values.Where(d => d >= from).GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count());

        UnitLabelling Figures(long id, string name, IReadOnlyCollection<long> buckets)
        {
            var labelled = buckets.Sum(b => labelledCount.GetValueOrDefault(b).All);
            var labellers = unitLabellers.Where(l => buckets.Contains(l.Bucket)).Select(l => l.Labeller).Distinct().Count();
            return new UnitLabelling(
                id,
                name,
                buckets.Sum(b => deviceCount.GetValueOrDefault(b)),
                labelled,
                buckets.Sum(b => unitLabels.GetValueOrDefault(b).All),
                labellers,
                labellers == 0 ? 0 : Math.Round((double)labelled / labellers, 1),
                buckets.Sum(b => labelledCount.GetValueOrDefault(b).New),
                buckets.Sum(b => unitLabels.GetValueOrDefault(b).New));
        }

        var allBuckets = bucket.Values.Distinct().ToList();
        var whole = Figures(rootId, root.Name, allBuckets);
        var subUnits = allBuckets
            .Select(b => Figures(b, units[b].Name + (b == rootId ? "（本级）" : string.Empty), [b]))
            .Where(u => u.OrganisationId != rootId || u.Devices > 0)
            .OrderBy(u => u.OrganisationId == rootId ? 0 : 1).ThenByDescending(u => u.Devices).ThenBy(u => u.OrganisationId)
            .ToList();
        var trend = new List<LabellingDay>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            trend.Add(new LabellingDay(d, trendLabels.GetValueOrDefault(d), trendDevices.GetValueOrDefault(d)));
        }

        return new LabellingStatistics(
            whole.Devices,
            whole.LabelledDevices,
            whole.Labels,
            whole.Labellers,
            [.. categories.Select((c, i) => new CategoryLabelling(c, categoryOf.Values.Count(v => v == c), categoryLabels[i], deviceCategories.Values.Count(m => (m & (1 << i)) != 0)))],
            whole,
            subUnits,
            trend);
    }

    /// <summary>The Asia/Shanghai day of a UTC hour written "yyyy-MM-ddTHH" (Shanghai is UTC+8 all year).</summary>
    private static DateOnly ShanghaiDay(string utcHour)
    {
        var date = DateOnly.ParseExact(utcHour.AsSpan(0, 10), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return int.Parse(utcHour.AsSpan(11, 2), System.Globalization.CultureInfo.InvariantCulture) >= 16 ? date.AddDays(1) : date;
    }

    /// <summary>Today in Asia/Shanghai.</summary>
    [Unscoped("computes a date; no device data")]
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Shanghai).DateTime);
}

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

        var scopeFilter = database.DeviceScopeFilter(scope, "d.organisation_id", "d.id");
        var scopeArgs = new { scopeOrganisations = Database.DeviceScopeParameter(scope) };
        var day = database.Provider == StorageProvider.Postgres
            ? "to_char(l.labelled_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
            : "substr(datetime(l.labelled_at, '+8 hours'), 1, 10)";
        var devices = await connection.QueryAsync<(long Unit, long Count)>(new CommandDefinition(
            $"SELECT d.organisation_id, COUNT(*) FROM devices d WHERE {scopeFilter} GROUP BY d.organisation_id", scopeArgs, cancellationToken: cancellationToken));
        var labels = await connection.QueryAsync<(long Unit, string Labeller, string Day, long Count)>(new CommandDefinition(
            $"""
            SELECT d.organisation_id, l.labelled_by, {day}, COUNT(*)
            FROM device_labels l JOIN devices d ON d.id = l.device_id
            WHERE l.origin = 'manual' AND {scopeFilter}
            GROUP BY d.organisation_id, l.labelled_by, {day}
            """, scopeArgs, cancellationToken: cancellationToken));
        var firsts = await connection.QueryAsync<(long Unit, string Day, long Count)>(new CommandDefinition(
            $"""
            SELECT f.organisation_id, f.day, COUNT(*) FROM (
                SELECT d.organisation_id, MIN({day}) AS day
                FROM device_labels l JOIN devices d ON d.id = l.device_id
                WHERE l.origin = 'manual' AND {scopeFilter}
                GROUP BY d.id, d.organisation_id
            ) f GROUP BY f.organisation_id, f.day
            """, scopeArgs, cancellationToken: cancellationToken));
        var categories = await connection.QueryAsync<(string Category, long Tags, long Labels, long Devices)>(new CommandDefinition(
            $"""
            SELECT t.category, COUNT(DISTINCT t.id), COUNT(l.device_id), COUNT(DISTINCT l.device_id)
            FROM tags t LEFT JOIN (
                SELECT l.tag_id, l.device_id FROM device_labels l JOIN devices d ON d.id = l.device_id WHERE {scopeFilter}
            ) l ON l.tag_id = t.id
            WHERE t.state = 'active'
            GROUP BY t.category
            """, scopeArgs, cancellationToken: cancellationToken));

        var last = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var first = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var inTree = bucket.Keys.ToHashSet();
        var deviceCounts = devices.Where(d => inTree.Contains(d.Unit)).ToList();
        var labelRows = labels.Where(l => inTree.Contains(l.Unit) && string.CompareOrdinal(l.Day, last) <= 0).ToList();
        var firstRows = firsts.Where(f => inTree.Contains(f.Unit) && string.CompareOrdinal(f.Day, last) <= 0).ToList();

        UnitLabelling Figures(long id, string name, Func<long, bool> member)
        {
            var unitLabels = labelRows.Where(l => member(l.Unit)).ToList();
            var labelled = firstRows.Where(f => member(f.Unit)).Sum(f => f.Count);
            var labellers = unitLabels.Select(l => l.Labeller).Distinct(StringComparer.Ordinal).Count();
            return new UnitLabelling(
                id,
                name,
                deviceCounts.Where(d => member(d.Unit)).Sum(d => d.Count),
                labelled,
                unitLabels.Sum(l => l.Count),
                labellers,
                labellers == 0 ? 0 : Math.Round((double)labelled / labellers, 1),
                firstRows.Where(f => member(f.Unit) && string.CompareOrdinal(f.Day, first) >= 0).Sum(f => f.Count),
                unitLabels.Where(l => string.CompareOrdinal(l.Day, first) >= 0).Sum(l => l.Count));
        }

        var whole = Figures(rootId, root.Name, _ => true);
        var subUnits = bucket.Values.Distinct()
            .Select(b => Figures(b, units[b].Name + (b == rootId ? "（本级）" : string.Empty), u => bucket[u] == b))
            .Where(u => u.OrganisationId != rootId || u.Devices > 0)
            .OrderBy(u => u.OrganisationId == rootId ? 0 : 1).ThenByDescending(u => u.Devices).ThenBy(u => u.OrganisationId)
            .ToList();
        var trend = new List<LabellingDay>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            var key = d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            trend.Add(new LabellingDay(d, labelRows.Where(l => l.Day == key).Sum(l => l.Count), firstRows.Where(f => f.Day == key).Sum(f => f.Count)));
        }

        return new LabellingStatistics(
            whole.Devices,
            whole.LabelledDevices,
            whole.Labels,
            whole.Labellers,
            [.. TagCategories.All.Select(c => categories.FirstOrDefault(r => r.Category == c) is var r && r.Category is not null
                ? new CategoryLabelling(c, (int)r.Tags, r.Labels, r.Devices) : new CategoryLabelling(c, 0, 0, 0))],
            whole,
            subUnits,
            trend);
    }

    /// <summary>Today in Asia/Shanghai.</summary>
    [Unscoped("computes a date; no device data")]
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Shanghai).DateTime);
}

using System.Globalization;

namespace CityEye.Analytics.Captures;

/// <summary>
/// The WHERE clause of a <see cref="CaptureQuery"/>, shared by the providers: values go through the provider's
/// <c>bind</c> (a DuckDB parameter or a ClickHouse literal); device ids are integers written into the statement.
/// </summary>
public static class CaptureFilter
{
    public static string Where(CaptureQuery query, Func<object, string> bind)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(bind);
        var clauses = new List<string>();
        if (query.Type is { } type)
        {
            clauses.Add($"type = {bind(CaptureColumns.TypeName(type))}");
        }

        if (query.From is { } from)
        {
            clauses.Add($"at_ms >= {bind(from.ToUnixTimeMilliseconds())}");
            clauses.Add($"day >= {bind(CaptureColumns.DayOf(from.ToUnixTimeMilliseconds()))}");
        }

        if (query.Until is { } until)
        {
            clauses.Add($"at_ms < {bind(until.ToUnixTimeMilliseconds())}");
            clauses.Add($"day <= {bind(CaptureColumns.DayOf(until.ToUnixTimeMilliseconds()))}");
        }

        if (query.DeviceIds is { } devices)
        {
            clauses.Add(devices.Count == 0 ? "1 = 0" : $"device_id IN ({CaptureColumns.Ids(devices)})");
        }

        foreach (var (name, value) in query.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!CaptureColumns.AttributeColumns.TryGetValue(name, out var column))
            {
                throw new ArgumentException($"Unknown capture attribute '{name}'.", nameof(query));
            }

            clauses.Add($"{column} = {bind(value)}");
        }

        if (query.Source is { Length: > 0 } source)
        {
            clauses.Add($"source = {bind(source)}");
        }

        if (query.Plate is { Length: > 0 } plate)
        {
            clauses.Add(PlateClause(Plates.Normalise(plate), query.PlateMatchMode, bind));
        }

        if (query.PersonId is { } person)
        {
            clauses.Add($"person_id = {bind(person)}");
        }

        return clauses.Count == 0 ? "1 = 1" : string.Join(" AND ", clauses);
    }

    /// <summary>The ORDER BY of a query.</summary>
    public static string OrderBy(CaptureQuery query) => query is { OldestFirst: true } ? "at_ms ASC, id ASC" : "at_ms DESC, id DESC";

    private static string PlateClause(string plate, PlateMatch mode, Func<object, string> bind)
    {
        if (!Plates.IsValidQuery(plate))
        {
            throw new ArgumentException($"'{plate}' is not a plate search text.", nameof(plate));
        }

        var (province, tail) = Plates.Split(plate);
        var provinceClause = province.Length == 0 ? null : $"plate_province = {bind(province)}";
        var hasWildcards = tail.Contains('?', StringComparison.Ordinal) || tail.Contains('*', StringComparison.Ordinal);
        string tailClause;
        if (mode == PlateMatch.Exact && !hasWildcards)
        {
            tailClause = $"plate_tail = {bind(tail)}";
        }
        else if (mode == PlateMatch.Prefix && !hasWildcards)
        {
            tailClause = $"plate_tail LIKE {bind(tail + "%")}";
        }
        else if (hasWildcards)
        {
            var pattern = tail.Replace('?', '_').Replace('*', '%') + (mode == PlateMatch.Prefix ? "%" : string.Empty);
            tailClause = $"plate_tail LIKE {bind(pattern)}";
        }
        else
        {
            // One character may differ: the exact tail or any pattern with one position free.
            var patterns = Enumerable.Range(0, tail.Length).Select(i => string.Concat(tail.AsSpan(0, i), "_", tail.AsSpan(i + 1)));
            tailClause = "(" + string.Join(" OR ", patterns.Select(p => $"plate_tail LIKE {bind(p)}")) + ")";
        }

        return provinceClause is null ? tailClause : $"{provinceClause} AND {tailClause}";
    }

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

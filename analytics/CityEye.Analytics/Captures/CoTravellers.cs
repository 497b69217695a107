using CityEye.Core.Captures;

namespace CityEye.Analytics.Captures;

/// <summary>
/// Who travels with a person (VC-17): the persons captured at the same device within <see cref="WindowSeconds"/> of
/// one of the person's captures, at least <see cref="MinTimes"/> times, in the time range and devices given.
/// </summary>
public sealed record CoTravellerQuery
{
    public required long PersonId { get; init; }

    public required CaptureType Type { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? Until { get; init; }

    public int WindowSeconds { get; init; } = 60;

    public int MinTimes { get; init; } = 2;

    /// <summary>Only these devices; null for every device.</summary>
    public IReadOnlyCollection<long>? DeviceIds { get; init; }

    public int Limit { get; init; } = 50;
}

/// <summary>One co-occurrence: the person's capture and the other person's capture at the same device.</summary>
public sealed record CoOccurrence(long TargetCaptureId, long OtherCaptureId, long DeviceId, DateTimeOffset TargetTime, DateTimeOffset OtherTime);

/// <summary>A person seen with the target <see cref="Times"/> times (distinct captures of the target), every co-occurrence listed.</summary>
public sealed record CoTraveller(long PersonId, int Times, IReadOnlyList<CoOccurrence> Occurrences);

/// <summary>The co-traveller query as SQL both engines run (DuckDB and ClickHouse 18.16: equi-join on the device, window in WHERE).</summary>
public static class CoTravellerSql
{
    /// <summary>Most co-occurrence rows one query reads.</summary>
    public const int MaxRows = 20_000;

    public static string Pairs(CoTravellerQuery query, Func<object, string> bind, string innerJoin)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(bind);
        var window = query.WindowSeconds * 1000L;
        var devices = query.DeviceIds is null ? string.Empty : query.DeviceIds.Count == 0 ? " AND 1 = 0" : $" AND device_id IN ({CaptureColumns.Ids(query.DeviceIds)})";
        var type = CaptureColumns.TypeName(query.Type);
        var targetTime = (query.From is { } f ? $" AND at_ms >= {bind(f.ToUnixTimeMilliseconds())}" : string.Empty)
            + (query.Until is { } u ? $" AND at_ms < {bind(u.ToUnixTimeMilliseconds())}" : string.Empty);
        var otherTime = (query.From is { } f2 ? $" AND at_ms >= {bind(f2.ToUnixTimeMilliseconds() - window)}" : string.Empty)
            + (query.Until is { } u2 ? $" AND at_ms < {bind(u2.ToUnixTimeMilliseconds() + window)}" : string.Empty);
        return $"""
            SELECT tid, oid, device_id, tat, oat, opid FROM
              (SELECT id AS tid, device_id, at_ms AS tat FROM {CaptureColumns.Table}
               WHERE type = {bind(type)} AND person_id = {bind(query.PersonId)}{targetTime}{devices}) AS t
            {innerJoin}
              (SELECT id AS oid, device_id, at_ms AS oat, person_id AS opid FROM {CaptureColumns.Table}
               WHERE type = {bind(type)} AND person_id > 0 AND person_id != {bind(query.PersonId)}{otherTime}{devices}) AS o
            USING (device_id)
            WHERE oat >= tat - {bind(window)} AND oat <= tat + {bind(window)}
            ORDER BY tat, oat
            LIMIT {MaxRows}
            """;
    }

    /// <summary>Groups the pairs by the other person, keeps those seen at least <c>MinTimes</c> times, most often first.</summary>
    public static IReadOnlyList<CoTraveller> Rank(CoTravellerQuery query, IEnumerable<(long Target, long Other, long Device, long TargetMs, long OtherMs, long Person)> pairs)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. pairs.GroupBy(p => p.Person)
            .Select(g => new CoTraveller(
                g.Key,
                g.Select(p => p.Target).Distinct().Count(),
                [.. g.Select(p => new CoOccurrence(p.Target, p.Other, p.Device, DateTimeOffset.FromUnixTimeMilliseconds(p.TargetMs), DateTimeOffset.FromUnixTimeMilliseconds(p.OtherMs)))]))
            .Where(c => c.Times >= query.MinTimes)
            .OrderByDescending(c => c.Times).ThenBy(c => c.Occurrences[0].TargetTime).ThenBy(c => c.PersonId)
            .Take(query.Limit)];
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using CityEye.Analytics.Captures;
using CityEye.Core.Captures;

namespace CityEye.Analytics.ClickHouse;

/// <summary>
/// Captures on ClickHouse: JSONEachRow inserts (the vector as base64 of its half-precision bytes), reads with the
/// shared filter, values as literals.
/// </summary>
public sealed partial class ClickHouseAnalyticsStore
{
    public async Task<IReadOnlyList<long>> AppendCapturesAsync(IReadOnlyList<CaptureRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var max = await MaxCaptureIdAsync(cancellationToken);
            var fresh = records.Where(r => r.Capture.Id > max).OrderBy(r => r.Capture.Id).ToList();
            if (fresh.Count == 0)
            {
                return [];
            }

            var known = new HashSet<(string, string)>();
            foreach (var chunk in fresh.Select(r => r.Capture.SourceId).Distinct(StringComparer.Ordinal).Chunk(500))
            {
                var rows = await QueryAsync(
                    $"SELECT source, source_id FROM {CaptureColumns.Table} WHERE source_id IN ({string.Join(",", chunk.Select(ClickHouseSql.Quote))})",
                    cancellationToken);
                known.UnionWith(rows.Select(r => (r.GetProperty("source").GetString()!, r.GetProperty("source_id").GetString()!)));
            }

            fresh = [.. fresh.Where(r => !known.Contains((r.Capture.Source, r.Capture.SourceId))).DistinctBy(r => (r.Capture.Source, r.Capture.SourceId))];
            if (fresh.Count == 0)
            {
                return [];
            }

            var body = new StringBuilder();
            foreach (var record in fresh)
            {
                var values = CaptureColumns.Values(record.Capture);
                var row = new Dictionary<string, object>(values.Length + 1);
                for (var i = 0; i < values.Length; i++)
                {
                    row[CaptureColumns.Names[i]] = values[i] is DateOnly d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : values[i];
                }

                row["vector"] = record.Vector is null ? string.Empty : Convert.ToBase64String(CaptureColumns.EncodeVector(record.Vector));
                body.Append(JsonSerializer.Serialize(row, RowJson)).Append('\n');
            }

            using var content = new StringContent(body.ToString(), Encoding.UTF8);
            await SendAsync($"INSERT INTO {CaptureColumns.Table} ({CaptureColumns.List}, vector) FORMAT JSONEachRow", content, cancellationToken);
            return [.. fresh.Select(r => r.Capture.Id)];
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<long> MaxCaptureIdAsync(CancellationToken cancellationToken) =>
        LogColumns.Long((await QueryAsync($"SELECT max(id) AS m FROM {CaptureColumns.Table}", cancellationToken))[0].GetProperty("m"));

    public async Task<IReadOnlyList<CaptureSourceKey>> SourceKeysSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(
            $"SELECT source, source_id, id FROM {CaptureColumns.Table} WHERE ingested_ms >= {ClickHouseSql.Literal(since.ToUnixTimeMilliseconds())}",
            cancellationToken)).Select(r => new CaptureSourceKey(r.GetProperty("source").GetString()!, r.GetProperty("source_id").GetString()!, LogColumns.Long(r.GetProperty("id"))))];

    public async Task<CapturePage> QueryCapturesAsync(CaptureQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = CaptureFilter.Where(query, ClickHouseSql.Literal);
        var total = LogColumns.Long((await QueryAsync($"SELECT count() AS n FROM {CaptureColumns.Table} WHERE {where}", cancellationToken))[0].GetProperty("n"));
        var rows = await QueryAsync(
            $"SELECT {CaptureColumns.List} FROM {CaptureColumns.Table} WHERE {where} ORDER BY {CaptureFilter.OrderBy(query)} LIMIT {ClickHouseSql.Literal(query.Offset)}, {ClickHouseSql.Literal(query.Limit)}",
            cancellationToken);
        return new CapturePage(total, [.. rows.Select(CaptureOf)]);
    }

    public async Task<IReadOnlyList<Capture>> GetCapturesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0
            ? []
            : [.. (await QueryAsync($"SELECT {CaptureColumns.List} FROM {CaptureColumns.Table} WHERE id IN ({CaptureColumns.Ids(ids)})", cancellationToken)).Select(CaptureOf)];
    }

    public async Task<IReadOnlyList<CaptureVector>> ReadCaptureVectorsAsync(CaptureType type, long afterId, int take, DateOnly? day, CancellationToken cancellationToken)
    {
        var dayFilter = day is { } d ? $" AND day = {ClickHouseSql.Literal(d)}" : string.Empty;
        var rows = await QueryAsync(
            $"""
            SELECT id, at_ms, device_id, vector FROM {CaptureColumns.Table}
            WHERE type = {ClickHouseSql.Quote(CaptureColumns.TypeName(type))} AND id > {ClickHouseSql.Literal(afterId)} AND vector != ''{dayFilter}
            ORDER BY id LIMIT {ClickHouseSql.Literal(take)}
            """,
            cancellationToken);
        return [.. rows.Select(r => new CaptureVector(
            LogColumns.Long(r.GetProperty("id")),
            DateTimeOffset.FromUnixTimeMilliseconds(LogColumns.Long(r.GetProperty("at_ms"))),
            LogColumns.Long(r.GetProperty("device_id")),
            CaptureColumns.DecodeVector(Convert.FromBase64String(r.GetProperty("vector").GetString()!))))];
    }

    public async Task<IReadOnlyList<CaptureDayCount>> CountCaptureVectorsByDayAsync(CaptureType type, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(
            $"SELECT day, count() AS n FROM {CaptureColumns.Table} WHERE type = {ClickHouseSql.Quote(CaptureColumns.TypeName(type))} AND vector != '' GROUP BY day ORDER BY day",
            cancellationToken)).Select(r => new CaptureDayCount(Day(r), LogColumns.Long(r.GetProperty("n"))))];

    public async Task<IReadOnlyList<CaptureTypeDayCount>> CountCapturesAsync(DateOnly fromDay, DateOnly untilDay, IReadOnlyCollection<long>? deviceIds, CancellationToken cancellationToken)
    {
        var devices = deviceIds is null ? string.Empty : deviceIds.Count == 0 ? " AND 1 = 0" : $" AND device_id IN ({CaptureColumns.Ids(deviceIds)})";
        var rows = await QueryAsync(
            $"""
            SELECT type, day, count() AS n FROM {CaptureColumns.Table}
            WHERE day >= {ClickHouseSql.Literal(fromDay)} AND day < {ClickHouseSql.Literal(untilDay)}{devices}
            GROUP BY type, day ORDER BY day, type
            """,
            cancellationToken);
        return [.. rows.Select(r => new CaptureTypeDayCount(CaptureColumns.ParseType(r.GetProperty("type").GetString()!), Day(r), LogColumns.Long(r.GetProperty("n"))))];
    }

    public async Task<IReadOnlyList<CoTraveller>> CoTravellersAsync(CoTravellerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await QueryAsync(CoTravellerSql.Pairs(query, ClickHouseSql.Literal, "ALL INNER JOIN"), cancellationToken);
        return CoTravellerSql.Rank(query, rows.Select(r => (
            LogColumns.Long(r.GetProperty("tid")), LogColumns.Long(r.GetProperty("oid")), LogColumns.Long(r.GetProperty("device_id")),
            LogColumns.Long(r.GetProperty("tat")), LogColumns.Long(r.GetProperty("oat")), LogColumns.Long(r.GetProperty("opid")))));
    }

    private static DateOnly Day(JsonElement row) => DateOnly.ParseExact(row.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Capture CaptureOf(JsonElement row) => CaptureColumns.FromValues(i => row.GetProperty(CaptureColumns.Names[i]));
}

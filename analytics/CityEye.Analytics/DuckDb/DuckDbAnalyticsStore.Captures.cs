using CityEye.Analytics.Captures;
using CityEye.Core.Captures;

namespace CityEye.Analytics.DuckDb;

/// <summary>Captures in the DuckDB file: appended through the appender, queried with the shared filter.</summary>
public sealed partial class DuckDbAnalyticsStore
{
    public async Task<IReadOnlyList<long>> AppendCapturesAsync(IReadOnlyList<CaptureRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return await WithLockAsync<IReadOnlyList<long>>(async () =>
        {
            var max = await MaxCaptureIdUnlockedAsync(cancellationToken);
            var fresh = records.Where(r => r.Capture.Id > max).OrderBy(r => r.Capture.Id).ToList();
            if (fresh.Count == 0)
            {
                return [];
            }

            var known = await KnownSourceIdsAsync(fresh, cancellationToken);
            fresh = [.. fresh.Where(r => !known.Contains((r.Capture.Source, r.Capture.SourceId)))
                .DistinctBy(r => (r.Capture.Source, r.Capture.SourceId))];
            using (var appender = _connection.CreateAppender(CaptureColumns.Table))
            {
                foreach (var record in fresh)
                {
                    var row = appender.CreateRow();
                    foreach (var value in CaptureColumns.Values(record.Capture))
                    {
                        row = value switch
                        {
                            long l => row.AppendValue(l),
                            int i => row.AppendValue(i),
                            DateOnly d => row.AppendValue(d),
                            string s => row.AppendValue(s),
                            _ => throw new InvalidOperationException($"Unexpected column value {value?.GetType()}"),
                        };
                    }

                    row = record.Vector is null ? row.AppendNullValue() : row.AppendValue(CaptureColumns.EncodeVector(record.Vector));
                    row.EndRow();
                }
            }

            return [.. fresh.Select(r => r.Capture.Id)];
        }, cancellationToken);
    }

    public Task<long> MaxCaptureIdAsync(CancellationToken cancellationToken) =>
        WithLockAsync(() => MaxCaptureIdUnlockedAsync(cancellationToken), cancellationToken);

    public Task<IReadOnlyList<CaptureSourceKey>> SourceKeysSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        WithLockAsync<IReadOnlyList<CaptureSourceKey>>(async () =>
        {
            var keys = new List<CaptureSourceKey>();
            await using var command = Command($"SELECT source, source_id, id FROM {CaptureColumns.Table} WHERE ingested_ms >= $1", [since.ToUnixTimeMilliseconds()]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(new CaptureSourceKey(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            return keys;
        }, cancellationToken);

    public async Task<CapturePage> QueryCapturesAsync(CaptureQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<object>();
        var where = CaptureFilter.Where(query, Bind(parameters));
        return await WithLockAsync(async () =>
        {
            var total = (long)(await ScalarAsync($"SELECT COUNT(*) FROM {CaptureColumns.Table} WHERE {where}", parameters, cancellationToken))!;
            var items = await ReadCapturesAsync(
                $"SELECT {CaptureColumns.List} FROM {CaptureColumns.Table} WHERE {where} ORDER BY {CaptureFilter.OrderBy(query)} LIMIT {query.Limit} OFFSET {query.Offset}",
                parameters,
                cancellationToken);
            return new CapturePage(total, items);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Capture>> GetCapturesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        return await WithLockAsync(
            () => ReadCapturesAsync($"SELECT {CaptureColumns.List} FROM {CaptureColumns.Table} WHERE id IN ({CaptureColumns.Ids(ids)})", [], cancellationToken),
            cancellationToken);
    }

    public Task<IReadOnlyList<CaptureVector>> ReadCaptureVectorsAsync(CaptureType type, long afterId, int take, DateOnly? day, CancellationToken cancellationToken) =>
        WithLockAsync<IReadOnlyList<CaptureVector>>(async () =>
        {
            List<object> parameters = [CaptureColumns.TypeName(type), afterId];
            if (day is { } d)
            {
                parameters.Add(d);
            }

            var vectors = new List<CaptureVector>();
            await using var command = Command(
                $"SELECT id, at_ms, device_id, vector FROM {CaptureColumns.Table} WHERE type = $1 AND id > $2 AND vector IS NOT NULL{(day is null ? string.Empty : " AND day = $3")} ORDER BY id LIMIT {take}",
                parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                using var blob = reader.GetStream(3);
                using var copy = new MemoryStream();
                await blob.CopyToAsync(copy, cancellationToken);
                vectors.Add(new CaptureVector(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2), CaptureColumns.DecodeVector(copy.GetBuffer().AsSpan(0, (int)copy.Length))));
            }

            return vectors;
        }, cancellationToken);

    public Task<IReadOnlyList<CaptureDayCount>> CountCaptureVectorsByDayAsync(CaptureType type, CancellationToken cancellationToken) =>
        WithLockAsync<IReadOnlyList<CaptureDayCount>>(async () =>
        {
            var counts = new List<CaptureDayCount>();
            await using var command = Command(
                $"SELECT day, COUNT(*) FROM {CaptureColumns.Table} WHERE type = $1 AND vector IS NOT NULL GROUP BY day ORDER BY day",
                [CaptureColumns.TypeName(type)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add(new CaptureDayCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1)));
            }

            return counts;
        }, cancellationToken);

    public Task<IReadOnlyList<CaptureTypeDayCount>> CountCapturesAsync(DateOnly fromDay, DateOnly untilDay, IReadOnlyCollection<long>? deviceIds, CancellationToken cancellationToken) =>
        WithLockAsync<IReadOnlyList<CaptureTypeDayCount>>(async () =>
        {
            var devices = deviceIds is null ? string.Empty : deviceIds.Count == 0 ? " AND 1 = 0" : $" AND device_id IN ({CaptureColumns.Ids(deviceIds)})";
            var counts = new List<CaptureTypeDayCount>();
            await using var command = Command(
                $"SELECT type, day, COUNT(*) FROM {CaptureColumns.Table} WHERE day >= $1 AND day < $2{devices} GROUP BY type, day ORDER BY day, type",
                [fromDay, untilDay]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add(new CaptureTypeDayCount(CaptureColumns.ParseType(reader.GetString(0)), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2)));
            }

            return counts;
        }, cancellationToken);

    public async Task<IReadOnlyList<CoTraveller>> CoTravellersAsync(CoTravellerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<object>();
        var sql = CoTravellerSql.Pairs(query, Bind(parameters), "INNER JOIN");
        var pairs = await WithLockAsync(async () =>
        {
            var rows = new List<(long, long, long, long, long, long)>();
            await using var command = Command(sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            }

            return rows;
        }, cancellationToken);
        return CoTravellerSql.Rank(query, pairs);
    }

    private async Task<long> MaxCaptureIdUnlockedAsync(CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT COALESCE(MAX(id), 0) FROM {CaptureColumns.Table}", [], cancellationToken) is long max ? max : 0;

    private async Task<HashSet<(string, string)>> KnownSourceIdsAsync(IReadOnlyList<CaptureRecord> records, CancellationToken cancellationToken)
    {
        var known = new HashSet<(string, string)>();
        foreach (var chunk in records.Select(r => r.Capture.SourceId).Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = new List<object>();
            var bind = Bind(parameters);
            var list = string.Join(",", chunk.Select(id => bind(id)));
            await using var command = Command($"SELECT source, source_id FROM {CaptureColumns.Table} WHERE source_id IN ({list})", parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return known;
    }

    private async Task<IReadOnlyList<Capture>> ReadCapturesAsync(string sql, IReadOnlyList<object> parameters, CancellationToken cancellationToken) =>
        await ReadRowsAsync(sql, parameters, CaptureColumns.FromValues, cancellationToken);
}

using DuckDB.NET.Data;

namespace CityEye.Analytics.DuckDb;

/// <summary>
/// The embedded analytics store: one DuckDB file under the data folder, one connection guarded by a lock (DuckDB
/// runs each query on all cores itself), appends through DuckDB's appender.
/// </summary>
public sealed partial class DuckDbAnalyticsStore : IAnalyticsStore, Captures.ICaptureStore
{
    private readonly DuckDBConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string _path;

    public DuckDbAnalyticsStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new DuckDBConnection($"Data Source={path}");
        _connection.Open();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await WithLockAsync(async () =>
        {
            await ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)", [], cancellationToken);
            foreach (var (version, sql) in Migrations("DuckDb"))
            {
                if (await ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE version = $1", [version], cancellationToken) is long and > 0)
                {
                    continue;
                }

                await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(sql, [], cancellationToken);
                await ExecuteAsync("INSERT INTO schema_migrations VALUES ($1, now())", [version], cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return 0;
        }, cancellationToken);
    }

    public async Task<int> AppendAsync(IReadOnlyList<LogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return await WithLockAsync(async () =>
        {
            var max = await MaxSequenceUnlockedAsync(cancellationToken);
            var fresh = entries.Where(e => e.Sequence > max).OrderBy(e => e.Sequence).ToList();
            if (fresh.Count == 0)
            {
                return 0;
            }

            using (var appender = _connection.CreateAppender(LogColumns.Table))
            {
                foreach (var entry in fresh)
                {
                    var row = appender.CreateRow();
                    foreach (var value in LogColumns.Values(entry))
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

                    row.EndRow();
                }
            }

            return fresh.Count;
        }, cancellationToken);
    }

    public Task<long> MaxSequenceAsync(CancellationToken cancellationToken) =>
        WithLockAsync(() => MaxSequenceUnlockedAsync(cancellationToken), cancellationToken);

    public async Task<LogPage> SearchAsync(LogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<object>();
        var where = LogFilter.Where(query, Bind(parameters), (column, value) => $"contains(lower({column}), lower({value}))");
        return await WithLockAsync(async () =>
        {
            var total = (long)(await ScalarAsync($"SELECT COUNT(*) FROM {LogColumns.Table} WHERE {where}", parameters, cancellationToken))!;
            var items = await ReadEntriesAsync(
                $"SELECT {LogColumns.List} FROM {LogColumns.Table} WHERE {where} ORDER BY at_ms DESC, seq DESC LIMIT {query.Limit} OFFSET {query.Offset}",
                parameters,
                cancellationToken);
            return new LogPage(total, items);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LogCount>> CountByDayUnitModuleAsync(DateOnly fromDay, DateOnly untilDay, string? kind, CancellationToken cancellationToken)
    {
        var parameters = new List<object> { fromDay, untilDay };
        var kindFilter = kind is null ? string.Empty : " AND kind = $3";
        if (kind is not null)
        {
            parameters.Add(kind);
        }

        return await WithLockAsync(async () =>
        {
            var counts = new List<LogCount>();
            await using var command = Command(
                $"SELECT day, organisation_id, module, COUNT(*) FROM {LogColumns.Table} WHERE day >= $1 AND day < $2{kindFilter} GROUP BY day, organisation_id, module ORDER BY day, organisation_id, module",
                parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add(new LogCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
            }

            return (IReadOnlyList<LogCount>)counts;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Behaviour.UserDayCounts>> UserDayCountsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var sql = Behaviour.BehaviourSql.UserDays(
            LogColumns.Table, "$1", "$2", (a, b) => $"({a} // {b})",
            "COUNT(DISTINCT device_code) FILTER (WHERE device_code <> '')",
            "string_agg(DISTINCT client_ip, ',')");
        return await WithLockAsync(async () =>
        {
            var rows = new List<Behaviour.UserDayCounts>();
            await using var command = Command(sql, [since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds()]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                long L(int i) => reader.IsDBNull(i) ? 0 : LogColumns.Long(reader.GetValue(i));
                rows.Add(new Behaviour.UserDayCounts
                {
                    Username = reader.GetString(0),
                    Day = Behaviour.BehaviourSql.Day(L(1)),
                    OrganisationId = L(2),
                    OrganisationName = reader.GetString(3),
                    Operations = L(4),
                    Views = L(5),
                    Searches = L(6),
                    ImageSearches = L(7),
                    Exports = L(8),
                    Downloads = L(9),
                    Edits = L(10),
                    Devices = L(11),
                    Night = L(12),
                    NightExports = L(13),
                    FailedSignIns = L(14),
                    Refused = L(15),
                    Addresses = reader.IsDBNull(16) ? [] : reader.GetString(16).Split(',', StringSplitOptions.RemoveEmptyEntries),
                });
            }

            return (IReadOnlyList<Behaviour.UserDayCounts>)rows;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Behaviour.DayValue>> ActiveUsersByDayAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, CancellationToken cancellationToken)
    {
        var unit = organisationId is null ? string.Empty : " AND organisation_id = $3";
        List<object> parameters = organisationId is null ? [fromDay, untilDay] : [fromDay, untilDay, organisationId.Value];
        return await WithLockAsync(async () =>
        {
            var rows = new List<Behaviour.DayValue>();
            await using var command = Command(
                $"SELECT day, COUNT(DISTINCT username) FROM {LogColumns.Table} WHERE day >= $1 AND day < $2 AND kind <> 'security' AND username <> ''{unit} GROUP BY day ORDER BY day",
                parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Behaviour.DayValue(reader.GetFieldValue<DateOnly>(0), LogColumns.Long(reader.GetValue(1))));
            }

            return (IReadOnlyList<Behaviour.DayValue>)rows;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Behaviour.DeviceUse>> TopDevicesAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, int take, CancellationToken cancellationToken)
    {
        var unit = organisationId is null ? string.Empty : " AND organisation_id = $3";
        List<object> parameters = organisationId is null ? [fromDay, untilDay] : [fromDay, untilDay, organisationId.Value];
        return await WithLockAsync(async () =>
        {
            var rows = new List<Behaviour.DeviceUse>();
            await using var command = Command(
                $"""
                SELECT device_code, arg_max(device_name, at_ms), COUNT(*) AS n, COUNT(DISTINCT username) FROM {LogColumns.Table}
                WHERE day >= $1 AND day < $2 AND kind <> 'security' AND device_code <> ''{unit}
                GROUP BY device_code ORDER BY n DESC, device_code LIMIT {Math.Clamp(take, 1, 1000)}
                """,
                parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Behaviour.DeviceUse(reader.GetString(0), reader.GetString(1), LogColumns.Long(reader.GetValue(2)), LogColumns.Long(reader.GetValue(3))));
            }

            return (IReadOnlyList<Behaviour.DeviceUse>)rows;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        await WithLockAsync(
            () => ReadEntriesAsync($"SELECT {LogColumns.List} FROM {LogColumns.Table} WHERE seq > $1 ORDER BY seq LIMIT {take}", [afterSequence], cancellationToken),
            cancellationToken);

    public async Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken) =>
        await WithLockAsync(async () =>
        {
            var days = (long)(await ScalarAsync($"SELECT COUNT(DISTINCT day) FROM {LogColumns.Table} WHERE day < $1", [cutoff], cancellationToken))!;
            await ExecuteAsync($"DELETE FROM {LogColumns.Table} WHERE day < $1", [cutoff], cancellationToken);
            return (int)days;
        }, cancellationToken);

    public async Task<AnalyticsInfo> DescribeAsync(CancellationToken cancellationToken) =>
        await WithLockAsync(async () => new AnalyticsInfo(
            "DuckDb",
            _path,
            (string)(await ScalarAsync("SELECT version()", [], cancellationToken))!,
            (long)(await ScalarAsync($"SELECT COUNT(*) FROM {LogColumns.Table}", [], cancellationToken))!), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _lock.Dispose();
    }

    /// <summary>The embedded migration scripts of a provider folder, in name order.</summary>
    internal static IEnumerable<(string Version, string Sql)> Migrations(string folder)
    {
        var assembly = typeof(DuckDbAnalyticsStore).Assembly;
        var prefix = $"{assembly.GetName().Name}.{folder}.Migrations.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name[prefix.Length..^4], reader.ReadToEnd());
        }
    }

    private static Func<object, string> Bind(List<object> parameters) => value =>
    {
        parameters.Add(value);
        return "$" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    };

    private async Task<long> MaxSequenceUnlockedAsync(CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT COALESCE(MAX(seq), 0) FROM {LogColumns.Table}", [], cancellationToken) is long max ? max : 0;

    private Task<List<LogEntry>> ReadEntriesAsync(string sql, IReadOnlyList<object> parameters, CancellationToken cancellationToken) =>
        ReadRowsAsync(sql, parameters, LogColumns.FromValues, cancellationToken);

    /// <summary>Rows of a query, each mapped from its column values (null for SQL NULL).</summary>
    private async Task<List<T>> ReadRowsAsync<T>(string sql, IReadOnlyList<object> parameters, Func<Func<int, object?>, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        }

        return rows;
    }

    private DuckDBCommand Command(string sql, IReadOnlyList<object> parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var value in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(value));
        }

        return command;
    }

    private async Task ExecuteAsync(string sql, IReadOnlyList<object> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<object?> ScalarAsync(string sql, IReadOnlyList<object> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<T> WithLockAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _lock.Release();
        }
    }
}

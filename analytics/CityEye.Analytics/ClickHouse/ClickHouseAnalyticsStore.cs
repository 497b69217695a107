using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CityEye.Analytics.DuckDb;

namespace CityEye.Analytics.ClickHouse;

/// <summary>Where the ClickHouse server is and who CityEye is to it.</summary>
public sealed record ClickHouseConnection(Uri Url, string Username, string? Password, string Database)
{
    /// <summary>Parses <c>Host=…;Port=…;Username=…;Password=…;Database=…</c> (what the throw-away script prints) or an http(s) URL.</summary>
    public static ClickHouseConnection Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return new ClickHouseConnection(new Uri(url.GetLeftPart(UriPartial.Authority)), "default", null, "default");
        }

        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var scheme = parts.GetValueOrDefault("Protocol", "http");
        return new ClickHouseConnection(
            new Uri($"{scheme}://{parts.GetValueOrDefault("Host", "127.0.0.1")}:{parts.GetValueOrDefault("Port", "8123")}"),
            parts.GetValueOrDefault("Username", "default"),
            parts.GetValueOrDefault("Password") is { Length: > 0 } password ? password : null,
            parts.GetValueOrDefault("Database", "default"));
    }
}

/// <summary>
/// The analytics store on a ClickHouse server, over its HTTP interface (documented, the same on 18.16 and current
/// releases): statements in the body, reads as <c>FORMAT JSONEachRow</c>, inserts as JSONEachRow rows. Values reach
/// SQL only through <see cref="ClickHouseSql.Literal"/>. Retention drops whole day partitions (18.16 has no TTL).
/// </summary>
public sealed partial class ClickHouseAnalyticsStore(HttpClient http, ClickHouseConnection connection) : IAnalyticsStore, Captures.ICaptureStore
{
    private static readonly JsonSerializerOptions RowJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime) ENGINE = TinyLog", cancellationToken);
        foreach (var (version, sql) in DuckDbAnalyticsStore.Migrations("ClickHouse"))
        {
            var applied = await QueryAsync($"SELECT count() AS n FROM schema_migrations WHERE version = {ClickHouseSql.Quote(version)}", cancellationToken);
            if (LogColumns.Long(applied[0].GetProperty("n")) > 0)
            {
                continue;
            }

            // ClickHouse has no transactions: every script is idempotent (IF NOT EXISTS), or adds columns, which a run
            // again after a crash between the two statements finds already there (code 44), so it counts as applied.
            try
            {
                await ExecuteAsync(sql, cancellationToken);
            }
            catch (AnalyticsStoreException e) when (e.Message.Contains("Code: 44,", StringComparison.Ordinal) && e.Message.Contains("already exists", StringComparison.Ordinal))
            {
            }

            await ExecuteAsync($"INSERT INTO schema_migrations VALUES ({ClickHouseSql.Quote(version)}, now())", cancellationToken);
        }
    }

    public async Task<int> AppendAsync(IReadOnlyList<LogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var max = await MaxSequenceAsync(cancellationToken);
            var fresh = entries.Where(e => e.Sequence > max).OrderBy(e => e.Sequence).ToList();
            if (fresh.Count == 0)
            {
                return 0;
            }

            var body = new StringBuilder();
            foreach (var entry in fresh)
            {
                var values = LogColumns.Values(entry);
                var row = new Dictionary<string, object>(LogColumns.Names.Length);
                for (var i = 0; i < values.Length; i++)
                {
                    row[LogColumns.Names[i]] = values[i] is DateOnly d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : values[i];
                }

                body.Append(JsonSerializer.Serialize(row, RowJson)).Append('\n');
            }

            using var content = new StringContent(body.ToString(), Encoding.UTF8);
            await SendAsync($"INSERT INTO {LogColumns.Table} ({LogColumns.List}) FORMAT JSONEachRow", content, cancellationToken);
            return fresh.Count;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<long> MaxSequenceAsync(CancellationToken cancellationToken) =>
        LogColumns.Long((await QueryAsync($"SELECT max(seq) AS m FROM {LogColumns.Table}", cancellationToken))[0].GetProperty("m"));

    public async Task<LogPage> SearchAsync(LogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = LogFilter.Where(query, ClickHouseSql.Literal, (column, value) => $"positionCaseInsensitiveUTF8({column}, {value}) > 0");
        var total = LogColumns.Long((await QueryAsync($"SELECT count() AS n FROM {LogColumns.Table} WHERE {where}", cancellationToken))[0].GetProperty("n"));
        var rows = await QueryAsync(
            $"SELECT {LogColumns.List} FROM {LogColumns.Table} WHERE {where} ORDER BY at_ms DESC, seq DESC LIMIT {ClickHouseSql.Literal(query.Offset)}, {ClickHouseSql.Literal(query.Limit)}",
            cancellationToken);
        return new LogPage(total, [.. rows.Select(Entry)]);
    }

    public async Task<IReadOnlyList<LogCount>> CountByDayUnitModuleAsync(DateOnly fromDay, DateOnly untilDay, string? kind, CancellationToken cancellationToken)
    {
        var kindFilter = kind is null ? string.Empty : $" AND kind = {ClickHouseSql.Quote(kind)}";
        var rows = await QueryAsync(
            $"""
            SELECT day, organisation_id, module, count() AS n FROM {LogColumns.Table}
            WHERE day >= {ClickHouseSql.Literal(fromDay)} AND day < {ClickHouseSql.Literal(untilDay)}{kindFilter}
            GROUP BY day, organisation_id, module ORDER BY day, organisation_id, module
            """,
            cancellationToken);
        return [.. rows.Select(r => new LogCount(
            DateOnly.ParseExact(r.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            LogColumns.Long(r.GetProperty("organisation_id")),
            r.GetProperty("module").GetString()!,
            LogColumns.Long(r.GetProperty("n"))))];
    }

    public async Task<IReadOnlyList<Behaviour.UserDayCounts>> UserDayCountsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var sql = Behaviour.BehaviourSql.UserDays(
            LogColumns.Table, ClickHouseSql.Literal(since.ToUnixTimeMilliseconds()), ClickHouseSql.Literal(until.ToUnixTimeMilliseconds()), (a, b) => $"intDiv({a}, {b})",
            "uniqExactIf(device_code, device_code != '')",
            "arrayStringConcat(groupUniqArray(client_ip), ',')");
        var rows = await QueryAsync(sql, cancellationToken);
        return [.. rows.Select(r =>
        {
            long L(string name) => LogColumns.Long(r.GetProperty(name));
            return new Behaviour.UserDayCounts
            {
                Username = r.GetProperty("username").GetString()!,
                Day = Behaviour.BehaviourSql.Day(L("local_day")),
                OrganisationId = L("organisation_id"),
                OrganisationName = r.GetProperty("organisation_name").GetString()!,
                Operations = L("operations"),
                Views = L("views"),
                Searches = L("searches"),
                ImageSearches = L("image_searches"),
                Exports = L("exports"),
                Downloads = L("downloads"),
                Edits = L("edits"),
                Devices = L("devices"),
                Night = L("night"),
                NightExports = L("night_exports"),
                FailedSignIns = L("failed_sign_ins"),
                Refused = L("refused"),
                Addresses = r.GetProperty("addresses").GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries),
            };
        })];
    }

    public async Task<IReadOnlyList<Behaviour.DayValue>> ActiveUsersByDayAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, CancellationToken cancellationToken)
    {
        var unit = organisationId is null ? string.Empty : $" AND organisation_id = {ClickHouseSql.Literal(organisationId.Value)}";
        var rows = await QueryAsync(
            $"""
            SELECT day, uniqExact(username) AS n FROM {LogColumns.Table}
            WHERE day >= {ClickHouseSql.Literal(fromDay)} AND day < {ClickHouseSql.Literal(untilDay)} AND kind != 'security' AND username != ''{unit}
            GROUP BY day ORDER BY day
            """,
            cancellationToken);
        return [.. rows.Select(r => new Behaviour.DayValue(
            DateOnly.ParseExact(r.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), LogColumns.Long(r.GetProperty("n"))))];
    }

    public async Task<IReadOnlyList<Behaviour.DeviceUse>> TopDevicesAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, int take, CancellationToken cancellationToken)
    {
        var unit = organisationId is null ? string.Empty : $" AND organisation_id = {ClickHouseSql.Literal(organisationId.Value)}";
        var rows = await QueryAsync(
            $"""
            SELECT device_code, argMax(device_name, at_ms) AS device_name, count() AS n, uniqExact(username) AS users FROM {LogColumns.Table}
            WHERE day >= {ClickHouseSql.Literal(fromDay)} AND day < {ClickHouseSql.Literal(untilDay)} AND kind != 'security' AND device_code != ''{unit}
            GROUP BY device_code ORDER BY n DESC, device_code LIMIT {ClickHouseSql.Literal(Math.Clamp(take, 1, 1000))}
            """,
            cancellationToken);
        return [.. rows.Select(r => new Behaviour.DeviceUse(
            r.GetProperty("device_code").GetString()!, r.GetProperty("device_name").GetString()!, LogColumns.Long(r.GetProperty("n")), LogColumns.Long(r.GetProperty("users"))))];
    }

    public async Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(
            $"SELECT {LogColumns.List} FROM {LogColumns.Table} WHERE seq > {ClickHouseSql.Literal(afterSequence)} ORDER BY seq LIMIT {ClickHouseSql.Literal(take)}",
            cancellationToken)).Select(Entry)];

    public async Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        var partitions = await QueryAsync(
            $"""
            SELECT DISTINCT partition FROM system.parts
            WHERE database = {ClickHouseSql.Quote(connection.Database)} AND table = {ClickHouseSql.Quote(LogColumns.Table)} AND active
              AND max_date < {ClickHouseSql.Literal(cutoff)}
            """,
            cancellationToken);
        foreach (var partition in partitions.Select(p => p.GetProperty("partition").GetString()!))
        {
            await ExecuteAsync($"ALTER TABLE {LogColumns.Table} DROP PARTITION {ClickHouseSql.Quote(partition.Trim('\''))}", cancellationToken);
        }

        return partitions.Count;
    }

    public async Task<AnalyticsInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var version = (await QueryAsync("SELECT version() AS v", cancellationToken))[0].GetProperty("v").GetString()!;
        var count = LogColumns.Long((await QueryAsync($"SELECT count() AS n FROM {LogColumns.Table}", cancellationToken))[0].GetProperty("n"));
        return new AnalyticsInfo("ClickHouse", $"{connection.Url}{connection.Database}", version, count);
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private static LogEntry Entry(JsonElement row) => LogColumns.FromValues(i => row.GetProperty(LogColumns.Names[i]));

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        await SendAsync(null, content, cancellationToken);
    }

    private async Task<List<JsonElement>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        using var content = new StringContent(sql + " FORMAT JSONEachRow", Encoding.UTF8);
        var text = await SendAsync(null, content, cancellationToken);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    /// <summary>POSTs a statement (in <paramref name="query"/> when the body carries data) and returns the answer's text.</summary>
    private async Task<string> SendAsync(string? query, HttpContent content, CancellationToken cancellationToken)
    {
        var url = $"{connection.Url}?database={Uri.EscapeDataString(connection.Database)}" + (query is null ? string.Empty : "&query=" + Uri.EscapeDataString(query));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connection.Username}:{connection.Password}")));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AnalyticsStoreException($"ClickHouse answered {(int)response.StatusCode}: {(text.Length > 500 ? text[..500] : text).Trim()}");
        }

        return text;
    }
}

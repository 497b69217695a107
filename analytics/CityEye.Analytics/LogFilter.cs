namespace CityEye.Analytics;

/// <summary>
/// The WHERE clause of a log search, shared by both providers: <c>bind</c> turns a value into SQL (a
/// DuckDB parameter, or a ClickHouse literal made by the one escaping function), <c>contains</c> writes a
/// case-insensitive substring test of a column.
/// </summary>
internal static class LogFilter
{
    public static string Where(LogQuery query, Func<object, string> bind, Func<string, string, string> contains)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clauses = new List<string>();
        // Stored text never holds NUL (LogColumns replaces it), and engines end C strings there: such a value matches nothing.
        void Equal(string column, object? value)
        {
            if (value is string s && s.Contains('\0', StringComparison.Ordinal))
            {
                clauses.Add("1 = 0");
            }
            else if (value is not null and not "")
            {
                clauses.Add($"{column} = {bind(value)}");
            }
        }

        Equal("kind", query.Kind);
        Equal("username", query.Username);
        Equal("organisation_id", query.OrganisationId);
        Equal("module", query.Module);
        Equal("operation", query.Operation);
        Equal("data_type", query.DataType);
        Equal("client_ip", query.ClientIp);
        Equal("device_code", query.DeviceCode);
        Equal("system_name", query.SystemName);
        Equal("status", query.Status);
        if (query.From is { } from)
        {
            // The day bound lets both engines skip whole days (partitions, zone maps) before the millisecond test.
            clauses.Add($"day >= {bind(LogColumns.Day(from))} AND at_ms >= {bind(from.ToUnixTimeMilliseconds())}");
        }

        if (query.To is { } to)
        {
            clauses.Add($"day <= {bind(LogColumns.Day(to))} AND at_ms < {bind(to.ToUnixTimeMilliseconds())}");
        }

        if (query.Text is { Length: > 0 } withNul && withNul.Contains('\0', StringComparison.Ordinal))
        {
            clauses.Add("1 = 0");
        }
        else if (query.Text is { Length: > 0 } text)
        {
            var value = bind(text);
            clauses.Add($"({contains("path", value)} OR {contains("detail", value)} OR {contains("device_name", value)} OR {contains("user_display_name", value)} OR {contains("commissioning_unit", value)})");
        }

        return clauses.Count == 0 ? "1 = 1" : string.Join(" AND ", clauses);
    }
}

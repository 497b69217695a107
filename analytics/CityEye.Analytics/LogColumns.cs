using System.Globalization;

namespace CityEye.Analytics;

/// <summary>The log table's columns, in order, and the mapping between them and <see cref="LogEntry"/> (both providers).</summary>
internal static class LogColumns
{
    public const string Table = "log_entries";

    public static readonly string[] Names =
    [
        "seq", "at_ms", "day", "kind", "user_id", "username", "organisation_id", "organisation_name", "client_ip", "module",
        "operation", "data_type", "device_code", "device_name", "system_name", "service_category", "service_subcategory",
        "service_name", "method", "path", "status", "duration_ms", "detail", "hash", "user_display_name", "commissioning_unit",
    ];

    /// <summary>Index of the hash column: the columns before it are chained; the ones after it were added later.</summary>
    public const int HashIndex = 23;

    public static string List => string.Join(", ", Names);

    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The values of one entry in column order (the day as a <see cref="DateOnly"/>; NUL in text becomes U+FFFD).</summary>
    public static object[] Values(LogEntry e) =>
    [.. Raw(e).Select(v => v is string s && s.Contains('\0', StringComparison.Ordinal) ? s.Replace('\0', '\uFFFD') : v)];

    private static object[] Raw(LogEntry e) =>
    [
        e.Sequence, e.At.ToUnixTimeMilliseconds(), Day(e.At), e.Kind, e.UserId, e.Username, e.OrganisationId, e.OrganisationName,
        e.ClientIp, e.Module, e.Operation, e.DataType, e.DeviceCode, e.DeviceName, e.SystemName, e.ServiceCategory,
        e.ServiceSubcategory, e.ServiceName, e.Method, e.Path, e.Status, e.DurationMs, e.Detail, e.Hash, e.UserDisplayName,
        e.CommissioningUnit,
    ];

    /// <summary>
    /// The values the SM3 chain covers: every column but the hash; the columns added after the hash only when one of
    /// them is set, so entries written before they existed hash exactly as they did.
    /// </summary>
    public static IEnumerable<object> Chained(LogEntry e)
    {
        var values = Values(e);
        var added = values.Skip(HashIndex + 1).ToArray();
        return added.All(v => v is string { Length: 0 }) ? values.Take(HashIndex) : values.Take(HashIndex).Concat(added);
    }

    /// <summary>An entry from column values read in <see cref="Names"/> order (numbers as numbers or numeric text).</summary>
    public static LogEntry FromValues(Func<int, object?> value) => new()
    {
        Sequence = Long(value(0)),
        At = DateTimeOffset.FromUnixTimeMilliseconds(Long(value(1))),
        Kind = Text(value(3)),
        UserId = Long(value(4)),
        Username = Text(value(5)),
        OrganisationId = Long(value(6)),
        OrganisationName = Text(value(7)),
        ClientIp = Text(value(8)),
        Module = Text(value(9)),
        Operation = Text(value(10)),
        DataType = Text(value(11)),
        DeviceCode = Text(value(12)),
        DeviceName = Text(value(13)),
        SystemName = Text(value(14)),
        ServiceCategory = Text(value(15)),
        ServiceSubcategory = Text(value(16)),
        ServiceName = Text(value(17)),
        Method = Text(value(18)),
        Path = Text(value(19)),
        Status = (int)Long(value(20)),
        DurationMs = (int)Long(value(21)),
        Detail = Text(value(22)),
        Hash = Text(value(23)),
        UserDisplayName = Text(value(24)),
        CommissioningUnit = Text(value(25)),
    };

    public static long Long(object? value) => value switch
    {
        null => 0,
        string s => long.Parse(s, CultureInfo.InvariantCulture),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } j => long.Parse(j.GetString()!, CultureInfo.InvariantCulture),
        System.Text.Json.JsonElement j => j.GetInt64(),
        System.Numerics.BigInteger b => (long)b,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    public static string Text(object? value) => value switch
    {
        null or DBNull => string.Empty,
        System.Text.Json.JsonElement j => j.GetString() ?? string.Empty,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

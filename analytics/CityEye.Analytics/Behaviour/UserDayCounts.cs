namespace CityEye.Analytics.Behaviour;

/// <summary>
/// What one user did on one local (Asia/Shanghai) day, counted from the log: the raw material of the behaviour
/// features (UM-10). Security entries count only as failed sign-ins; everything else counts as operations.
/// </summary>
public sealed record UserDayCounts
{
    public required string Username { get; init; }

    public DateOnly Day { get; init; }

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    /// <summary>Operations and service calls.</summary>
    public long Operations { get; init; }

    /// <summary>Reads that are not searches, exports or downloads.</summary>
    public long Views { get; init; }

    public long Searches { get; init; }

    /// <summary>Searches by image (face, body, vehicle).</summary>
    public long ImageSearches { get; init; }

    public long Exports { get; init; }

    public long Downloads { get; init; }

    /// <summary>Creates, updates, deletes and imports (writes that are not searches, exports or downloads).</summary>
    public long Edits { get; init; }

    /// <summary>Distinct devices the user's operations named.</summary>
    public long Devices { get; init; }

    /// <summary>Operations between 22:00 and 06:00 local time.</summary>
    public long Night { get; init; }

    /// <summary>Exports and downloads between 22:00 and 06:00 local time.</summary>
    public long NightExports { get; init; }

    /// <summary>Failed, locked-out and throttled sign-ins.</summary>
    public long FailedSignIns { get; init; }

    /// <summary>Requests refused with 401 or 403.</summary>
    public long Refused { get; init; }

    /// <summary>Distinct client addresses of the day.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
}

/// <summary>A value per day (active users per day).</summary>
public sealed record DayValue(DateOnly Day, long Value);

/// <summary>How often a device was named by operations, with its most recent name.</summary>
public sealed record DeviceUse(string DeviceCode, string DeviceName, long Operations, long Users);

/// <summary>
/// The classification of log entries into behaviour counts, shared by both providers so that they count the same:
/// operation types come from endpoint names (<c>Devices_Export</c> → export), see OperationLogMiddleware.
/// </summary>
public static class BehaviourSql
{
    /// <summary>Milliseconds Asia/Shanghai is ahead of UTC (no daylight saving).</summary>
    public const long ShanghaiOffsetMs = 8 * 3600 * 1000;

    internal const string IsOperation = "kind <> 'security'";
    internal const string IsExport = "(operation LIKE 'export%' OR operation LIKE '%Xlsx')";
    internal const string IsDownload = "(operation LIKE 'download%' OR operation = 'template')";
    internal const string IsImageSearch = "operation LIKE 'imageSearch%'";
    internal const string IsSearch = "(operation LIKE 'search%' OR operation = 'selectArea')";
    internal const string IsEdit = "method IN ('POST', 'PUT', 'PATCH', 'DELETE')";
    internal const string IsFailedSignIn = "(kind = 'security' AND operation IN ('login.failed', 'login.lockout', 'login.throttled'))";
    internal const string IsRefused = "status IN (401, 403)";

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>The user-day query; the dialect supplies integer division, distinct counting and string aggregation.</summary>
    internal static string UserDays(string table, string from, string to, Func<string, string, string> intDiv, string distinctDevices, string addresses)
    {
        var localMs = $"(at_ms + {ShanghaiOffsetMs})";
        var hour = intDiv($"({localMs} % 86400000)", "3600000");
        var night = $"({hour} >= 22 OR {hour} < 6)";
        static string Count(string condition) => $"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)";
        return $"""
            SELECT username, {intDiv(localMs, "86400000")} AS local_day, MAX(organisation_id) AS organisation_id, MAX(organisation_name) AS organisation_name,
                   {Count(IsOperation)} AS operations,
                   {Count($"{IsOperation} AND method = 'GET' AND NOT {IsExport} AND NOT {IsDownload} AND NOT {IsSearch} AND NOT {IsImageSearch}")} AS views,
                   {Count($"{IsOperation} AND {IsSearch}")} AS searches,
                   {Count($"{IsOperation} AND {IsImageSearch}")} AS image_searches,
                   {Count($"{IsOperation} AND {IsExport}")} AS exports,
                   {Count($"{IsOperation} AND {IsDownload}")} AS downloads,
                   {Count($"{IsOperation} AND {IsEdit} AND NOT {IsSearch} AND NOT {IsImageSearch} AND NOT {IsExport} AND NOT {IsDownload}")} AS edits,
                   {distinctDevices} AS devices,
                   {Count($"{IsOperation} AND {night}")} AS night,
                   {Count($"{IsOperation} AND ({IsExport} OR {IsDownload}) AND {night}")} AS night_exports,
                   {Count(IsFailedSignIn)} AS failed_sign_ins,
                   {Count($"{IsOperation} AND {IsRefused}")} AS refused,
                   {addresses} AS addresses
            FROM {table}
            WHERE at_ms >= {from} AND at_ms < {to} AND username <> ''
            GROUP BY username, local_day
            ORDER BY local_day, username
            """;
    }

    /// <summary>The local day of days-since-epoch.</summary>
    internal static DateOnly Day(long daysSinceEpoch) => DateOnly.FromDayNumber(EpochDayNumber + (int)daysSinceEpoch);
}

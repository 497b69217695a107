namespace CityEye.Analytics;

/// <summary>Kinds of log entry.</summary>
public static class LogKinds
{
    /// <summary>A user's operation in the platform (UM-8).</summary>
    public const string Operation = "operation";

    /// <summary>A call by an external system with a service token (UM-9).</summary>
    public const string ServiceCall = "serviceCall";

    /// <summary>A security event (sign-in, lockout, token use, refusal).</summary>
    public const string Security = "security";

    public static IReadOnlyList<string> All { get; } = [Operation, ServiceCall, Security];
}

/// <summary>
/// One entry of the operation, service-call and security log (UM-8, UM-9): who (user, unit, address, system), what
/// (module, operation type, data type, related device, service), how it ended (status, duration), when, and the SM3
/// hash that chains it to the entry before it. Empty text is "not applicable"; <see cref="Sequence"/> is the journal's
/// position and is unique.
/// </summary>
public sealed record LogEntry
{
    public required long Sequence { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Kind { get; init; }

    public long UserId { get; init; }

    public string Username { get; init; } = string.Empty;

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    public string ClientIp { get; init; } = string.Empty;

    /// <summary>Functional module (devices, archive, search, auth, …).</summary>
    public string Module { get; init; } = string.Empty;

    /// <summary>Operation type (view, search, create, update, delete, export, import, signIn, …).</summary>
    public string Operation { get; init; } = string.Empty;

    /// <summary>Data type the operation concerns (device, user, rule, …).</summary>
    public string DataType { get; init; } = string.Empty;

    /// <summary>Related device's GB code or id, when there is one.</summary>
    public string DeviceCode { get; init; } = string.Empty;

    public string DeviceName { get; init; } = string.Empty;

    /// <summary>Calling system (the service token's name) for service calls.</summary>
    public string SystemName { get; init; } = string.Empty;

    public string ServiceCategory { get; init; } = string.Empty;

    public string ServiceSubcategory { get; init; } = string.Empty;

    public string ServiceName { get; init; } = string.Empty;

    public string Method { get; init; } = string.Empty;

    /// <summary>Call address (path and query).</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>Return status (HTTP status code).</summary>
    public int Status { get; init; }

    public int DurationMs { get; init; }

    public string Detail { get; init; } = string.Empty;

    /// <summary>SM3 of the previous entry's hash and this entry's content (hex).</summary>
    public string Hash { get; init; } = string.Empty;

    /// <summary>The user's name as people know it (用户姓名), beside the account name.</summary>
    public string UserDisplayName { get; init; } = string.Empty;

    /// <summary>Commissioning unit (委办单位) of the calling system, for service calls (from its API token).</summary>
    public string CommissioningUnit { get; init; } = string.Empty;
}

/// <summary>A log search: every filter optional, combined with AND; newest first.</summary>
public sealed record LogQuery
{
    public string? Kind { get; init; }

    public string? Username { get; init; }

    public long? OrganisationId { get; init; }

    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive end.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Module { get; init; }

    public string? Operation { get; init; }

    public string? DataType { get; init; }

    public string? ClientIp { get; init; }

    public string? DeviceCode { get; init; }

    public string? SystemName { get; init; }

    public int? Status { get; init; }

    /// <summary>Case-insensitive text in the path, detail or device name.</summary>
    public string? Text { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 20;
}

public sealed record LogPage(long Total, IReadOnlyList<LogEntry> Items);

/// <summary>Entries per day, owning unit and module (dashboards).</summary>
public sealed record LogCount(DateOnly Day, long OrganisationId, string Module, long Count);

/// <summary>What a store reports about itself.</summary>
public sealed record AnalyticsInfo(string Provider, string Location, string Version, long Entries);

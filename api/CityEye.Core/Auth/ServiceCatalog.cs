namespace CityEye.Core.Auth;

/// <summary>A service other systems may call with an API token: a labelled set of API paths.</summary>
/// <param name="Code">Stable code stored in service roles.</param>
/// <param name="Label">Chinese label for role editors.</param>
/// <param name="Category">Service category of the service-call log (UM-9).</param>
/// <param name="PathPrefixes">API paths the service covers (a request path equal to or below one of them).</param>
public sealed record ServiceDefinition(string Code, string Label, string Category, IReadOnlyList<string> PathPrefixes);

/// <summary>
/// The services of this node (UM-7 service roles). A request authenticated by an API token must fall inside a service
/// granted to the token's user through an enabled service role, besides holding the endpoint's function permission.
/// </summary>
public static class ServiceCatalog
{
    public const string DeviceCatalog = "device-catalog";
    public const string LedgerSync = "ledger-sync";
    public const string OperationLogs = "operation-logs";
    public const string Organisations = "organisations";
    public const string NetworkingPoints = "networking-points";
    public const string ArchiveAudit = "archive-audit";
    public const string UsersAndRoles = "users-roles";
    public const string Jobs = "jobs";
    public const string ApiTokens = "api-tokens";
    public const string Dashboard = "dashboard";
    public const string Captures = "captures";
    public const string CaptureIngest = "capture-ingest";
    public const string IntegritySigning = "integrity-signing";

    /// <summary>Paths every token may call (who am I).</summary>
    public static IReadOnlyList<string> Always { get; } = ["/api/auth/me"];

    public static IReadOnlyList<ServiceDefinition> All { get; } =
    [
        new(DeviceCatalog, "设备目录与检索服务", "视频档案", ["/api/devices", "/api/search", "/api/map"]),
        new(Organisations, "组织机构服务", "视频档案", ["/api/organisations"]),
        new(LedgerSync, "一机一档台账同步服务", "视频档案", ["/api/archive/sync"]),
        new(NetworkingPoints, "联网点位服务", "视频档案", ["/api/archive/networking-points"]),
        new(ArchiveAudit, "数据审计服务", "视频档案", ["/api/archive/audit"]),
        new(OperationLogs, "操作日志查询服务", "日志审计", ["/api/logs", "/api/audit"]),
        new(UsersAndRoles, "用户与角色服务", "用户管理", ["/api/users", "/api/roles"]),
        new(Jobs, "后台任务服务", "系统", ["/api/jobs"]),
        new(ApiTokens, "接口令牌服务", "系统", ["/api/auth/tokens"]),
        new(Dashboard, "统计服务", "系统", ["/api/dashboard", "/api/stats"]),
        new(Captures, "人脸、人体、车辆检索服务", "视频计算", ["/api/captures", "/api/search/image", "/api/detect"]),
        new(CaptureIngest, "抓拍数据接入服务", "视频计算", ["/api/captures"]),
        new(IntegritySigning, "完整性保护服务（数字签名与验签）", "密码应用", ["/api/crypto/sign", "/api/crypto/verify"]),
    ];

    public static ServiceDefinition? Find(string code) => All.FirstOrDefault(s => s.Code == code);

    /// <summary>The service a request path belongs to, or null when no service covers it.</summary>
    public static ServiceDefinition? ForPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return All.FirstOrDefault(s => s.PathPrefixes.Any(p => Covers(p, path)));
    }

    /// <summary>True when a token holding <paramref name="services"/> may call <paramref name="path"/>.</summary>
    public static bool Allows(IEnumerable<string> services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(path);
        if (Always.Any(p => Covers(p, path)))
        {
            return true;
        }

        var service = ForPath(path);
        return service is not null && services.Contains(service.Code, StringComparer.Ordinal);
    }

    private static bool Covers(string prefix, string path) =>
        path.Equals(prefix, StringComparison.OrdinalIgnoreCase)
        || (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && path.Length > prefix.Length && path[prefix.Length] is '/' or '.' or '?');
}

namespace CityEye.Core.Auth;

/// <summary>
/// The roles CityEye ships. They are seeded once (and a grant added by a newer version once); after that they are
/// ordinary roles that administrators edit, switch off, clone or delete like any other (UM-7).
/// </summary>
public static class BuiltInRoles
{
    public const string Administrator = "administrator";
    public const string Investigator = "investigator";
    public const string ArchiveClerk = "archive-clerk";
    public const string Auditor = "auditor";
    public const string StationUser = "station-user";

    /// <summary>Device role: every device of the district.</summary>
    public const string AllDevices = "all-devices";

    /// <summary>Service role: every service (the first administrator holds it, so the administrator's own tokens work).</summary>
    public const string AllServices = "all-services";

    /// <summary>Service role for systems that keep the ledger in step (台账同步).</summary>
    public const string LedgerSyncService = "ledger-sync-service";

    /// <summary>Service role for the intelligent video system that pushes captures (IN-3).</summary>
    public const string CaptureIngestService = "capture-ingest-service";

    /// <summary>Service role for systems that sign and verify data with the node's integrity tool (CR-1).</summary>
    public const string IntegrityService = "integrity-service";

    public static IReadOnlyList<Role> All { get; } =
    [
        new(Administrator, "系统管理员", "All functions of the node.", [.. Permissions.All.Keys]),
        new(Investigator, "侦查员", "Searches devices and captures, follows trajectories.",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.OrganisationsView, Permissions.JobsView, Permissions.CapturesView, Permissions.VideoView, Permissions.PlansView]),
        new(ArchiveClerk, "档案管理员", "Keeps the one-camera-one-file ledger clean.",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.DevicesEdit, Permissions.ArchiveManage, Permissions.ArchiveSync, Permissions.OrganisationsView, Permissions.JobsView, Permissions.JobsManage,
             Permissions.TagsLabel, Permissions.TagsManage, Permissions.PlansView, Permissions.PlansManage, Permissions.VideoView]),
        new(Auditor, "审计员", "Reviews every user's operations and the security events.",
            [Permissions.DashboardView, Permissions.AuditView, Permissions.StatsView, Permissions.OrganisationsView, Permissions.JobsView, Permissions.WatermarkDecode,
             Permissions.CryptoSign, Permissions.CryptoAudit]),
        new(StationUser, "派出所用户", "Views the devices its device roles grant (usually the own police station's).",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.OrganisationsView, Permissions.CapturesView, Permissions.VideoView, Permissions.TagsLabel, Permissions.PlansView]),
        new(AllDevices, "全部设备", "Every device of the district.", [], RoleKinds.Device, [new DeviceGrant(DeviceGrantKinds.All, string.Empty)]),
        new(AllServices, "全部服务", "Every API service of the node.", [], RoleKinds.Service, Services: [.. ServiceCatalog.All.Select(s => s.Code)]),
        new(LedgerSyncService, "台账同步服务", "External systems that push ledger changes and read the device catalogue.", [], RoleKinds.Service,
            Services: [ServiceCatalog.LedgerSync, ServiceCatalog.DeviceCatalog, ServiceCatalog.Organisations]),
        new(CaptureIngestService, "抓拍接入服务", "The intelligent video system that pushes face, body and vehicle captures.", [], RoleKinds.Service,
            Services: [ServiceCatalog.CaptureIngest, ServiceCatalog.DeviceCatalog]),
        new(IntegrityService, "完整性保护服务", "Other systems that sign and verify data (PKCS#1, PKCS#7) with the node's site certificate.", [], RoleKinds.Service,
            Services: [ServiceCatalog.IntegritySigning]),
    ];

    /// <summary>Seeds the shipped roles (idempotent; run at every start).</summary>
    public static Task EnsureAsync(RoleStore roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.EnsureShippedAsync(All, cancellationToken);
    }

    /// <summary>The device role of one organisation (and its sub-organisations), as the demo and imports create it.</summary>
    public static string OrganisationDeviceRole(string organisationCode) => "devices-of-" + organisationCode;
}

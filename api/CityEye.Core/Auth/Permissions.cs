namespace CityEye.Core.Auth;

/// <summary>
/// The function permissions that endpoints declare. Everything not granted is denied:
/// an endpoint without a declared permission is refused by the fallback policy.
/// </summary>
public static class Permissions
{
    public const string DashboardView = "dashboard.view";
    public const string DevicesView = "devices.view";
    public const string DevicesEdit = "devices.edit";
    public const string ArchiveManage = "archive.manage";
    public const string ArchiveSync = "archive.sync";
    public const string ArchiveReview = "archive.review";
    public const string OrganisationsView = "organisations.view";
    public const string JobsView = "jobs.view";
    public const string JobsManage = "jobs.manage";
    public const string UsersManage = "users.manage";
    public const string AuditView = "audit.view";
    public const string ApiTokensManage = "apitokens.manage";
    public const string UsersAllUnits = "users.all-units";
    public const string StatsView = "stats.view";
    public const string CapturesView = "captures.view";
    public const string CapturesIngest = "captures.ingest";
    public const string VideoView = "video.view";
    public const string WallControl = "wall.control";
    public const string WallManage = "wall.manage";
    public const string FaultsManage = "faults.manage";
    public const string WatermarkManage = "watermark.manage";
    public const string WatermarkDecode = "watermark.decode";
    public const string TagsLabel = "tags.label";
    public const string TagsManage = "tags.manage";
    public const string PlansView = "plans.view";
    public const string PlansManage = "plans.manage";
    public const string CryptoSign = "crypto.sign";
    public const string CryptoManage = "crypto.manage";
    public const string CryptoAudit = "crypto.audit";

    /// <summary>Every permission with its Chinese label, for role editors and the OpenAPI description.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DashboardView] = "查看首页统计",
        [DevicesView] = "查看设备",
        [DevicesEdit] = "编辑设备",
        [ArchiveManage] = "管理档案规则、字典与检索索引",
        [ArchiveSync] = "一机一档台账同步接口（推送与查看批次）",
        [ArchiveReview] = "登记部省级联网点位的审核结果",
        [OrganisationsView] = "查看组织机构",
        [JobsView] = "查看后台任务",
        [JobsManage] = "管理后台任务（取消）",
        [UsersManage] = "管理用户与角色",
        [AuditView] = "查看审计日志",
        [ApiTokensManage] = "管理接口访问令牌",
        [UsersAllUnits] = "管理全部单位的用户（否则仅本单位及下级单位）",
        [StatsView] = "查看运营统计看板",
        [CapturesView] = "人脸、人体、车辆检索与轨迹（以图搜图、属性检索、车牌检索）",
        [CapturesIngest] = "推送抓拍数据（智能视频系统接入）",
        [VideoView] = "实时视频调阅与抓图",
        [WallControl] = "电视墙控制（上墙、交换、翻页、轮巡、同步）",
        [WallManage] = "配置电视墙（新建、修改、删除）",
        [FaultsManage] = "视频故障工单派单、验收与关闭",
        [WatermarkManage] = "配置显性水印与点阵水印样式",
        [WatermarkDecode] = "水印溯源（从泄露的图片解出点阵水印）",
        [TagsLabel] = "设备标签标注（场景标签、有权限的业务与建设标签）",
        [TagsManage] = "标签字典、回收与合并、衍生规则、标签权限（可见全部标签）",
        [PlansView] = "查看与执行视频预案",
        [PlansManage] = "编辑视频预案、目录与预案权限",
        [CryptoSign] = "完整性保护工具：SM2/SM3 数字签名与验签（PKCS#1、PKCS#7 detached/attached）",
        [CryptoManage] = "密钥与证书管理（签发、导入、吊销证书，轮换数据密钥）",
        [CryptoAudit] = "查看完整性校验报告（访问控制数据、日志、可执行程序）",
    };

    /// <summary>
    /// The function tree of role editors: each module (a menu of the SPA) with its API functions. Every permission
    /// sits in exactly one module (a test checks it).
    /// </summary>
    public static IReadOnlyList<PermissionModule> Modules { get; } =
    [
        new("home", "首页", [DashboardView]),
        new("archive", "视频档案", [DevicesView, DevicesEdit, ArchiveManage, ArchiveSync, ArchiveReview, OrganisationsView]),
        new("jobs", "后台任务", [JobsView, JobsManage]),
        new("users", "用户与权限", [UsersManage, UsersAllUnits, ApiTokensManage]),
        new("audit", "日志与审计", [AuditView, StatsView]),
        new("video-computing", "视频计算", [CapturesView, CapturesIngest]),
        new("video", "视频联网", [VideoView, WallControl, WallManage, FaultsManage]),
        new("security", "安全中心", [WatermarkManage, WatermarkDecode]),
        new("tags", "归类治理", [TagsLabel, TagsManage]),
        new("plans", "视频预案", [PlansView, PlansManage]),
        new("crypto", "密码应用", [CryptoSign, CryptoManage, CryptoAudit]),
    ];
}

/// <summary>A module of the function tree: a menu and the API functions under it.</summary>
public sealed record PermissionModule(string Code, string Label, IReadOnlyList<string> Permissions);

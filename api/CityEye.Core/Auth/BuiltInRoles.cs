namespace CityEye.Core.Auth;

/// <summary>The roles every CityEye node has; user management (UM-7) adds custom ones.</summary>
public static class BuiltInRoles
{
    public const string Administrator = "administrator";
    public const string Investigator = "investigator";
    public const string ArchiveClerk = "archive-clerk";
    public const string Auditor = "auditor";
    public const string StationUser = "station-user";

    public static IReadOnlyList<Role> All { get; } =
    [
        new(Administrator, "系统管理员", "All functions of the node.", [.. Permissions.All.Keys]),
        new(Investigator, "侦查员", "Searches devices and captures, follows trajectories.",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.OrganisationsView, Permissions.JobsView]),
        new(ArchiveClerk, "档案管理员", "Keeps the one-camera-one-file ledger clean.",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.DevicesEdit, Permissions.ArchiveManage, Permissions.ArchiveSync, Permissions.OrganisationsView, Permissions.JobsView, Permissions.JobsManage]),
        new(Auditor, "审计员", "Reviews every user's operations and the security events.",
            [Permissions.DashboardView, Permissions.AuditView, Permissions.OrganisationsView, Permissions.JobsView]),
        new(StationUser, "派出所用户", "Views the devices of the user's own police station.",
            [Permissions.DashboardView, Permissions.DevicesView, Permissions.OrganisationsView]),
    ];

    /// <summary>Creates or refreshes the built-in roles (idempotent; run at every start).</summary>
    public static async Task EnsureAsync(UserStore users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        foreach (var role in All)
        {
            await users.UpsertRoleAsync(role, cancellationToken);
        }
    }
}

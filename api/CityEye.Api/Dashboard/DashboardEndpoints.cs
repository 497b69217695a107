using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Dashboard;

public sealed record TypeCount(DeviceType Type, int Count, int Online);

public sealed record StatusCount(DeviceStatus Status, int Count);

public sealed record StationCount(long OrganisationId, string Name, int Count, int Online);

public sealed record DashboardSummaryResponse(
    int TotalDevices,
    int OnlineDevices,
    int OfflineDevices,
    int FaultDevices,
    double OnlineRate,
    IReadOnlyList<TypeCount> ByType,
    IReadOnlyList<StatusCount> ByStatus,
    IReadOnlyList<StationCount> ByStation,
    bool Seeding);

internal static class DashboardEndpoints
{
    public static RouteGroupBuilder MapDashboardEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/dashboard").WithTags("Dashboard").RequirePermission(Permissions.DashboardView);
        group.MapGet("/summary", GetSummaryAsync)
            .WithName("Dashboard_Summary")
            .WithSummary("Devices by type, status and owning unit, limited to the caller's device permission.");
        return group;
    }

    private static async Task<Ok<DashboardSummaryResponse>> GetSummaryAsync(
        HttpContext context,
        DeviceScopeResolver scopes,
        DeviceStore devices,
        DemoSeedMonitor seedMonitor,
        CancellationToken cancellationToken)
    {
        var scope = await scopes.ResolveAsync(context.User, cancellationToken);
        var summary = await devices.SummariseAsync(scope, cancellationToken);
        int Sum(Func<(DeviceType Type, DeviceStatus Status, int Count), bool> predicate) => summary.ByTypeAndStatus.Where(predicate).Sum(r => r.Count);

        var online = Sum(r => r.Status == DeviceStatus.Online);
        var byType = Enum.GetValues<DeviceType>()
            .Select(t => new TypeCount(t, Sum(r => r.Type == t), Sum(r => r.Type == t && r.Status == DeviceStatus.Online)))
            .ToList();
        var byStatus = Enum.GetValues<DeviceStatus>()
            .Select(s => new StatusCount(s, Sum(r => r.Status == s)))
            .ToList();
        var byStation = summary.ByOrganisation.Select(o => new StationCount(o.OrganisationId, o.Name, o.Count, o.Online)).ToList();
        return TypedResults.Ok(new DashboardSummaryResponse(
            summary.Total,
            online,
            Sum(r => r.Status == DeviceStatus.Offline),
            Sum(r => r.Status == DeviceStatus.Fault),
            summary.Total == 0 ? 0 : Math.Round((double)online / summary.Total, 4),
            byType,
            byStatus,
            byStation,
            seedMonitor.Seeding));
    }
}

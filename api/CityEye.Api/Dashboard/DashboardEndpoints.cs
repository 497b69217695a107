using CityEye.Api.Auth;
using CityEye.Api.Demo;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Dashboard;

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
        Caller caller,
        DeviceStore devices,
        DemoSeedMonitor seedMonitor,
        CancellationToken cancellationToken)
    {
        var summary = await devices.SummariseAsync(caller.DeviceScope, cancellationToken);
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

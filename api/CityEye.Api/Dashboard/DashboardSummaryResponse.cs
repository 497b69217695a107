namespace CityEye.Api.Dashboard;

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

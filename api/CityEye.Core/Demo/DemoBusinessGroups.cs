using CityEye.Core.Domain;

namespace CityEye.Core.Demo;

/// <summary>
/// The demo district's business groups (业务分组, AR-2): the bureau's video resources by purpose, with one group per
/// police station under public-order surveillance.
/// </summary>
public static class DemoBusinessGroups
{
    public const string RootCode = "BG";
    public const string PublicOrderCode = "BG01";
    public const string TrafficCode = "BG02";
    public const string HighPointCode = "BG03";
    public const string MobileCode = "BG04";

    public static IReadOnlyList<DemoBusinessGroup> All { get; } =
    [
        new(RootCode, null, "青浦分局视频资源", 0),
        new(PublicOrderCode, RootCode, "社会治安监控", 10),
        .. DemoCatalog.Towns.Select((t, i) => new DemoBusinessGroup(StationCode(t.UnitNumber), PublicOrderCode, t.StationName + "治安监控", 100 + i)),
        new(TrafficCode, RootCode, "道路交通监控", 20),
        new(HighPointCode, RootCode, "高点监控", 30),
        new(MobileCode, RootCode, "移动视频", 40),
    ];

    public static string StationCode(int unitNumber) => $"{PublicOrderCode}-{unitNumber:D2}";

    internal static string For(DeviceType type, OrganisationKind? unitKind, int stationNumber) => type switch
    {
        DeviceType.HighPoint => HighPointCode,
        DeviceType.Drone or DeviceType.WirelessEmergency or DeviceType.VehicleMounted => MobileCode,
        _ when unitKind == OrganisationKind.Traffic => TrafficCode,
        _ => StationCode(stationNumber),
    };
}

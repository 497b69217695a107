using CityEye.Core.Devices;

namespace CityEye.Api.Devices;

/// <summary>The device ledger's store and write service (its endpoints arrive with the archive issue).</summary>
internal static class DevicesFeature
{
    public static IServiceCollection AddDevicesFeature(this IServiceCollection services) =>
        services.AddSingleton<DeviceStore>().AddSingleton<DeviceService>();
}

using CityEye.Api.Devices.Audit;
using CityEye.Api.Devices.Sync;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Audit;
using CityEye.Core.Devices.Networking;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Devices.Sync;
using CityEye.Core.Groups;
using CityEye.Core.Jobs;

namespace CityEye.Api.Devices;

/// <summary>The device ledger: store, write service, field rules and dictionaries, status feed, business groups.</summary>
internal static class DevicesFeature
{
    public static IServiceCollection AddDevicesFeature(this IServiceCollection services)
    {
        services.AddSingleton<DeviceStore>()
            .AddSingleton<DeviceService>()
            .AddSingleton<LedgerCatalog>()
            .AddSingleton<DeviceStatusFeed>()
            .AddSingleton<BusinessGroupStore>()
            .AddSingleton<ReferenceNames>();
        services.AddSingleton<LedgerSyncStore>().AddSingleton<LedgerSyncApplier>();
        services.AddSingleton<NetworkingPointStore>().AddSingleton<NetworkingPointService>();
        services.AddSingleton<LedgerAuditStore>().AddSingleton<LedgerAuditor>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IJobHandler, LedgerAuditJob>();
        services.AddHostedService<AuditScheduler>();
        services.AddSingleton<IJobHandler, DeviceImportJob>();
        services.AddSingleton<IJobHandler, LedgerSyncJob>();
        services.AddStartupStep<ArchiveCatalogStep>();
        return services;
    }
}

/// <summary>Writes the default dictionaries, fields and rules a node needs (missing ones only).</summary>
internal sealed class ArchiveCatalogStep(LedgerCatalog catalog) : IStartupStep
{
    public string Name => "archive-catalog";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        await catalog.EnsureDefaultsAsync(cancellationToken);
        var rules = await catalog.ListRulesAsync(cancellationToken);
        return $"{rules.Count} field rules ({rules.Count(r => r.Enabled && r.Blocking)} blocking)";
    }
}

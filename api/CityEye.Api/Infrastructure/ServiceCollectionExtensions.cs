using CityEye.Api.Demo;
using CityEye.Api.Devices;
using CityEye.Core.Auth;
using CityEye.Core.Demo;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

internal static class ServiceCollectionExtensions
{
    /// <summary>The system of record, its stores and services, the job runner and the demo district.</summary>
    public static IServiceCollection AddCityEyeCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<CityEyeOptions>().BindConfiguration(CityEyeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var dataDir = sp.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir();
            if (storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                try
                {
                    Directory.CreateDirectory(dataDir);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StoreUnavailableException($"Cannot create the data folder '{dataDir}': {ex.Message}", ex);
                }
            }

            return Database.Create(storage, dataDir);
        });
        services.AddSingleton<StoreMigrator>();
        services.AddSingleton<ReadinessRegistry>();
        services.AddSingleton(sp => new PasswordHasher(sp.GetRequiredService<IOptions<AuthOptions>>().Value.PasswordIterations));
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<SecurityEventLog>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<DeviceScopeResolver>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<IJobHandler, DemoSeedJob>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddSingleton<DemoSeedMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoSeedMonitor>());
        return services;
    }
}

using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

/// <summary>Node settings, the system of record (SQLite or PostgreSQL), readiness, and the configuration and store steps.</summary>
internal static class StoreFeature
{
    public static IServiceCollection AddStoreFeature(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<CityEyeOptions>().BindConfiguration(CityEyeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
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
        services.AddStartupStep<ConfigurationStep>();
        services.AddStartupStep<StoreStep>();
        return services;
    }
}

using CityEye.Analytics;
using CityEye.Analytics.ClickHouse;
using CityEye.Analytics.DuckDb;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Analytics;

/// <summary>Engines of the analytics store.</summary>
public enum AnalyticsProvider
{
    /// <summary>An embedded DuckDB file under the data folder (default).</summary>
    DuckDb,

    /// <summary>A ClickHouse server over HTTP (<c>Analytics:ClickHouse:ConnectionString</c>).</summary>
    ClickHouse,
}

/// <summary>The <c>Analytics</c> configuration section.</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    public AnalyticsProvider Provider { get; set; } = AnalyticsProvider.DuckDb;

    /// <summary>DuckDB file; empty: <c>{CityEye:DataDir}/analytics/cityeye.duckdb</c>.</summary>
    public string? Path { get; set; }

    /// <summary>ClickHouse: <c>Host=…;Port=8123;Username=…;Password=…;Database=…</c> (HTTP interface).</summary>
    public string? ClickHouseConnectionString { get; set; }
}

/// <summary>The analytics store (DuckDB or ClickHouse), migrated at start.</summary>
internal static class AnalyticsFeature
{
    public static IServiceCollection AddAnalyticsFeature(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.SectionName)
            .Validate(o => o.Provider != AnalyticsProvider.ClickHouse || !string.IsNullOrWhiteSpace(o.ClickHouseConnectionString), "Analytics:ClickHouseConnectionString is required when Analytics:Provider is ClickHouse.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(ClickHouseAnalyticsStore), client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton<IAnalyticsStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
            if (options.Provider == AnalyticsProvider.ClickHouse)
            {
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ClickHouseAnalyticsStore));
                return new ClickHouseAnalyticsStore(http, ClickHouseConnection.Parse(options.ClickHouseConnectionString!));
            }

            var path = string.IsNullOrWhiteSpace(options.Path)
                ? System.IO.Path.Combine(sp.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir(), "analytics", "cityeye.duckdb")
                : options.Path;
            return new DuckDbAnalyticsStore(path);
        });
        services.AddStartupStep<AnalyticsStep>();
        return services;
    }
}

/// <summary>Creates or upgrades the analytics schema and reports the engine.</summary>
internal sealed class AnalyticsStep(IAnalyticsStore store) : IStartupStep
{
    public string Name => "analytics";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        var info = await store.DescribeAsync(cancellationToken);
        return $"{info.Provider} {info.Version}, {info.Entries} log entries";
    }
}

using CityEye.Analytics;
using CityEye.Analytics.Captures;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Captures;
using CityEye.Core.Storage;
using CityEye.VectorSearch;
using CityEye.VectorSearch.Milvus;
using CityEye.VectorSearch.USearch;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Captures;

/// <summary>
/// Captures (face, body, vehicle): ingest journal and drain, blob folder, the vector index (USearch or Milvus, by
/// <c>Vectors:Provider</c>) and the capture endpoints.
/// </summary>
internal static class CapturesFeature
{
    public static IServiceCollection AddCapturesFeature(this IServiceCollection services)
    {
        services.AddOptions<CapturesOptions>().BindConfiguration(CapturesOptions.SectionName)
            .Validate(o => o.MaxBatch is > 0 and <= 10_000, "Captures:MaxBatch must be 1 to 10000.")
            .Validate(o => o.MaxConcurrentBatches > 0, "Captures:MaxConcurrentBatches must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<VectorOptions>().BindConfiguration(VectorOptions.Section)
            .Validate(o => o.Provider is "USearch" or "Milvus", "Vectors:Provider must be USearch or Milvus.")
            .Validate(o => o.Provider != "Milvus" || Uri.TryCreate(o.MilvusUrl, UriKind.Absolute, out _), "Vectors:MilvusUrl is required when Vectors:Provider is Milvus.")
            .Validate(o => o.Quantisation is "f16" or "i8" or "f32", "Vectors:Quantisation must be f16, i8 or f32.")
            .Validate(o => o.FaceDimensions > 0 && o.BodyDimensions > 0 && o.VehicleDimensions > 0, "Vectors:*Dimensions must be positive.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(MilvusVectorIndex), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient(CaptureEndpoints.ImageClient, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<IVectorIndex>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<VectorOptions>>().Value;
            if (options.Provider == "Milvus")
            {
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MilvusVectorIndex));
                return new MilvusVectorIndex(new MilvusRestClient(http, new Uri(options.MilvusUrl!), options.MilvusToken, options.MilvusDatabase), options);
            }

            return new USearchVectorIndex(Path.Combine(DataDir(sp), "vectors"), options, sp.GetRequiredService<ILogger<USearchVectorIndex>>());
        });
        services.AddSingleton(sp => (ICaptureStore)sp.GetRequiredService<IAnalyticsStore>());
        services.AddSingleton(sp => new CaptureJournal(Path.Combine(DataDir(sp), "captures", "journal")));
        services.AddSingleton(sp => new BlobStore(Path.Combine(DataDir(sp), "blobs")));
        services.AddSingleton<CaptureDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<CaptureDrain>());
        services.AddSingleton<CaptureIngest>();
        services.AddSingleton<CaptureRegions>();
        services.AddSingleton<PersonLibraryStore>();
        services.AddSingleton<VehicleRegistryStore>();
        services.AddSingleton<CaptureFavouriteStore>();
        services.AddSingleton<SearchHistoryStore>();
        services.AddSingleton<ShelfStore>();
        services.AddSingleton<ShelfRouting>();
        services.AddHttpClient(ShelfRouting.Client, client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddStartupStep<VectorIndexStep>();
        return services;
    }

    private static string DataDir(IServiceProvider services) => services.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir();
}

/// <summary>Opens (or creates) the vector index; the drain then reconciles it with the analytics store in the background.</summary>
internal sealed class VectorIndexStep(IVectorIndex index, ReadinessRegistry readiness) : IStartupStep
{
    public string Name => CaptureDrain.ReadinessName;

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.InitialiseAsync(cancellationToken);
        }
        catch (VectorIndexException e)
        {
            throw new CannotStartException($"The vector index ({index.Provider}) cannot be opened: {e.Message}", e);
        }

        var info = await index.DescribeAsync(cancellationToken);
        readiness.Set(Name, ReadinessState.Ready, $"{info.Provider}: {string.Join(", ", info.Vectors.Select(v => $"{v.Value} {v.Key}"))} vectors");
        return null;
    }
}

using CityEye.Vision;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Vision;

/// <summary>
/// The models: the supervised model service (faces, objects), ResNet18 and PP-OCRv4 in-process, behind
/// <see cref="IFeatureExtractor"/>. The ONNX sessions open on first use.
/// </summary>
internal static class VisionFeature
{
    public static IServiceCollection AddVisionFeature(this IServiceCollection services)
    {
        services.AddOptions<VisionOptions>().BindConfiguration(VisionOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.ModelServiceUrl) || Uri.TryCreate(o.ModelServiceUrl, UriKind.Absolute, out _), "Vision:ModelServiceUrl must be an absolute URL.")
            .Validate(o => o.MinFaceScore is >= 0 and <= 1 && o.MinObjectScore is >= 0 and <= 1, "Vision:MinFaceScore and Vision:MinObjectScore must be from 0 to 1.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(ModelServiceHost), client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton<ModelServiceHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelServiceHost>());
        services.AddSingleton(sp => new Lazy<ResNetEmbedder>(() => new ResNetEmbedder(sp.GetRequiredService<IOptions<VisionOptions>>().Value.ResolveResNetPath())));
        services.AddSingleton(sp => new Lazy<PlateReader>(() =>
        {
            var options = sp.GetRequiredService<IOptions<VisionOptions>>().Value;
            return new PlateReader(options.ResolveOcrFolder(sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath));
        }));
        services.AddSingleton<IFeatureExtractor>(sp => new LazyFeatureExtractor(sp));
        return services;
    }

    /// <summary>Opens the ONNX sessions on the first detection, not at start.</summary>
    private sealed class LazyFeatureExtractor(IServiceProvider services) : IFeatureExtractor
    {
        private readonly Lazy<LocalFeatureExtractor> _inner = new(() =>
        {
            var host = services.GetRequiredService<ModelServiceHost>();
            var client = new ModelServiceClient(services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ModelServiceHost)), () => host.Address);
            return new LocalFeatureExtractor(client, services.GetRequiredService<Lazy<ResNetEmbedder>>().Value, services.GetRequiredService<Lazy<PlateReader>>().Value, services.GetRequiredService<IOptions<VisionOptions>>().Value);
        });

        public Task<IReadOnlyList<DetectedTarget>> DetectAsync(byte[] image, CancellationToken cancellationToken) => _inner.Value.DetectAsync(image, cancellationToken);

        public Task<DetectedTarget> DescribeAsync(byte[] image, Core.Captures.CaptureType type, Core.Captures.CaptureBox? box, CancellationToken cancellationToken) =>
            _inner.Value.DescribeAsync(image, type, box, cancellationToken);
    }
}

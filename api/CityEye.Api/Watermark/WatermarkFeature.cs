using CityEye.Watermark;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Watermark;

/// <summary>Watermarks (the <c>Watermark</c> section): renderer, style store and the per-request marks.</summary>
internal static class WatermarkFeature
{
    public static IServiceCollection AddWatermarkFeature(this IServiceCollection services)
    {
        services.AddOptions<WatermarkOptions>().BindConfiguration(WatermarkOptions.Section)
            .Validate(o => o.NodeNumber is >= 0 and <= 255, "Watermark:NodeNumber must be 0 to 255.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.NodeName) && o.NodeName.Length <= 40, "Watermark:NodeName must have 1 to 40 characters.")
            .Validate(o => o.MaxDecodeMegabytes is >= 1 and <= 100, "Watermark:MaxDecodeMegabytes must be 1 to 100.")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Watermark:TimeZone must be a time zone the system knows (e.g. Asia/Shanghai).")
            .ValidateOnStart();
        services.AddSingleton(sp => new WatermarkRenderer(sp.GetRequiredService<IOptions<WatermarkOptions>>().Value.Font));
        services.AddSingleton<WatermarkStyleStore>();
        services.AddSingleton<Watermarks>();
        return services;
    }
}

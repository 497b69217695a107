using CityEye.Core.Walls;

namespace CityEye.Api.Walls;

/// <summary>The video wall: walls and their state, the console, the patrol and the browser wall controller.</summary>
internal static class WallFeature
{
    public static IServiceCollection AddWallFeature(this IServiceCollection services)
    {
        services.AddSingleton<VideoWallStore>();
        services.AddSingleton<WallHub>();
        services.AddSingleton<IWallController, BrowserWallController>();
        services.AddSingleton<WallConsole>();
        services.AddHostedService<WallPatrol>();
        return services;
    }
}

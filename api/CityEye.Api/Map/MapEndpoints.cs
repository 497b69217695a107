using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Geo;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Map;

/// <summary>The <c>Map</c> configuration section: the police GIS tile service, if any.</summary>
public sealed class MapOptions
{
    public const string SectionName = "Map";

    /// <summary>
    /// XYZ tile URL template (e.g. the police GIS, <c>http://gis.example/tiles/{z}/{x}/{y}.png</c>); empty: the map
    /// works offline with the district outline as its base layer.
    /// </summary>
    public string? TileUrl { get; set; }

    /// <summary>Attribution shown for the tiles.</summary>
    public string? TileAttribution { get; set; }
}

/// <summary>What the map page needs to start: tiles (or none), the district's centre and bounds.</summary>
public sealed record MapConfigResponse(string? TileUrl, string? TileAttribution, double CentreLongitude, double CentreLatitude, double[] Bounds);

internal static class MapEndpoints
{
    public static IServiceCollection AddMapFeature(this IServiceCollection services)
    {
        services.AddOptions<MapOptions>().BindConfiguration(MapOptions.SectionName);
        return services;
    }

    public static RouteGroupBuilder MapMapEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/map").WithTags("Map");
        group.MapGet("/config", Config)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Map_Config")
            .WithSummary("Tile service (Map:TileUrl, or none for the offline outline), the district's centre and bounds [west, south, east, north].");
        group.MapGet("/district", District)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Map_District")
            .WithSummary("The Qingpu district outline as GeoJSON: the offline base layer.");
        return group;
    }

    private static Ok<MapConfigResponse> Config(IOptions<MapOptions> options)
    {
        var boundary = QingpuBoundary.Instance;
        var box = boundary.BoundingBox;
        return TypedResults.Ok(new MapConfigResponse(
            string.IsNullOrWhiteSpace(options.Value.TileUrl) ? null : options.Value.TileUrl,
            options.Value.TileAttribution,
            boundary.Centroid.Longitude,
            boundary.Centroid.Latitude,
            [box.MinLongitude, box.MinLatitude, box.MaxLongitude, box.MaxLatitude]));
    }

    private static ContentHttpResult District()
    {
        using var stream = typeof(QingpuBoundary).Assembly.GetManifestResourceStream(QingpuBoundary.ResourceName)!;
        using var reader = new StreamReader(stream);
        return TypedResults.Content(reader.ReadToEnd(), "application/geo+json");
    }
}

namespace CityEye.Core.Demo;

/// <summary>A WGS-84 position.</summary>
public readonly record struct GeoPoint(double Longitude, double Latitude);

/// <summary>A WGS-84 bounding box.</summary>
public readonly record struct GeoBoundingBox(double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude)
{
    public bool Contains(double longitude, double latitude) =>
        longitude >= MinLongitude && longitude <= MaxLongitude && latitude >= MinLatitude && latitude <= MaxLatitude;
}

/// <summary>One polygon of a boundary: an exterior ring and its holes (rings are closed: last point = first point).</summary>
public sealed record GeoPolygon(IReadOnlyList<GeoPoint> Exterior, IReadOnlyList<IReadOnlyList<GeoPoint>> Holes);

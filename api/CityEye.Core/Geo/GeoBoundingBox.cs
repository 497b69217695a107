namespace CityEye.Core.Geo;

/// <summary>A WGS-84 bounding box.</summary>
public readonly record struct GeoBoundingBox(double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude)
{
    public bool Contains(double longitude, double latitude) =>
        longitude >= MinLongitude && longitude <= MaxLongitude && latitude >= MinLatitude && latitude <= MaxLatitude;
}

namespace CityEye.Core.Geo;

/// <summary>A WGS-84 position.</summary>
public readonly record struct GeoPoint(double Longitude, double Latitude);

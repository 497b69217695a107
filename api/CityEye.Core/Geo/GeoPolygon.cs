namespace CityEye.Core.Geo;

/// <summary>One polygon of a boundary: an exterior ring and its holes (rings are closed: last point = first point).</summary>
public sealed record GeoPolygon(IReadOnlyList<GeoPoint> Exterior, IReadOnlyList<IReadOnlyList<GeoPoint>> Holes);

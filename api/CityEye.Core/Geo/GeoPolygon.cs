namespace CityEye.Core.Geo;

/// <summary>One polygon of a boundary: an exterior ring and its holes (rings are closed: last point = first point).</summary>
public sealed record GeoPolygon(IReadOnlyList<GeoPoint> Exterior, IReadOnlyList<IReadOnlyList<GeoPoint>> Holes);

/// <summary>Point-in-polygon for one ring (closed or not), e.g. a region drawn on the map.</summary>
public static class GeoRing
{
    /// <summary>True when the point lies inside the ring (even-odd rule).</summary>
    public static bool Contains(ReadOnlySpan<GeoPoint> ring, double longitude, double latitude) =>
        QingpuBoundary.RingContains(ring, longitude, latitude);
}

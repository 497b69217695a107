namespace CityEye.Indexers;

/// <summary>Exact containment and bounding boxes of <see cref="GeoArea"/> shapes (WGS-84 degrees).</summary>
public static class GeoAreas
{
    private const double EarthRadiusMetres = 6_371_008.8;

    public static bool Contains(this GeoArea area, double longitude, double latitude) => area switch
    {
        GeoRectangle r => longitude >= r.West && longitude <= r.East && latitude >= r.South && latitude <= r.North,
        GeoCircle c => DistanceMetres(c.Longitude, c.Latitude, longitude, latitude) <= c.RadiusMetres,
        GeoPolygon p => RingContains(p.Ring, longitude, latitude),
        _ => throw new ArgumentOutOfRangeException(nameof(area), area, "Unknown area."),
    };

    /// <summary>West, south, east, north of the smallest box around <paramref name="area"/>.</summary>
    public static (double West, double South, double East, double North) Bounds(this GeoArea area)
    {
        switch (area)
        {
            case GeoRectangle r:
                return (r.West, r.South, r.East, r.North);
            case GeoCircle c:
                var dLat = c.RadiusMetres / EarthRadiusMetres * (180 / Math.PI);
                var dLon = dLat / Math.Max(Math.Cos(c.Latitude * Math.PI / 180), 1e-6);
                return (c.Longitude - dLon, c.Latitude - dLat, c.Longitude + dLon, c.Latitude + dLat);
            case GeoPolygon p:
                return (p.Ring.Min(x => x.Longitude), p.Ring.Min(x => x.Latitude), p.Ring.Max(x => x.Longitude), p.Ring.Max(x => x.Latitude));
            default:
                throw new ArgumentOutOfRangeException(nameof(area), area, "Unknown area.");
        }
    }

    /// <summary>Great-circle distance (haversine).</summary>
    public static double DistanceMetres(double lon1, double lat1, double lon2, double lat2)
    {
        var phi1 = lat1 * Math.PI / 180;
        var phi2 = lat2 * Math.PI / 180;
        var dPhi = (lat2 - lat1) * Math.PI / 180;
        var dLambda = (lon2 - lon1) * Math.PI / 180;
        var a = (Math.Sin(dPhi / 2) * Math.Sin(dPhi / 2)) + (Math.Cos(phi1) * Math.Cos(phi2) * Math.Sin(dLambda / 2) * Math.Sin(dLambda / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Even-odd rule over the ring's edges.</summary>
    public static bool RingContains(IReadOnlyList<(double Longitude, double Latitude)> ring, double longitude, double latitude)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var (xi, yi) = ring[i];
            var (xj, yj) = ring[j];
            if ((yi > latitude) != (yj > latitude) && longitude < ((xj - xi) * (latitude - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

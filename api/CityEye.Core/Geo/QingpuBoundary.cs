using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CityEye.Core.Geo;

/// <summary>
/// The outline of Qingpu district (青浦区), from the embedded <c>Geo/Data/qingpu.geojson</c>
/// (ECharts 4.9.0 Shanghai map, decoded; see <c>Geo/Data/README.md</c>).
/// </summary>
public sealed class QingpuBoundary
{
    /// <summary>Manifest resource name of the district outline (a GeoJSON Feature).</summary>
    public const string ResourceName = "CityEye.Core.Geo.Data.qingpu.geojson";

    /// <summary>Manifest resource name of all Shanghai districts (a GeoJSON FeatureCollection, properties.name).</summary>
    public const string ShanghaiDistrictsResourceName = "CityEye.Core.Geo.Data.shanghai-districts.geojson";

    private static readonly Lazy<QingpuBoundary> LazyInstance = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly GeoPoint[][] _rings;

    private QingpuBoundary(IReadOnlyList<GeoPolygon> polygons)
    {
        Polygons = polygons;
        _rings = [.. polygons.SelectMany(p => p.Holes.Prepend(p.Exterior)).Select(r => r.ToArray())];
        Rings = _rings;
        BoundingBox = ComputeBoundingBox(_rings);
        Centroid = ComputeCentroid(polygons);
    }

    /// <summary>The outline loaded once from the embedded resource.</summary>
    public static QingpuBoundary Instance => LazyInstance.Value;

    /// <summary>Polygons of the outline, each with its holes.</summary>
    public IReadOnlyList<GeoPolygon> Polygons { get; }

    /// <summary>All rings (exteriors and holes) of all polygons, in file order.</summary>
    public IReadOnlyList<IReadOnlyList<GeoPoint>> Rings { get; }

    public GeoBoundingBox BoundingBox { get; }

    /// <summary>Area centroid of the outline (planar, in degrees; holes subtracted).</summary>
    public GeoPoint Centroid { get; }

    /// <summary>True when the point lies inside the outline and outside its holes (ray casting, even-odd over all rings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Contains(double longitude, double latitude)
    {
        if (!BoundingBox.Contains(longitude, latitude))
        {
            return false;
        }

        var inside = false;
        foreach (var ring in _rings)
        {
            if (RingContains(ring, longitude, latitude))
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary>Parses a GeoJSON Feature, FeatureCollection (first feature) or bare Polygon/MultiPolygon geometry.</summary>
    /// <exception cref="FormatException">The text holds no polygon geometry.</exception>
    public static QingpuBoundary FromGeoJson(string geoJson)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        using var document = JsonDocument.Parse(geoJson);
        return new QingpuBoundary(ReadPolygons(document.RootElement));
    }

    /// <summary>Even-odd ray casting test of one ring.</summary>
    /// <remarks>Hot path of the demo generator's rejection sampling: optimised from the first call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool RingContains(ReadOnlySpan<GeoPoint> ring, double longitude, double latitude)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if ((a.Latitude > latitude) != (b.Latitude > latitude)
                && longitude < ((b.Longitude - a.Longitude) * (latitude - a.Latitude) / (b.Latitude - a.Latitude)) + a.Longitude)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static QingpuBoundary LoadEmbedded()
    {
        using var stream = typeof(QingpuBoundary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        using var document = JsonDocument.Parse(stream);
        return new QingpuBoundary(ReadPolygons(document.RootElement));
    }

    private static List<GeoPolygon> ReadPolygons(JsonElement root)
    {
        var type = root.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        switch (type)
        {
            case "FeatureCollection":
                foreach (var feature in root.GetProperty("features").EnumerateArray())
                {
                    return ReadPolygons(feature);
                }

                break;
            case "Feature":
                return ReadPolygons(root.GetProperty("geometry"));
            case "Polygon":
                return [ReadPolygon(root.GetProperty("coordinates"))];
            case "MultiPolygon":
                return [.. root.GetProperty("coordinates").EnumerateArray().Select(ReadPolygon)];
            default:
                break;
        }

        throw new FormatException($"GeoJSON of type '{type}' holds no Polygon or MultiPolygon geometry.");
    }

    private static GeoPolygon ReadPolygon(JsonElement rings)
    {
        var all = rings.EnumerateArray().Select(ReadRing).ToList();
        if (all.Count == 0)
        {
            throw new FormatException("A GeoJSON polygon has no rings.");
        }

        return new GeoPolygon(all[0], all.Skip(1).ToArray());
    }

    private static GeoPoint[] ReadRing(JsonElement ring)
    {
        var points = ring.EnumerateArray()
            .Select(p => new GeoPoint(p[0].GetDouble(), p[1].GetDouble()))
            .ToList();
        if (points.Count < 3)
        {
            throw new FormatException("A GeoJSON ring has fewer than 3 positions.");
        }

        if (points[0] != points[^1])
        {
            points.Add(points[0]);
        }

        return [.. points];
    }

    private static GeoBoundingBox ComputeBoundingBox(GeoPoint[][] rings)
    {
        var points = rings.SelectMany(r => r).ToList();
        return new GeoBoundingBox(
            points.Min(p => p.Longitude),
            points.Min(p => p.Latitude),
            points.Max(p => p.Longitude),
            points.Max(p => p.Latitude));
    }

    private static GeoPoint ComputeCentroid(IReadOnlyList<GeoPolygon> polygons)
    {
        double area = 0, x = 0, y = 0;
        foreach (var polygon in polygons)
        {
            Accumulate(polygon.Exterior, 1);
            foreach (var hole in polygon.Holes)
            {
                Accumulate(hole, -1);
            }
        }

        return new GeoPoint(x / area, y / area);

        // Shoelace terms of one ring, oriented so that exteriors add and holes subtract whatever the winding.
        void Accumulate(IReadOnlyList<GeoPoint> ring, int sign)
        {
            double a = 0, cx = 0, cy = 0;
            for (var i = 0; i < ring.Count - 1; i++)
            {
                var p = ring[i];
                var q = ring[i + 1];
                var cross = (p.Longitude * q.Latitude) - (q.Longitude * p.Latitude);
                a += cross;
                cx += (p.Longitude + q.Longitude) * cross;
                cy += (p.Latitude + q.Latitude) * cross;
            }

            var orientation = Math.Sign(a) * sign;
            area += orientation * a / 2;
            x += orientation * cx / 6;
            y += orientation * cy / 6;
        }
    }
}

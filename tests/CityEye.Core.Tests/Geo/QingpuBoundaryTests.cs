using System.Text.Json;
using CityEye.Core.Geo;

namespace CityEye.Core.Tests.Geo;

public sealed class QingpuBoundaryTests
{
    [Fact]
    public void BoundingBox_EmbeddedOutline_MatchesQingpuExtent()
    {
        var box = QingpuBoundary.Instance.BoundingBox;

        Assert.InRange(box.MinLongitude, 120.83, 120.90);
        Assert.InRange(box.MaxLongitude, 121.28, 121.36);
        Assert.InRange(box.MinLatitude, 30.88, 30.98);
        Assert.InRange(box.MaxLatitude, 31.26, 31.33);
    }

    [Fact]
    public void Rings_EmbeddedOutline_AreClosedAndDetailed()
    {
        var boundary = QingpuBoundary.Instance;

        Assert.NotEmpty(boundary.Polygons);
        Assert.All(boundary.Rings, ring => Assert.Equal(ring[0], ring[^1]));
        Assert.True(boundary.Rings.Sum(r => r.Count) > 200);
    }

    [Theory]
    [InlineData(121.11, 31.15)] // Qingpu new city
    [InlineData(121.053, 31.108)] // Zhujiajiao
    [InlineData(121.265, 31.18)] // Xujing
    [InlineData(120.92, 31.04)] // Jinze
    public void Contains_PointInQingpu_ReturnsTrue(double longitude, double latitude)
    {
        Assert.True(QingpuBoundary.Instance.Contains(longitude, latitude));
    }

    [Theory]
    [InlineData(121.475, 31.233)] // People's Square
    [InlineData(120.6, 31.3)] // Suzhou
    [InlineData(121.23, 31.03)] // Songjiang
    [InlineData(0, 0)]
    public void Contains_PointOutsideQingpu_ReturnsFalse(double longitude, double latitude)
    {
        Assert.False(QingpuBoundary.Instance.Contains(longitude, latitude));
    }

    [Fact]
    public void Centroid_EmbeddedOutline_LiesInsideDistrict()
    {
        var centroid = QingpuBoundary.Instance.Centroid;

        Assert.True(QingpuBoundary.Instance.BoundingBox.Contains(centroid.Longitude, centroid.Latitude));
        Assert.InRange(centroid.Longitude, 121.0, 121.2);
        Assert.InRange(centroid.Latitude, 31.05, 31.2);
    }

    [Fact]
    public void Contains_PolygonWithHole_ExcludesHole()
    {
        const string geoJson = """
            {"type":"Polygon","coordinates":[
              [[0,0],[10,0],[10,10],[0,10],[0,0]],
              [[4,4],[6,4],[6,6],[4,6],[4,4]]]}
            """;

        var boundary = QingpuBoundary.FromGeoJson(geoJson);

        Assert.True(boundary.Contains(2, 2));
        Assert.False(boundary.Contains(5, 5));
        Assert.False(boundary.Contains(11, 5));
        Assert.Equal(5, boundary.Centroid.Longitude, 9);
        Assert.Equal(5, boundary.Centroid.Latitude, 9);
    }

    [Fact]
    public void FromGeoJson_MultiPolygonFeature_ContainsEveryPart()
    {
        const string geoJson = """
            {"type":"Feature","properties":{"name":"x"},"geometry":{"type":"MultiPolygon","coordinates":[
              [[[0,0],[1,0],[1,1],[0,1]]],
              [[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}}
            """;

        var boundary = QingpuBoundary.FromGeoJson(geoJson);

        Assert.Equal(2, boundary.Polygons.Count);
        Assert.True(boundary.Contains(0.5, 0.5));
        Assert.True(boundary.Contains(5.5, 5.5));
        Assert.False(boundary.Contains(3, 3));
    }

    [Fact]
    public void FromGeoJson_NoPolygon_Throws()
    {
        Assert.Throws<FormatException>(() => QingpuBoundary.FromGeoJson("""{"type":"Point","coordinates":[1,2]}"""));
    }

    [Fact]
    public async Task ShanghaiDistricts_EmbeddedResource_HoldsSixteenNamedDistricts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var stream = typeof(QingpuBoundary).Assembly.GetManifestResourceStream(QingpuBoundary.ShanghaiDistrictsResourceName);
        Assert.NotNull(stream);

        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var names = document.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("name").GetString())
            .ToList();

        Assert.Equal(16, names.Count);
        Assert.Contains("青浦区", names);
        Assert.Contains("浦东新区", names);
    }

    [Fact]
    public async Task ShanghaiDistricts_QingpuFeature_MatchesEmbeddedOutline()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var stream = typeof(QingpuBoundary).Assembly.GetManifestResourceStream(QingpuBoundary.ShanghaiDistrictsResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        var json = await reader.ReadToEndAsync(cancellationToken);
        using var document = JsonDocument.Parse(json);
        var qingpu = document.RootElement.GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("properties").GetProperty("name").GetString() == "青浦区");

        var boundary = QingpuBoundary.FromGeoJson(qingpu.GetRawText());

        Assert.Equal(QingpuBoundary.Instance.BoundingBox, boundary.BoundingBox);
    }
}

using CityEye.Core.Devices;
using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;

namespace CityEye.Indexers.Tests;

/// <summary>
/// What every <see cref="ISearchIndex"/> provider must do, run against a real engine: Lucene always, Elasticsearch
/// when <c>CITYEYE_TEST_ELASTICSEARCH</c> names a server.
/// </summary>
public abstract class SearchIndexConformance : IAsyncLifetime
{
    private readonly QueryParser _parser = new(PinyinReadings.Instance);

    protected ISearchIndex Index { get; private set; } = null!;

    /// <summary>The devices every test starts with (ids 1..12).</summary>
    internal static IReadOnlyList<DeviceDocument> Devices { get; } =
    [
        Doc(1, "青浦盈港东路华青路口东北角_智能枪机", "SmartBullet", "Online", 2, "31011800011320000001", "110001", 121.110, 31.150, group: 10, net: "province", tags: [5]) with { Attributes = new Dictionary<string, string> { ["lightingType"] = "1" } },
        Doc(2, "重固镇福泉山路_高清球机", "HdDome", "Offline", 3, "31011800101310000002", "200002", 121.160, 31.205, group: 11, manufacturer: "大华") with { Attributes = new Dictionary<string, string> { ["lightingType"] = "2", ["poleHeight"] = "6.5" } },
        Doc(3, "华新镇华徐公路123号_高清枪机", "HdBullet", "Online", 3, "31011800091320000003", "190003", 121.225, 31.235, group: 11),
        Doc(4, "朱家角镇放生桥东南_智能枪机", "SmartBullet", "Fault", 4, "31011800041320000004", "140004", 121.053, 31.108, tags: [5, 6]) with { Attributes = new Dictionary<string, string> { ["lightingType"] = "2", ["poleHeight"] = "8" } },
        Doc(5, "徐泾镇诸光路国家会展中心_智能枪机", "SmartBullet", "Online", 4, "31011800131320000005", "230005", 121.300, 31.195),
        Doc(6, "交警支队沪A1234警车载_车载", "VehicleMounted", "Online", 5, "31011800201310000006", "300006", 121.108, 31.147, address: "青浦区公园路100号"),
        Doc(7, "青浦新城站_高清球机", "HdDome", "Online", 2, "31011800011310000007", "110007", 121.095, 31.140, group: 10),
        Doc(8, "白鹤镇鹤祥路_智能枪机", "SmartBullet", "Offline", 4, "31011800111320000008", "210008", 121.135, 31.255),
        Doc(9, "盈浦街道城中北路_高清枪机", "HdBullet", "Online", 2, "31011800021320000009", "120009", 121.118, 31.158, address: "城中北路58号"),
        Doc(10, "盈浦街道盈港东路168号_智能枪机", "SmartBullet", "Online", 2, "31011800021320000010", "120010", 121.120, 31.156),
        Doc(11, "青浦华新镇凤溪_智能枪机", "SmartBullet", "Online", 3, "31011800091320000011", "190011", 121.222, 31.240, net: "ministry"),
        Doc(12, "练塘镇陈云纪念馆_高清球机", "HdDome", "Online", 4, "31011800051310000012", "150012", 121.045, 31.015),
    ];

    public async ValueTask InitializeAsync()
    {
        Index = await CreateIndexAsync();
        await Index.InitialiseAsync(TestContext.Current.CancellationToken);
        await Index.ClearAsync(TestContext.Current.CancellationToken);
        await Index.UpsertAsync(Devices, TestContext.Current.CancellationToken);
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        (Index as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh, empty index of the provider under test (skips the test when the engine is not available).</summary>
    protected abstract Task<ISearchIndex> CreateIndexAsync();

    [Theory]
    [InlineData("qp", new long[] { 1, 7, 11 })]
    [InlineData("QP", new long[] { 1, 7, 11 })]
    [InlineData("qingpu", new long[] { 1, 7, 11 })]
    [InlineData("cg", new long[] { 2 })]
    [InlineData("zg", new long[] { 2, 5, 7 })] // 重固, 诸光, 站_高
    [InlineData("chonggu", new long[] { 2 })]
    [InlineData("zhonggu", new long[] { 2 })]
    [InlineData("yingpu dl", new long[] { 10 })]
    [InlineData("qp华新", new long[] { 11 })]
    [InlineData("华新", new long[] { 3, 11 })]
    [InlineData("华新 枪机", new long[] { 3, 11 })]
    [InlineData("华新 gqqj", new long[] { 3 })]
    [InlineData("盈港东路", new long[] { 1, 10 })]
    [InlineData("城中北路58", new long[] { 9 })]
    [InlineData("xinchengz", new long[] { 7 })]
    [InlineData("1100", new long[] { 1, 7 })]
    [InlineData("3101180010", new long[] { 2 })]
    [InlineData("31011800101310000002", new long[] { 2 })]
    [InlineData("a1234", new long[] { 6 })]
    [InlineData("hua1234", new long[] { 6 })] // hu a 1234
    [InlineData("jing1234", new long[] { })]
    [InlineData("hu a12", new long[] { 6 })]
    [InlineData("不存在的点位", new long[] { })]
    [InlineData("fuqaun", new long[] { 2 })] // typo: fuquan (福泉) with two letters swapped
    [InlineData("chnoggu", new long[] { 2 })] // typo: chonggu
    [InlineData("fuqaun qiuji", new long[] { 2 })]
    public async Task Search_Keywords_FindExactlyTheMatchingDevices(string q, long[] expected)
    {
        var result = await SearchAsync(q);
        Assert.Equal(expected.Order(), result.Items.Select(i => i.Id).Order());
        Assert.Equal(expected.Length, result.Total);
    }

    [Theory]
    [InlineData("\"qp AND (华新")]
    [InlineData("name:青浦* OR ~x^2 [a TO z]")]
    [InlineData("*")]
    [InlineData("\\")]
    public async Task Search_QuerySyntax_IsPlainText(string q)
    {
        var result = await SearchAsync(q);
        Assert.True(result.Total >= 0);
    }

    [Fact]
    public async Task Search_Scope_IsAlwaysApplied()
    {
        var station = DeviceScope.Organisations([2]);
        var result = await SearchAsync("qp", scope: station);
        Assert.Equal([1L, 7], result.Items.Select(i => i.Id).Order());

        var none = await SearchAsync(null, scope: DeviceScope.None);
        Assert.Equal(0, none.Total);

        // Asking for another station's devices inside a station scope still finds nothing.
        var other = await Index.SearchAsync(new DeviceSearchQuery { Scope = station, OrganisationIds = [3] }, TestContext.Current.CancellationToken);
        Assert.Equal(0, other.Total);

        // A device role may add single devices of other units (business groups, regions, lists): those and no more.
        var own = await Index.SearchAsync(new DeviceSearchQuery { Scope = station, Limit = 50 }, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(3L, own.Items.Select(i => i.Id));
        var widened = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.Of([2], [3]), Limit = 50 }, TestContext.Current.CancellationToken);
        Assert.Equal(own.Items.Select(i => i.Id).Append(3L).Order(), widened.Items.Select(i => i.Id).Order());
        var only = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.Of([], [3, 999]), Limit = 50 }, TestContext.Current.CancellationToken);
        Assert.Equal([3L], only.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Search_Filters_CombineWithAnd_ValuesWithOr()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Types = ["SmartBullet", "HdDome"], Statuses = ["Online"], Limit = 50 }, ct);
        Assert.Equal([1L, 5, 7, 10, 11, 12], result.Items.Select(i => i.Id).Order());

        var subtree = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, OrganisationIds = [1], Limit = 50 }, ct);
        Assert.Equal([1L, 7, 9, 10], subtree.Items.Select(i => i.Id).Order());

        var groups = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, BusinessGroupIds = [9], Limit = 50 }, ct);
        Assert.Equal([1L, 2, 3, 7], groups.Items.Select(i => i.Id).Order());

        var unfiled = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, BusinessGroupIds = [0], Limit = 50 }, ct);
        Assert.Equal([4L, 5, 6, 8, 9, 10, 11, 12], unfiled.Items.Select(i => i.Id).Order());

        var tags = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, TagIds = [5], Limit = 50, Facets = [DeviceFacets.Tag] }, ct);
        Assert.Equal([1L, 4], tags.Items.Select(i => i.Id).Order());
        Assert.Equal([new FacetCount("5", 2), new FacetCount("6", 1)], tags.Facets[DeviceFacets.Tag]);

        // Several tags: a device must carry every one of them.
        var allTags = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, TagIds = [5, 6], Limit = 50 }, ct);
        Assert.Equal([4L], allTags.Items.Select(i => i.Id));

        var levels = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, NetworkingLevels = ["ministry", "province"], Manufacturers = ["海康威视"], Regions = ["测试街道"], Limit = 50 }, ct);
        Assert.Equal([1L, 11], levels.Items.Select(i => i.Id).Order());

        // Extended attributes (AR-10): values of one key OR, keys AND, exact values only.
        var lighting = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Attributes = new Dictionary<string, IReadOnlyList<string>> { ["lightingType"] = ["1", "2"] }, Limit = 50 }, ct);
        Assert.Equal([1L, 2, 4], lighting.Items.Select(i => i.Id).Order());
        var both = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Attributes = new Dictionary<string, IReadOnlyList<string>> { ["lightingType"] = ["2"], ["poleHeight"] = ["6.5"] }, Limit = 50 }, ct);
        Assert.Equal([2L], both.Items.Select(i => i.Id));
        var none = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Attributes = new Dictionary<string, IReadOnlyList<string>> { ["lightingType"] = ["2="] }, Limit = 50 }, ct);
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task Search_Facets_CountEveryHitNotOnlyThePage()
    {
        var result = await Index.SearchAsync(
            new DeviceSearchQuery { Scope = DeviceScope.All, Limit = 2, Facets = [DeviceFacets.Type, DeviceFacets.Status, DeviceFacets.Manufacturer, DeviceFacets.NetworkingLevel] },
            TestContext.Current.CancellationToken);
        Assert.Equal(12, result.Total);
        Assert.Equal(2, result.Items.Count);
        Assert.Equal(new FacetCount("SmartBullet", 6), result.Facets[DeviceFacets.Type][0]);
        Assert.Equal(12, result.Facets[DeviceFacets.Type].Sum(f => f.Count));
        Assert.Contains(new FacetCount("Offline", 2), result.Facets[DeviceFacets.Status]);
        Assert.Contains(new FacetCount("大华", 1), result.Facets[DeviceFacets.Manufacturer]);
        Assert.Equal([new FacetCount("ministry", 1), new FacetCount("province", 1)], result.Facets[DeviceFacets.NetworkingLevel]);
    }

    [Fact]
    public async Task Search_SortingAndPaging_AreStable()
    {
        var ct = TestContext.Current.CancellationToken;
        var all = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Sort = DeviceSort.GbCode, Limit = 100 }, ct);
        Assert.Equal(Devices.Select(d => d.GbCode).Order(StringComparer.Ordinal), all.Items.Select(i => i.GbCode));

        var page2 = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Sort = DeviceSort.GbCode, Offset = 5, Limit = 5 }, ct);
        Assert.Equal(all.Items.Skip(5).Take(5).Select(i => i.Id), page2.Items.Select(i => i.Id));
        Assert.Equal(12, page2.Total);

        var byName = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Sort = DeviceSort.Name, Limit = 100 }, ct);
        Assert.Equal(Devices.Select(d => d.Name).Order(StringComparer.Ordinal), byName.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task Search_Areas_SelectExactlyTheDevicesInside()
    {
        var ct = TestContext.Current.CancellationToken;
        var rectangle = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Area = new GeoRectangle(121.09, 31.13, 121.13, 31.16), Limit = 50 }, ct);
        Assert.Equal([1L, 6, 7, 9, 10], rectangle.Items.Select(i => i.Id).Order());

        // 600 m around device 1 reaches 6 (about 370 m away) but not 7 (about 1.8 km).
        var circle = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Area = new GeoCircle(121.110, 31.150, 600), Limit = 50 }, ct);
        Assert.Equal([1L, 6], circle.Items.Select(i => i.Id).Order());

        // A triangle whose bounding box holds 1, 6, 9 and 10, but whose inside holds only 10.
        var triangle = new GeoPolygon([(121.105, 31.140), (121.125, 31.140), (121.125, 31.165)]);
        var polygon = await Index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Area = triangle, Limit = 50, Facets = [DeviceFacets.Type] }, ct);
        Assert.Equal([10L], polygon.Items.Select(i => i.Id));
        Assert.Equal(1, polygon.Total);
        Assert.Equal([new FacetCount("SmartBullet", 1)], polygon.Facets[DeviceFacets.Type]);
    }

    [Fact]
    public async Task Upsert_ReplacesByIdAndDeleteRemoves()
    {
        var ct = TestContext.Current.CancellationToken;
        await Index.UpsertAsync([Devices[1] with { Name = "赵巷镇嘉松中路_高清球机" }], ct);
        var stale = await SearchAsync("cg");
        Assert.True(stale.Total == 0, string.Join(", ", stale.Items.Select(i => i.Name)));
        Assert.Equal([2L], (await SearchAsync("zx jszl")).Items.Select(i => i.Id));

        await Index.DeleteAsync([2, 999], ct);
        Assert.Equal(0, (await SearchAsync("jszl")).Total);
        Assert.Equal(11, (await Index.DescribeAsync(ct)).Documents);

        await Index.ClearAsync(ct);
        Assert.Equal(0, (await Index.DescribeAsync(ct)).Documents);
    }

    [Fact]
    public async Task Search_Hit_CarriesTheListFields()
    {
        var hit = Assert.Single((await SearchAsync("a1234")).Items);
        Assert.Equal(6, hit.Id);
        Assert.Equal("交警支队沪A1234警车载_车载", hit.Name);
        Assert.Equal("31011800201310000006", hit.GbCode);
        Assert.Equal("300006", hit.KeyboardCode);
        Assert.Equal("青浦区公园路100号", hit.Address);
        Assert.Equal("VehicleMounted", hit.Type);
        Assert.Equal("Online", hit.Status);
        Assert.Equal(5, hit.OrganisationId);
        Assert.Equal(121.108, hit.Longitude, 6);
        Assert.Equal(31.147, hit.Latitude, 6);
    }

    private Task<DeviceSearchResult> SearchAsync(string? q, DeviceScope? scope = null) =>
        Index.SearchAsync(new DeviceSearchQuery { Plan = _parser.Parse(q), Scope = scope ?? DeviceScope.All, Limit = 100 }, TestContext.Current.CancellationToken);

    private static DeviceDocument Doc(
        long id, string name, string type, string status, long organisation, string gb, string keyboard, double lon, double lat,
        long? group = null, string? net = null, long[]? tags = null, string manufacturer = "海康威视", string? address = null) => new()
        {
            Id = id,
            Name = name,
            Type = type,
            Status = status,
            OrganisationId = organisation,
            OrganisationPath = organisation == 2 ? [1] : [50],
            GbCode = gb,
            KeyboardCode = keyboard,
            Longitude = lon,
            Latitude = lat,
            BusinessGroupId = group,
            BusinessGroupPath = group is null ? [] : [9],
            NetworkingLevel = net,
            TagIds = tags ?? [],
            Manufacturer = manufacturer,
            Region = net is null ? "测试镇" : "测试街道",
            Address = address,
            UpdatedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(id),
        };
}

public sealed class LuceneConformanceTests : SearchIndexConformance
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cityeye-lucene-" + Guid.NewGuid().ToString("N"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    protected override Task<ISearchIndex> CreateIndexAsync() => Task.FromResult<ISearchIndex>(new Lucene.LuceneSearchIndex(_path, PinyinReadings.Instance));
}

/// <summary>
/// The same suite on a real Elasticsearch 8/9 (<c>CITYEYE_TEST_ELASTICSEARCH=http://host:9200</c>, optionally with
/// <c>CITYEYE_TEST_ELASTICSEARCH_APIKEY</c>); each test uses its own index and deletes it afterwards.
/// </summary>
public sealed class ElasticsearchConformanceTests : SearchIndexConformance
{
    private const string Variable = "CITYEYE_TEST_ELASTICSEARCH";
    private Elastic.Clients.Elasticsearch.ElasticsearchClient? _client;
    private readonly string _name = "cityeye-test-" + Guid.NewGuid().ToString("N");

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.Indices.DeleteAsync(_name);
        }

        await base.DisposeAsync();
    }

    protected override Task<ISearchIndex> CreateIndexAsync()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(url), $"{Variable} is not set: no Elasticsearch server to run the conformance suite against (the wire-level tests still run).");
        _client = Elasticsearch.ElasticsearchClients.Create(new Elasticsearch.ElasticsearchConnection(new Uri(url!), Environment.GetEnvironmentVariable(Variable + "_APIKEY")));
        return Task.FromResult<ISearchIndex>(new Elasticsearch.ElasticsearchSearchIndex(_client, _name, PinyinReadings.Instance));
    }
}

using System.Text.Json.Nodes;
using CityEye.Core.Devices;
using CityEye.Indexers.Elasticsearch;
using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;

namespace CityEye.Indexers.Tests;

/// <summary>The exact requests the Elasticsearch provider sends (no server runs here; the conformance suite runs
/// against a real one when CITYEYE_TEST_ELASTICSEARCH is set).</summary>
public sealed class ElasticsearchWireTests : IDisposable
{
    private readonly CapturingInvoker _wire = new();
    private readonly ElasticsearchSearchIndex _index;

    public ElasticsearchWireTests()
    {
        var client = ElasticsearchClients.Create(new ElasticsearchConnection(new Uri("http://127.0.0.1:9200"), Username: "elastic", Password: "changeme"), _wire);
        _index = new ElasticsearchSearchIndex(client, "cityeye-devices", PinyinReadings.Instance);
    }

    private const string NoHits = """{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}""";

    public void Dispose() => _wire.Dispose();

    [Fact]
    public async Task Initialise_MissingIndex_CreatesItWithTheWhitespaceAnalyzerAndStrictMapping()
    {
        _wire.Enqueue(404, "{}");
        _wire.Enqueue(200, """{"acknowledged":true}""");

        await _index.InitialiseAsync(TestContext.Current.CancellationToken);

        Assert.Equal(("HEAD", "/cityeye-devices"), (_wire.Requests[0].Method, _wire.Requests[0].PathAndQuery));
        Assert.Equal(("PUT", "/cityeye-devices"), (_wire.Requests[1].Method, _wire.Requests[1].PathAndQuery));
        Assert.Equal("Basic ZWxhc3RpYzpjaGFuZ2VtZQ==", _wire.Requests[1].Authorization);
        var body = JsonNode.Parse(_wire.Requests[1].Body!)!;
        Assert.Equal("whitespace", body["settings"]!["analysis"]!["analyzer"]!["cityeye_units"]!["tokenizer"]!.GetValue<string>());
        Assert.Equal("strict", body["mappings"]!["dynamic"]!.GetValue<string>());
        var properties = body["mappings"]!["properties"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"text","analyzer":"cityeye_units","position_increment_gap":100}"""), properties["py"]));
        Assert.Equal("geo_point", properties["location"]!["type"]!.GetValue<string>());
        Assert.Equal("keyword", properties["grp"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Initialise_ExistingIndex_OnlyChecks()
    {
        _wire.Enqueue(200, "{}");
        await _index.InitialiseAsync(TestContext.Current.CancellationToken);
        Assert.Single(_wire.Requests);
    }

    [Fact]
    public async Task Upsert_SendsBulkIndexActionsWithThePinyinCityEyeComputed()
    {
        _wire.Enqueue(200, """{"errors":false,"items":[{"index":{"_id":"2","status":200}}]}""");

        await _index.UpsertAsync([SearchIndexConformance.Devices[1]], TestContext.Current.CancellationToken);

        var request = Assert.Single(_wire.Requests);
        Assert.Equal(("POST", "/cityeye-devices/_bulk?refresh=wait_for"), (request.Method, request.PathAndQuery));
        var lines = request.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"index":{"_id":"2"}}"""), JsonNode.Parse(lines[0])));
        var source = JsonNode.Parse(lines[1])!;
        Assert.Equal(["zhong gu zhen fu quan shan lu gao qing qiu ji", "chong gu zhen fu quan shan lu gao qing qiu ji"], source["py"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["重 固 镇 福 泉 山 路 高 清 球 机"], source["text"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["z g z f q s l g q q j", "c g z f q s l g q q j"], source["ini"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["50", "3"], source["org"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["9", "11"], source["grp"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"lat":31.205,"lon":121.16}"""), source["location"]));
        Assert.Equal("2026-11-01T00:02:00.000Z", source["updated"]!.GetValue<string>());
        Assert.Equal(["lightingType=2", "poleHeight=6.5"], source["attr"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Search_SendsThePlanAsSpanQueriesWithScopeFiltersAreaFacetsAndPaging()
    {
        _wire.Enqueue(200, """{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]},"aggregations":{"type":{"buckets":[]}}}""");
        var plan = new QueryParser(PinyinReadings.Instance).Parse("cg 福泉");
        var area = new GeoPolygon([(121.1, 31.1), (121.2, 31.1), (121.2, 31.3)]);

        await _index.SearchAsync(
            new DeviceSearchQuery
            {
                Plan = plan,
                Scope = DeviceScope.Organisations([3, 2]),
                Types = ["HdDome"],
                Attributes = new Dictionary<string, IReadOnlyList<string>> { ["lightingType"] = ["1", "2"] },
                Area = area,
                Offset = 20,
                Limit = 10,
                Facets = [DeviceFacets.Type],
            },
            TestContext.Current.CancellationToken);

        var request = Assert.Single(_wire.Requests);
        Assert.Equal(("POST", "/cityeye-devices/_search"), (request.Method, request.PathAndQuery));
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal(20, body["from"]!.GetValue<int>());
        Assert.Equal(10, body["size"]!.GetValue<int>());
        var must = body["query"]!["bool"]!["must"]!.AsArray();
        Assert.Equal(2, must.Count);

        // "cg": both letters are initials, exact terms of consecutive positions of the initials field; the Chinese
        // characters of the second keyword are a phrase of consecutive characters.
        var initials = must[0]!["bool"]!["should"]![0]!["bool"]!["must"]![0]!["span_near"]!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"clauses":[{"span_term":{"ini":"c"}},{"span_term":{"ini":"g"}}],"slop":0,"in_order":true}"""),
            initials));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"span_near":{"clauses":[{"span_term":{"text":"福"}},{"span_term":{"text":"泉"}}],"slop":0,"in_order":true}}"""),
            must[1]!["bool"]!["should"]![0]));

        var filters = body["query"]!["bool"]!["filter"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"terms":{"owner":["2","3"]}}"""), filters[0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"terms":{"type":["HdDome"]}}"""), filters[1]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"terms":{"attr":["lightingType=1","lightingType=2"]}}"""), filters[2]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"geo_shape":{"location":{"relation":"intersects","shape":{"type":"polygon","coordinates":[[[121.1,31.1],[121.2,31.1],[121.2,31.3],[121.1,31.1]]]}}}}"""),
            filters[3]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":{"terms":{"field":"type","size":200}}}"""), body["aggs"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"_score":"desc"},{"name":"asc"}]"""), body["sort"]));
    }

    [Fact]
    public async Task Search_ScopeWithSingleDevices_IsOwnersOrIds()
    {
        _wire.Enqueue(200, NoHits);
        await _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.Of([2], [77, 5]) }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(Assert.Single(_wire.Requests).Body!)!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"bool":{"should":[{"terms":{"owner":["2"]}},{"terms":{"id":["5","77"]}}],"minimum_should_match":1}}"""),
            body["query"]!["bool"]!["filter"]![0]));
    }

    [Fact]
    public async Task Search_Tags_AreOneFilterEachSoAllMustMatch_AndTheirFacetCountsTheTagField()
    {
        _wire.Enqueue(200, """{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]},"aggregations":{"tagId":{"buckets":[{"key":"5","doc_count":3}]}}}""");
        var result = await _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, TagIds = [5, 6, 5], Facets = [DeviceFacets.Tag] }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(Assert.Single(_wire.Requests).Body!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"terms":{"tag":["5"]}},{"terms":{"tag":["6"]}}]"""), body["query"]!["bool"]!["filter"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"tagId":{"terms":{"field":"tag","size":200}}}"""), body["aggs"]));
        Assert.Equal([new FacetCount("5", 3)], result.Facets[DeviceFacets.Tag]);
    }

    [Fact]
    public async Task Search_CodesAndCirclesAndRectangles_UsePrefixesAndGeoFilters()
    {
        var ct = TestContext.Current.CancellationToken;
        var plan = new QueryParser(PinyinReadings.Instance).Parse("3101180010");
        _wire.Enqueue(200, NoHits);
        _wire.Enqueue(200, NoHits);
        await _index.SearchAsync(new DeviceSearchQuery { Plan = plan, Scope = DeviceScope.All, Area = new GeoCircle(121.1, 31.15, 600) }, ct);
        await _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Area = new GeoRectangle(121.0, 31.0, 121.2, 31.2), Sort = DeviceSort.GbCode }, ct);

        var first = JsonNode.Parse(_wire.Requests[0].Body!)!;
        var should = first["query"]!["bool"]!["must"]![0]!["bool"]!["should"]!.AsArray();
        Assert.Contains(should, s => JsonNode.DeepEquals(JsonNode.Parse("""{"prefix":{"gbCode":{"value":"3101180010","boost":2}}}"""), s));
        Assert.Contains(should, s => JsonNode.DeepEquals(JsonNode.Parse("""{"prefix":{"keyboardCode":{"value":"3101180010","boost":2}}}"""), s));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"geo_distance":{"distance":"600m","location":{"lat":31.15,"lon":121.1}}}]"""), first["query"]!["bool"]!["filter"]));
        var second = JsonNode.Parse(_wire.Requests[1].Body!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"match_all":{}}]"""), second["query"]!["bool"]!["must"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"geo_bounding_box":{"location":{"top_left":{"lat":31.2,"lon":121.0},"bottom_right":{"lat":31.0,"lon":121.2}}}}]"""),
            second["query"]!["bool"]!["filter"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"gbCode":"asc"}]"""), second["sort"]));
    }

    [Fact]
    public async Task Search_ReadsHitsTotalsAndFacets()
    {
        _wire.Enqueue(200, """
            {"hits":{"total":{"value":42,"relation":"eq"},"hits":[
              {"_id":"7","_source":{"id":"7","name":"青浦新城站_高清球机","gbCode":"31011800011310000007","keyboardCode":"110007","type":"HdDome","status":"Online","owner":"2","location":{"lat":31.14,"lon":121.095}}}]},
             "aggregations":{"status":{"buckets":[{"key":"Online","doc_count":40},{"key":"Fault","doc_count":2}]}}}
            """);

        var result = await _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All, Facets = [DeviceFacets.Status] }, TestContext.Current.CancellationToken);

        Assert.Equal(42, result.Total);
        var hit = Assert.Single(result.Items);
        Assert.Equal(new DeviceHit(7, "青浦新城站_高清球机", "31011800011310000007", "110007", null, "HdDome", "Online", 2, 121.095, 31.14), hit);
        Assert.Equal([new FacetCount("Online", 40), new FacetCount("Fault", 2)], result.Facets[DeviceFacets.Status]);
    }

    [Fact]
    public async Task Errors_BecomeSearchEngineExceptions()
    {
        var ct = TestContext.Current.CancellationToken;
        _wire.Enqueue(200, """{"errors":true,"items":[{"index":{"_id":"2","status":400,"error":{"type":"document_parsing_exception","reason":"bad"}}}]}""");
        var bulk = await Assert.ThrowsAsync<SearchEngineException>(() => _index.UpsertAsync([SearchIndexConformance.Devices[1]], ct));
        Assert.Contains("document_parsing_exception", bulk.Message, StringComparison.Ordinal);

        _wire.Enqueue(500, """{"error":{"type":"search_phase_execution_exception"}}""");
        var search = await Assert.ThrowsAsync<SearchEngineException>(() => _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All }, ct));
        Assert.Contains("500", search.Message, StringComparison.Ordinal);

        _wire.Enqueue(200, "{}");
        await Assert.ThrowsAsync<SearchEngineException>(() => _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.All }, ct));

        // A delete of an id that is not there (404 item) is fine.
        _wire.Enqueue(200, """{"errors":true,"items":[{"delete":{"_id":"9","status":404,"result":"not_found","error":{"type":"x"}}}]}""");
        await _index.DeleteAsync([9], ct);
        Assert.Equal("{\"delete\":{\"_id\":\"9\"}}\n", _wire.Requests[^1].Body);
    }

    [Fact]
    public async Task EmptyScope_AsksNothing()
    {
        var result = await _index.SearchAsync(new DeviceSearchQuery { Scope = DeviceScope.None, Facets = [DeviceFacets.Type] }, TestContext.Current.CancellationToken);
        Assert.Equal(0, result.Total);
        Assert.Empty(_wire.Requests);
    }
}

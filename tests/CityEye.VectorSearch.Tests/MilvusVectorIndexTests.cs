using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CityEye.Core.Captures;
using CityEye.VectorSearch.Milvus;

namespace CityEye.VectorSearch.Tests;

/// <summary>
/// The conformance suite on a real Milvus server when <c>CITYEYE_TEST_MILVUS</c> is set (its RESTful address, e.g.
/// <c>http://127.0.0.1:19530</c>; <c>CITYEYE_TEST_MILVUS_TOKEN</c> optional). No Milvus can run on the CI machines.
/// </summary>
public sealed class MilvusConformanceTests : VectorIndexConformance
{
    private const string Variable = "CITYEYE_TEST_MILVUS";
    private readonly HttpClient _http = new();
    private readonly string _prefix = "cityeye_test_" + Guid.NewGuid().ToString("N")[..12] + "_";
    private MilvusRestClient? _client;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_client is not null)
        {
            foreach (var type in Enum.GetValues<CaptureType>())
            {
                await _client.CallAsync("collections/drop", new JsonObject { ["collectionName"] = _prefix + type.ToString().ToLowerInvariant() }, default);
            }
        }

        _http.Dispose();
    }

    protected override Task<IVectorIndex> CreateIndexAsync()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(url), $"{Variable} is not set: no Milvus server to run the conformance suite against (none can be installed on this machine; the wire tests check the requests).");
        _client = new MilvusRestClient(_http, new Uri(url!), Environment.GetEnvironmentVariable(Variable + "_TOKEN"), "default");
        var options = new VectorOptions
        {
            FaceDimensions = Options.FaceDimensions,
            BodyDimensions = Options.BodyDimensions,
            VehicleDimensions = Options.VehicleDimensions,
            MilvusConsistency = "Strong",
            MilvusCollectionPrefix = _prefix,
        };
        return Task.FromResult<IVectorIndex>(new MilvusVectorIndex(_client, options));
    }
}

/// <summary>The exact requests the Milvus provider sends (RESTful API v2), against a recording handler.</summary>
public sealed class MilvusWireTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);
    private readonly Recorder _recorder = new();
    private readonly HttpClient _http;
    private readonly MilvusVectorIndex _index;

    public MilvusWireTests()
    {
        _http = new HttpClient(_recorder);
        var options = new VectorOptions { FaceDimensions = 3, BodyDimensions = 2, VehicleDimensions = 2, MilvusConsistency = "Bounded" };
        _index = new MilvusVectorIndex(new MilvusRestClient(_http, new Uri("http://milvus.test:19530"), "root:Milvus", "cityeye"), options);
    }

    public void Dispose()
    {
        _http.Dispose();
        _recorder.Dispose();
    }

    [Fact]
    public async Task Initialise_creates_a_collection_per_type_with_the_schema_and_an_hnsw_cosine_index()
    {
        _recorder.Answer("collections/has", """{"code":0,"data":{"has":false}}""");
        _recorder.Answer("partitions/list", """{"code":0,"data":["_default","d20261126","junk"]}""");
        await _index.InitialiseAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            ["collections/has", "collections/create", "collections/load", "partitions/list"],
            _recorder.Requests.Where(r => r.Body["collectionName"]!.GetValue<string>() == "cityeye_face").Select(r => r.Endpoint));
        var create = _recorder.Requests.First(r => r.Endpoint == "collections/create");
        Assert.Equal(
            """{"dbName":"cityeye","collectionName":"cityeye_face","schema":{"autoID":false,"enableDynamicField":false,"fields":[{"fieldName":"id","dataType":"Int64","isPrimary":true},{"fieldName":"vector","dataType":"FloatVector","elementTypeParams":{"dim":3}},{"fieldName":"time","dataType":"Int64"},{"fieldName":"device","dataType":"Int64"}]},"indexParams":[{"fieldName":"vector","indexName":"vector_hnsw","metricType":"COSINE","params":{"index_type":"HNSW","M":16,"efConstruction":128}}],"params":{"consistencyLevel":"Bounded"}}""",
            create.Text);
        Assert.Equal("Bearer root:Milvus", create.Authorization);
        Assert.Equal("true", create.AllowInt64);
        Assert.Equal("http://milvus.test:19530/v2/vectordb/collections/create", create.Url);
        Assert.Equal(3, _recorder.Requests.Count(r => r.Endpoint == "collections/create"));
        Assert.Contains(_recorder.Requests, r => r.Endpoint == "collections/create" && r.Text.Contains("\"dim\":2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_existing_collection_of_another_dimension_is_refused_with_the_setting_named()
    {
        _recorder.Answer("collections/has", """{"code":0,"data":{"has":true}}""");
        _recorder.Answer("collections/describe", """{"code":0,"data":{"collectionName":"cityeye_face","fields":[{"name":"id","type":"Int64"},{"name":"vector","type":"FloatVector","params":[{"key":"dim","value":"512"}]}]}}""");
        var e = await Assert.ThrowsAsync<VectorIndexException>(() => _index.InitialiseAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Vectors:FaceDimensions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adds_create_the_day_partition_once_and_upsert_rows_into_it()
    {
        var ct = TestContext.Current.CancellationToken;
        _recorder.Answer("partitions/has", """{"code":0,"data":{"has":false}}""");
        _recorder.Answer("entities/upsert", """{"code":0,"data":{"upsertCount":2,"upsertIds":[7,8]},"cost":0}""");
        var added = await _index.AddAsync(CaptureType.Face, [new VectorEntry(7, Noon, 42, [0.5f, 0.25f, -1f]), new VectorEntry(8, Noon.AddMinutes(1), 43, [1f, 0f, 0f])], ct);
        Assert.Equal(2, added);
        await _index.AddAsync(CaptureType.Face, [new VectorEntry(9, Noon.AddHours(2), 42, [0f, 1f, 0f])], ct);

        Assert.Equal(["partitions/has", "partitions/create", "partitions/load", "entities/upsert", "entities/upsert"], _recorder.Requests.Select(r => r.Endpoint));
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_face","partitionName":"d20261127"}""", _recorder.Requests[1].Text);
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_face","partitionNames":["d20261127"]}""", _recorder.Requests[2].Text);
        Assert.Equal(
            """{"dbName":"cityeye","collectionName":"cityeye_face","partitionName":"d20261127","data":[{"id":7,"vector":[0.5,0.25,-1],"time":1795752000000,"device":42},{"id":8,"vector":[1,0,0],"time":1795752060000,"device":43}]}""",
            _recorder.Requests[3].Text);
    }

    [Fact]
    public async Task Searches_send_the_days_as_partitions_and_the_filter_as_a_template_with_parameters()
    {
        var ct = TestContext.Current.CancellationToken;
        _recorder.Answer("collections/has", """{"code":0,"data":{"has":true}}""");
        _recorder.Answer("collections/describe", """{"code":0,"data":{"fields":[]}}""");
        _recorder.Answer("partitions/list", """{"code":0,"data":["_default","d20261126","d20261127","d20261128"]}""");
        _recorder.Answer("entities/search", """{"code":0,"cost":0,"data":[{"id":8,"distance":0.61,"time":1795752060000,"device":43},{"id":"7","distance":0.93,"time":"1795752000000","device":"42"},{"id":9,"distance":0.2,"time":1795752000000,"device":42}]}""");
        await _index.InitialiseAsync(ct);
        _recorder.Requests.Clear();

        var hits = await _index.SearchAsync(new VectorQuery
        {
            Type = CaptureType.Face,
            Vector = [0.5f, 0.25f, -1f],
            Limit = 20,
            From = Noon.AddHours(-1),
            Until = Noon.AddDays(1),
            DeviceIds = new HashSet<long> { 43, 42 },
            MinSimilarity = 0.5f,
        }, ct);

        Assert.Equal(
            """{"dbName":"cityeye","collectionName":"cityeye_face","annsField":"vector","data":[[0.5,0.25,-1]],"limit":20,"outputFields":["time","device"],"searchParams":{"metricType":"COSINE","params":{"ef":64}},"consistencyLevel":"Bounded","partitionNames":["d20261127","d20261128"],"filter":"time >= {from} and time < {until} and device in {devices}","exprParams":{"from":1795748400000,"until":1795838400000,"devices":[42,43]}}""",
            _recorder.Requests.Single().Text);
        Assert.Equal([new VectorHit(7, 0.93f, Noon, 42), new VectorHit(8, 0.61f, Noon.AddMinutes(1), 43)], hits);
    }

    [Fact]
    public async Task Searches_outside_every_partition_and_empty_device_sets_send_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty(await _index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = [1, 0, 0], From = Noon, Until = Noon.AddDays(1) }, ct));
        Assert.Empty(await _index.SearchAsync(new VectorQuery { Type = CaptureType.Face, Vector = [1, 0, 0], DeviceIds = new HashSet<long>() }, ct));
        Assert.Empty(_recorder.Requests);
    }

    [Fact]
    public async Task Removes_count_what_is_present_then_delete_by_id_template()
    {
        var ct = TestContext.Current.CancellationToken;
        _recorder.Answer("entities/query", """{"code":0,"data":[{"id":7}]}""");
        _recorder.Answer("entities/delete", """{"code":0,"data":{"deleteCount":2}}""");
        Assert.Equal(1, await _index.RemoveAsync(CaptureType.Vehicle, [7, 99], ct));
        Assert.Equal(
            """{"dbName":"cityeye","collectionName":"cityeye_vehicle","filter":"id in {ids}","exprParams":{"ids":[7,99]},"outputFields":["id"],"limit":2}""",
            _recorder.Requests[0].Text);
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_vehicle","filter":"id in {ids}","exprParams":{"ids":[7,99]}}""", _recorder.Requests[1].Text);
    }

    [Fact]
    public async Task Counts_per_day_query_count_star_per_partition_and_retention_releases_then_drops()
    {
        var ct = TestContext.Current.CancellationToken;
        _recorder.Answer("collections/has", """{"code":0,"data":{"has":true}}""");
        _recorder.Answer("collections/describe", """{"code":0,"data":{"fields":[]}}""");
        _recorder.Answer("partitions/list", """{"code":0,"data":["_default","d20261126","d20261127"]}""");
        _recorder.Answer("entities/query", """{"code":0,"data":[{"count(*)":12}]}""");
        await _index.InitialiseAsync(ct);
        _recorder.Requests.Clear();

        Assert.Equal([new VectorDayCount(new DateOnly(2026, 11, 26), 12), new VectorDayCount(new DateOnly(2026, 11, 27), 12)], await _index.CountByDayAsync(CaptureType.Body, ct));
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_body","filter":"","outputFields":["count(*)"],"partitionNames":["d20261126"]}""", _recorder.Requests[0].Text);

        _recorder.Requests.Clear();
        Assert.Equal(3, await _index.DropDaysBeforeAsync(new DateOnly(2026, 11, 27), ct));
        Assert.Equal(["partitions/release", "partitions/drop"], _recorder.Requests.Take(2).Select(r => r.Endpoint));
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_face","partitionNames":["d20261126"]}""", _recorder.Requests[0].Text);
        Assert.Equal("""{"dbName":"cityeye","collectionName":"cityeye_face","partitionName":"d20261126"}""", _recorder.Requests[1].Text);
    }

    [Fact]
    public async Task A_refusal_with_http_200_and_a_code_becomes_an_error_naming_endpoint_code_and_message()
    {
        _recorder.Answer("collections/has", """{"code":1100,"message":"invalid parameter[expected=valid collection name]"}""");
        var e = await Assert.ThrowsAsync<VectorIndexException>(() => _index.InitialiseAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1100, e.EngineCode);
        Assert.Contains("collections/has", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid parameter", e.Message, StringComparison.Ordinal);

        _recorder.Answer("collections/has", "404 page not found", HttpStatusCode.NotFound);
        var notFound = await Assert.ThrowsAsync<VectorIndexException>(() => _index.InitialiseAsync(TestContext.Current.CancellationToken));
        Assert.Contains("404", notFound.Message, StringComparison.Ordinal);
    }

    private sealed record Recorded(string Endpoint, string Url, string Text, string? Authorization, string? AllowInt64)
    {
        public JsonObject Body => JsonNode.Parse(Text)!.AsObject();
    }

    /// <summary>Records every request and answers by endpoint (code 0 and empty data when not told otherwise).</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        private readonly Dictionary<string, (string Body, HttpStatusCode Status)> _answers = new(StringComparer.Ordinal);

        public List<Recorded> Requests { get; } = [];

        public void Answer(string endpoint, string body, HttpStatusCode status = HttpStatusCode.OK) => _answers[endpoint] = (body, status);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var endpoint = request.RequestUri!.AbsolutePath["/v2/vectordb/".Length..];
            Requests.Add(new Recorded(
                endpoint,
                request.RequestUri.ToString(),
                await request.Content!.ReadAsStringAsync(cancellationToken),
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("Accept-Type-Allow-Int64", out var values) ? values.Single() : null));
            var (body, status) = _answers.TryGetValue(endpoint, out var answer) ? answer : ("""{"code":0,"data":{}}""", HttpStatusCode.OK);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}

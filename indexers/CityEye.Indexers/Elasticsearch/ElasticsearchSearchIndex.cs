using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace CityEye.Indexers.Elasticsearch;

/// <summary>Thrown when Elasticsearch answers with an error or cannot be reached.</summary>
public sealed class SearchEngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The device index on Elasticsearch 8/9, through Elastic.Clients.Elasticsearch's transport. CityEye analyses text
/// itself (characters, pinyin variants: <see cref="SearchText"/>), so the index needs only a whitespace analyzer and
/// no plugin. Requests are written as JSON by <see cref="ElasticsearchRequests"/>, which the wire-level tests pin.
/// </summary>
public sealed class ElasticsearchSearchIndex(ElasticsearchClient client, string indexName, PinyinReadings readings) : ISearchIndex
{
    public string IndexName { get; } = indexName;

    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        var exists = await SendAsync(HttpMethod.HEAD, $"/{IndexName}", null, cancellationToken, allow404: true);
        if (exists.ApiCallDetails.HttpStatusCode == 404)
        {
            await SendAsync(HttpMethod.PUT, $"/{IndexName}", ElasticsearchRequests.CreateIndex().ToJsonString(), cancellationToken);
        }
    }

    public async Task UpsertAsync(IReadOnlyList<DeviceDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return;
        }

        var body = ElasticsearchRequests.BulkIndex(documents, readings);
        CheckBulk(await SendAsync(HttpMethod.POST, $"/{IndexName}/_bulk?refresh=wait_for", body, cancellationToken));
    }

    public async Task DeleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        CheckBulk(await SendAsync(HttpMethod.POST, $"/{IndexName}/_bulk?refresh=wait_for", ElasticsearchRequests.BulkDelete(ids), cancellationToken));
    }

    public async Task ClearAsync(CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.POST, $"/{IndexName}/_delete_by_query?refresh=true&conflicts=proceed", """{"query":{"match_all":{}}}""", cancellationToken);

    public async Task<DeviceSearchResult> SearchAsync(DeviceSearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Scope.IsEmpty)
        {
            return new DeviceSearchResult(0, [], query.Facets.ToDictionary(f => f, _ => (IReadOnlyList<FacetCount>)[]));
        }

        var response = await SendAsync(HttpMethod.POST, $"/{IndexName}/_search", ElasticsearchRequests.Search(query).ToJsonString(), cancellationToken);
        return ElasticsearchRequests.ReadSearch(JsonNode.Parse(response.Body)!, query);
    }

    public async Task<SearchIndexInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var count = JsonNode.Parse((await SendAsync(HttpMethod.GET, $"/{IndexName}/_count", null, cancellationToken)).Body)!;
        var stats = JsonNode.Parse((await SendAsync(HttpMethod.GET, $"/{IndexName}/_stats/store", null, cancellationToken)).Body)!;
        var size = stats["_all"]?["primaries"]?["store"]?["size_in_bytes"]?.GetValue<long>();
        var node = client.ElasticsearchClientSettings.NodePool.Nodes.FirstOrDefault()?.Uri;
        return new SearchIndexInfo("Elasticsearch", $"{node}{IndexName}", count["count"]!.GetValue<long>(), size);
    }

    private static void CheckBulk(StringResponse response)
    {
        var body = JsonNode.Parse(response.Body)!;
        if (body["errors"]?.GetValue<bool>() != true)
        {
            return;
        }

        var first = body["items"]!.AsArray()
            .Select(i => i!.AsObject().First().Value)
            .FirstOrDefault(i => i?["error"] is not null && i["status"]?.GetValue<int>() != 404);
        if (first is not null)
        {
            throw new SearchEngineException($"Elasticsearch refused a bulk item: {first["error"]?["type"]} {first["error"]?["reason"]}");
        }
    }

    private async Task<StringResponse> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken, bool allow404 = false)
    {
        StringResponse response;
        try
        {
            response = await client.Transport.RequestAsync<StringResponse>(
                method, path, body is null ? null : PostData.String(body), cancellationToken: cancellationToken);
        }
        catch (TransportException e)
        {
            throw new SearchEngineException($"Elasticsearch at {IndexName} cannot be reached: {e.Message}", e);
        }

        var status = response.ApiCallDetails.HttpStatusCode;
        if (response.ApiCallDetails.HasSuccessfulStatusCode || (allow404 && status == 404))
        {
            return response;
        }

        throw new SearchEngineException(status is null
            ? $"Elasticsearch cannot be reached: {response.ApiCallDetails.OriginalException?.Message}"
            : $"Elasticsearch answered {status} to {method} {path}: {Clip(response.Body)}");
    }

    private static string Clip(string? text) => text is null ? string.Empty : text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>The JSON CityEye sends to Elasticsearch (index, bulk, search) and how it reads the answers.</summary>
public static class ElasticsearchRequests
{
    private const int FacetSize = 200;
    private const int MaxPrefixTerms = 256;

    /// <summary>Index settings and mappings: whitespace-analysed text, keywords, a geo point.</summary>
    public static JsonObject CreateIndex() => new()
    {
        ["settings"] = new JsonObject
        {
            ["number_of_shards"] = 1,
            ["number_of_replicas"] = 0,
            // Exports page through up to 50,000 hits of one search.
            ["max_result_window"] = 60_000,
            ["analysis"] = new JsonObject
            {
                ["analyzer"] = new JsonObject { ["cityeye_units"] = new JsonObject { ["type"] = "custom", ["tokenizer"] = "whitespace" } },
            },
        },
        ["mappings"] = new JsonObject
        {
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject
            {
                ["id"] = Keyword(),
                ["gbCode"] = Keyword(),
                ["keyboardCode"] = Keyword(),
                ["name"] = Keyword(),
                ["address"] = new JsonObject { ["type"] = "keyword", ["index"] = false, ["doc_values"] = false },
                ["text"] = Units(),
                ["py"] = Units(),
                ["ini"] = Units(),
                ["type"] = Keyword(),
                ["status"] = Keyword(),
                ["manufacturer"] = Keyword(),
                ["region"] = Keyword(),
                ["owner"] = Keyword(),
                ["org"] = Keyword(),
                ["group"] = Keyword(),
                ["grp"] = Keyword(),
                ["net"] = Keyword(),
                ["tag"] = Keyword(),
                ["attr"] = Keyword(),
                ["location"] = new JsonObject { ["type"] = "geo_point" },
                ["updated"] = new JsonObject { ["type"] = "date" },
            },
        },
    };

    /// <summary>One document's source.</summary>
    public static JsonObject Source(DeviceDocument d, PinyinReadings readings)
    {
        ArgumentNullException.ThrowIfNull(d);
        var text = new JsonArray(SearchText.Characters(d.Name));
        if (!string.IsNullOrEmpty(d.Address))
        {
            text.Add(SearchText.Characters(d.Address));
        }

        return new JsonObject
        {
            ["id"] = Id(d.Id),
            ["gbCode"] = d.GbCode,
            ["keyboardCode"] = d.KeyboardCode,
            ["name"] = d.Name,
            ["address"] = d.Address,
            ["text"] = text,
            ["py"] = new JsonArray([.. SearchText.PinyinVariants(d.Name, readings).Select(v => (JsonNode)v)]),
            ["ini"] = new JsonArray([.. SearchText.InitialVariants(d.Name, readings).Select(v => (JsonNode)v)]),
            ["type"] = d.Type,
            ["status"] = d.Status,
            ["manufacturer"] = d.Manufacturer,
            ["region"] = d.Region,
            ["owner"] = Id(d.OrganisationId),
            ["org"] = Ids(d.OrganisationPath.Append(d.OrganisationId)),
            ["group"] = d.BusinessGroupId is { } g ? Id(g) : null,
            ["grp"] = d.BusinessGroupId is { } group ? Ids(d.BusinessGroupPath.Append(group)) : Ids([0]),
            ["net"] = d.NetworkingLevel,
            ["tag"] = Ids(d.TagIds),
            ["attr"] = new JsonArray([.. d.Attributes.Select(a => (JsonNode)DeviceDocument.AttributeTerm(a.Key, a.Value))]),
            ["location"] = new JsonObject { ["lat"] = d.Latitude, ["lon"] = d.Longitude },
            ["updated"] = d.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>NDJSON of index actions (ids as document ids, so an upsert replaces).</summary>
    public static string BulkIndex(IReadOnlyList<DeviceDocument> documents, PinyinReadings readings)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var body = new StringBuilder();
        foreach (var d in documents)
        {
            body.Append(new JsonObject { ["index"] = new JsonObject { ["_id"] = Id(d.Id) } }.ToJsonString()).Append('\n');
            body.Append(Source(d, readings).ToJsonString()).Append('\n');
        }

        return body.ToString();
    }

    public static string BulkDelete(IReadOnlyList<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var body = new StringBuilder();
        foreach (var id in ids)
        {
            body.Append(new JsonObject { ["delete"] = new JsonObject { ["_id"] = Id(id) } }.ToJsonString()).Append('\n');
        }

        return body.ToString();
    }

    /// <summary>The search body: the plan as span queries, filters, facets, sort and paging.</summary>
    public static JsonObject Search(DeviceSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var must = new JsonArray();
        foreach (var keyword in query.Plan.Keywords)
        {
            must.Add(Keyword(keyword));
        }

        if (must.Count == 0)
        {
            must.Add(new JsonObject { ["match_all"] = new JsonObject() });
        }

        var body = new JsonObject
        {
            ["from"] = query.Offset,
            ["size"] = query.Limit,
            ["track_total_hits"] = true,
            ["_source"] = new JsonArray("id", "name", "gbCode", "keyboardCode", "address", "type", "status", "owner", "location"),
            ["query"] = new JsonObject { ["bool"] = new JsonObject { ["must"] = must, ["filter"] = Filters(query) } },
            ["sort"] = Sort(query),
        };
        if (query.Facets.Count > 0)
        {
            var aggregations = new JsonObject();
            foreach (var facet in query.Facets.Distinct())
            {
                aggregations[facet] = new JsonObject { ["terms"] = new JsonObject { ["field"] = FacetField(facet), ["size"] = FacetSize } };
            }

            body["aggs"] = aggregations;
        }

        return body;
    }

    public static DeviceSearchResult ReadSearch(JsonNode response, DeviceSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(query);
        var hits = response["hits"] ?? throw new SearchEngineException("Elasticsearch answered a search without hits.");
        var total = hits["total"]?["value"]?.GetValue<long>() ?? 0;
        var items = hits["hits"]!.AsArray().Select(h =>
        {
            var s = h!["_source"]!;
            return new DeviceHit(
                long.Parse(s["id"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                s["name"]!.GetValue<string>(),
                s["gbCode"]!.GetValue<string>(),
                s["keyboardCode"]!.GetValue<string>(),
                s["address"]?.GetValue<string>(),
                s["type"]!.GetValue<string>(),
                s["status"]!.GetValue<string>(),
                long.Parse(s["owner"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                s["location"]!["lon"]!.GetValue<double>(),
                s["location"]!["lat"]!.GetValue<double>());
        }).ToList();
        var facets = query.Facets.Distinct().ToDictionary(
            f => f,
            f => (IReadOnlyList<FacetCount>)[.. (response["aggregations"]?[f]?["buckets"]?.AsArray() ?? [])
                .Select(b => new FacetCount(b!["key"]!.ToString(), b["doc_count"]!.GetValue<long>()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)]);
        return new DeviceSearchResult(total, items, facets);
    }

    private static JsonObject Keyword(KeywordPlan keyword)
    {
        var should = new JsonArray();
        if (keyword.TextPhrase is { } text)
        {
            should.Add(Phrase("text", text));
        }

        if (keyword.InitialsPhrase is { } initials)
        {
            var withHan = new JsonArray { Phrase("ini", initials) };
            foreach (var han in keyword.HanPhrases)
            {
                withHan.Add(Phrase("text", han));
            }

            should.Add(new JsonObject { ["bool"] = new JsonObject { ["must"] = withHan } });
        }

        if (keyword.PinyinPhrases.Count > 0)
        {
            var both = new JsonArray { new JsonObject { ["bool"] = new JsonObject { ["should"] = new JsonArray([.. keyword.PinyinPhrases.Select(p => (JsonNode)Phrase("py", p))]) } } };
            foreach (var han in keyword.HanPhrases)
            {
                both.Add(Phrase("text", han));
            }

            should.Add(new JsonObject { ["bool"] = new JsonObject { ["must"] = both } });
        }

        if (keyword.CodePrefix is { } code)
        {
            should.Add(new JsonObject { ["prefix"] = new JsonObject { ["gbCode"] = new JsonObject { ["value"] = code, ["boost"] = 2 } } });
            should.Add(new JsonObject { ["prefix"] = new JsonObject { ["keyboardCode"] = new JsonObject { ["value"] = code, ["boost"] = 2 } } });
        }

        return new JsonObject { ["bool"] = new JsonObject { ["should"] = should, ["minimum_should_match"] = 1 } };
    }

    /// <summary>Consecutive positions as span_near (slop 0, in order) of span_or(span_term…, span_multi prefix).</summary>
    private static JsonObject Phrase(string field, PhrasePlan phrase)
    {
        var clauses = new JsonArray();
        foreach (var position in phrase.Positions)
        {
            var alternatives = new JsonArray([.. position.Terms.Select(t => (JsonNode)new JsonObject { ["span_term"] = new JsonObject { [field] = t } })]);
            if (position.Prefix is { } prefix)
            {
                alternatives.Add(new JsonObject
                {
                    ["span_multi"] = new JsonObject
                    {
                        ["match"] = new JsonObject { ["prefix"] = new JsonObject { [field] = new JsonObject { ["value"] = prefix, ["rewrite"] = $"top_terms_{MaxPrefixTerms}" } } },
                    },
                });
            }

            clauses.Add(alternatives.Count == 1 ? alternatives[0]!.DeepClone() : new JsonObject { ["span_or"] = new JsonObject { ["clauses"] = alternatives } });
        }

        return new JsonObject { ["span_near"] = new JsonObject { ["clauses"] = clauses, ["slop"] = 0, ["in_order"] = true } };
    }

    private static JsonArray Filters(DeviceSearchQuery query)
    {
        var filters = new JsonArray();
        if (!query.Scope.IsAll)
        {
            // Owned by one of the organisations, or one of the single devices of the caller's device roles.
            var owners = Terms("owner", query.Scope.OrganisationIds.Select(Id));
            filters.Add(query.Scope.DeviceIds.Count == 0
                ? owners
                : new JsonObject { ["bool"] = new JsonObject { ["should"] = new JsonArray(owners, Terms("id", query.Scope.DeviceIds.Select(Id))), ["minimum_should_match"] = 1 } });
        }

        void AnyOf(string field, IEnumerable<string> values)
        {
            var list = values.Distinct(StringComparer.Ordinal).ToList();
            if (list.Count > 0)
            {
                filters.Add(Terms(field, list));
            }
        }

        AnyOf("type", query.Types);
        AnyOf("status", query.Statuses);
        AnyOf("manufacturer", query.Manufacturers);
        AnyOf("region", query.Regions);
        AnyOf("net", query.NetworkingLevels);
        AnyOf("org", query.OrganisationIds.Select(Id));
        AnyOf("grp", query.BusinessGroupIds.Select(Id));
        foreach (var tag in query.TagIds.Distinct())
        {
            // Tags: every one must match, unlike the other filters.
            filters.Add(Terms("tag", [Id(tag)]));
        }

        foreach (var (key, values) in query.Attributes)
        {
            AnyOf("attr", values.Select(v => DeviceDocument.AttributeTerm(key, v)));
        }
        switch (query.Area)
        {
            case GeoRectangle r:
                filters.Add(new JsonObject
                {
                    ["geo_bounding_box"] = new JsonObject
                    {
                        ["location"] = new JsonObject
                        {
                            ["top_left"] = new JsonObject { ["lat"] = r.North, ["lon"] = r.West },
                            ["bottom_right"] = new JsonObject { ["lat"] = r.South, ["lon"] = r.East },
                        },
                    },
                });
                break;
            case GeoCircle c:
                filters.Add(new JsonObject
                {
                    ["geo_distance"] = new JsonObject
                    {
                        ["distance"] = c.RadiusMetres.ToString("0.###", CultureInfo.InvariantCulture) + "m",
                        ["location"] = new JsonObject { ["lat"] = c.Latitude, ["lon"] = c.Longitude },
                    },
                });
                break;
            case GeoPolygon p:
                var ring = p.Ring.Select(pt => (JsonNode)new JsonArray(pt.Longitude, pt.Latitude)).ToList();
                if (p.Ring[0] != p.Ring[^1])
                {
                    ring.Add(new JsonArray(p.Ring[0].Longitude, p.Ring[0].Latitude));
                }

                filters.Add(new JsonObject
                {
                    ["geo_shape"] = new JsonObject
                    {
                        ["location"] = new JsonObject
                        {
                            ["relation"] = "intersects",
                            ["shape"] = new JsonObject { ["type"] = "polygon", ["coordinates"] = new JsonArray(new JsonArray([.. ring])) },
                        },
                    },
                });
                break;
        }

        return filters;
    }

    private static JsonArray Sort(DeviceSearchQuery query) => query.Sort switch
    {
        DeviceSort.Relevance when query.Plan.Keywords.Count > 0 => [new JsonObject { ["_score"] = "desc" }, new JsonObject { ["name"] = "asc" }],
        DeviceSort.GbCode => [new JsonObject { ["gbCode"] = "asc" }],
        DeviceSort.UpdatedDesc => [new JsonObject { ["updated"] = "desc" }, new JsonObject { ["name"] = "asc" }],
        _ => [new JsonObject { ["name"] = "asc" }],
    };

    private static string FacetField(string facet) => facet switch
    {
        DeviceFacets.Organisation => "owner",
        DeviceFacets.BusinessGroup => "group",
        DeviceFacets.NetworkingLevel => "net",
        DeviceFacets.Tag => "tag",
        _ => facet,
    };

    private static JsonObject Terms(string field, IEnumerable<string> values) =>
        new() { ["terms"] = new JsonObject { [field] = new JsonArray([.. values.Select(v => (JsonNode)v)]) } };

    private static JsonObject Keyword() => new() { ["type"] = "keyword" };

    private static JsonObject Units() => new() { ["type"] = "text", ["analyzer"] = "cityeye_units", ["position_increment_gap"] = 100 };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static JsonArray Ids(IEnumerable<long> ids) => new([.. ids.Distinct().Select(i => (JsonNode)Id(i))]);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using CityEye.Core.Captures;

namespace CityEye.VectorSearch.Milvus;

/// <summary>
/// The vector index on Milvus 2.5+ over its RESTful API v2: one collection per capture type
/// (<c>{prefix}face</c>, …) with fields <c>id</c> (Int64 primary key, the capture id), <c>vector</c> (FloatVector of
/// the type's dimension, HNSW index, COSINE), <c>time</c> (Int64, epoch ms) and <c>device</c> (Int64, device id); one
/// partition per UTC day (<c>d20261127</c>), so a time range searches only its days and retention drops whole days.
/// Adds are upserts (idempotent by id); filters go as templated expressions with <c>exprParams</c>, never as text
/// built from values.
/// </summary>
public sealed class MilvusVectorIndex(MilvusRestClient client, VectorOptions options) : IVectorIndex
{
    /// <summary>Rows per upsert request (a few MB of JSON at 1,024 dimensions).</summary>
    public const int BatchSize = 500;

    /// <summary>Milvus's largest topK.</summary>
    public const int MaxLimit = 16_384;

    private readonly ConcurrentDictionary<CaptureType, SortedSet<DateOnly>> _partitions = new();
    private readonly SemaphoreSlim _partitionLock = new(1, 1);

    public string Provider => "Milvus";

    public static string PartitionName(DateOnly day) => "d" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public string CollectionName(CaptureType type) => options.MilvusCollectionPrefix + type.ToString().ToLowerInvariant();

    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        foreach (var type in Enum.GetValues<CaptureType>())
        {
            var collection = CollectionName(type);
            var has = await client.CallAsync("collections/has", new JsonObject { ["collectionName"] = collection }, cancellationToken);
            if (has?["has"]?.GetValue<bool>() != true)
            {
                await client.CallAsync("collections/create", CreateRequest(type), cancellationToken);
            }
            else
            {
                await CheckDimensionAsync(type, cancellationToken);
            }

            await client.CallAsync("collections/load", new JsonObject { ["collectionName"] = collection }, cancellationToken);
            var names = await client.CallAsync("partitions/list", new JsonObject { ["collectionName"] = collection }, cancellationToken);
            var days = new SortedSet<DateOnly>();
            foreach (var name in names?.AsArray().Select(n => n?.GetValue<string>()) ?? [])
            {
                if (name is { Length: 9 } && name[0] == 'd' && DateOnly.TryParseExact(name[1..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    days.Add(day);
                }
            }

            _partitions[type] = days;
        }
    }

    public async Task<int> AddAsync(CaptureType type, IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        VectorChecks.Require(type, entries.Select(e => e.Vector), options.Dimensions(type));
        var added = 0;
        foreach (var day in entries.GroupBy(e => VectorChecks.DayOf(e.Time)).OrderBy(g => g.Key))
        {
            await EnsurePartitionAsync(type, day.Key, cancellationToken);
            foreach (var batch in day.DistinctBy(e => e.Id).Chunk(BatchSize))
            {
                var rows = new JsonArray();
                foreach (var entry in batch)
                {
                    rows.Add(new JsonObject
                    {
                        ["id"] = entry.Id,
                        ["vector"] = new JsonArray([.. entry.Vector.Select(v => (JsonNode)JsonValue.Create(v))]),
                        ["time"] = entry.Time.ToUnixTimeMilliseconds(),
                        ["device"] = entry.DeviceId,
                    });
                }

                var data = await client.CallAsync(
                    "entities/upsert",
                    new JsonObject { ["collectionName"] = CollectionName(type), ["partitionName"] = PartitionName(day.Key), ["data"] = rows },
                    cancellationToken);
                added += (int)MilvusRestClient.Int64Of(data?["upsertCount"]);
            }
        }

        return added;
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(VectorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        VectorChecks.Require(query.Type, [query.Vector], options.Dimensions(query.Type));
        if (query.DeviceIds is { Count: 0 })
        {
            return [];
        }

        var days = VectorChecks.DaysIn(query.From, query.Until, Partitions(query.Type)).ToList();
        if (days.Count == 0)
        {
            return [];
        }

        var (filter, parameters) = Filter(query);
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var body = new JsonObject
        {
            ["collectionName"] = CollectionName(query.Type),
            ["annsField"] = "vector",
            ["data"] = new JsonArray(new JsonArray([.. query.Vector.Select(v => (JsonNode)JsonValue.Create(v))])),
            ["limit"] = limit,
            ["outputFields"] = new JsonArray("time", "device"),
            ["searchParams"] = new JsonObject { ["metricType"] = "COSINE", ["params"] = new JsonObject { ["ef"] = Math.Max(limit, options.ExpansionSearch) } },
            ["consistencyLevel"] = options.MilvusConsistency,
        };
        if (query.From is not null || query.Until is not null)
        {
            body["partitionNames"] = new JsonArray([.. days.Select(d => (JsonNode)JsonValue.Create(PartitionName(d)))]);
        }

        if (filter.Length > 0)
        {
            body["filter"] = filter;
            body["exprParams"] = parameters;
        }

        var data = await client.CallAsync("entities/search", body, cancellationToken);
        var hits = new List<VectorHit>();
        foreach (var row in data?.AsArray() ?? [])
        {
            var similarity = (float)row!["distance"]!.GetValue<double>();
            if (similarity >= query.MinSimilarity)
            {
                hits.Add(new VectorHit(
                    MilvusRestClient.Int64Of(row["id"]),
                    similarity,
                    DateTimeOffset.FromUnixTimeMilliseconds(MilvusRestClient.Int64Of(row["time"])),
                    MilvusRestClient.Int64Of(row["device"])));
            }
        }

        return [.. hits.OrderByDescending(h => h.Similarity).ThenBy(h => h.Id)];
    }

    public async Task<int> RemoveAsync(CaptureType type, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var removed = 0;
        foreach (var batch in ids.Distinct().Chunk(BatchSize))
        {
            var idList = new JsonArray([.. batch.Select(id => (JsonNode)JsonValue.Create(id))]);
            var present = await client.CallAsync(
                "entities/query",
                new JsonObject
                {
                    ["collectionName"] = CollectionName(type),
                    ["filter"] = "id in {ids}",
                    ["exprParams"] = new JsonObject { ["ids"] = idList.DeepClone() },
                    ["outputFields"] = new JsonArray("id"),
                    ["limit"] = batch.Length,
                },
                cancellationToken);
            removed += present?.AsArray().Count ?? 0;
            await client.CallAsync(
                "entities/delete",
                new JsonObject { ["collectionName"] = CollectionName(type), ["filter"] = "id in {ids}", ["exprParams"] = new JsonObject { ["ids"] = idList } },
                cancellationToken);
        }

        return removed;
    }

    public async Task<IReadOnlyList<VectorDayCount>> CountByDayAsync(CaptureType type, CancellationToken cancellationToken)
    {
        var counts = new List<VectorDayCount>();
        foreach (var day in Partitions(type))
        {
            var data = await client.CallAsync(
                "entities/query",
                new JsonObject
                {
                    ["collectionName"] = CollectionName(type),
                    ["filter"] = string.Empty,
                    ["outputFields"] = new JsonArray("count(*)"),
                    ["partitionNames"] = new JsonArray(PartitionName(day)),
                },
                cancellationToken);
            var count = MilvusRestClient.Int64Of(data?.AsArray().FirstOrDefault()?["count(*)"]);
            if (count > 0)
            {
                counts.Add(new VectorDayCount(day, count));
            }
        }

        return counts;
    }

    public async Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        var dropped = 0;
        foreach (var type in Enum.GetValues<CaptureType>())
        {
            foreach (var day in Partitions(type).Where(d => d < cutoff).ToList())
            {
                var partition = PartitionName(day);
                await client.CallAsync("partitions/release", new JsonObject { ["collectionName"] = CollectionName(type), ["partitionNames"] = new JsonArray(partition) }, cancellationToken);
                await client.CallAsync("partitions/drop", new JsonObject { ["collectionName"] = CollectionName(type), ["partitionName"] = partition }, cancellationToken);
                lock (_partitions[type])
                {
                    _partitions[type].Remove(day);
                }

                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Milvus persists by itself; nothing to do.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<VectorIndexInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var vectors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var type in Enum.GetValues<CaptureType>())
        {
            vectors[CaptureColumnsName(type)] = (await CountByDayAsync(type, cancellationToken)).Sum(c => c.Count);
        }

        return new VectorIndexInfo(Provider, $"{client.Database}/{options.MilvusCollectionPrefix}*", vectors, 0);
    }

    public ValueTask DisposeAsync()
    {
        _partitionLock.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The filter expression (templated) and its parameters for a query's time range and devices.</summary>
    internal static (string Filter, JsonObject Parameters) Filter(VectorQuery query)
    {
        var clauses = new List<string>();
        var parameters = new JsonObject();
        if (query.From is { } from)
        {
            clauses.Add("time >= {from}");
            parameters["from"] = from.ToUnixTimeMilliseconds();
        }

        if (query.Until is { } until)
        {
            clauses.Add("time < {until}");
            parameters["until"] = until.ToUnixTimeMilliseconds();
        }

        if (query.DeviceIds is { } devices)
        {
            clauses.Add("device in {devices}");
            parameters["devices"] = new JsonArray([.. devices.Order().Select(d => (JsonNode)JsonValue.Create(d))]);
        }

        return (string.Join(" and ", clauses), parameters);
    }

    private static string CaptureColumnsName(CaptureType type) => type.ToString().ToLowerInvariant();

    private JsonObject CreateRequest(CaptureType type) => new()
    {
        ["collectionName"] = CollectionName(type),
        ["schema"] = new JsonObject
        {
            ["autoID"] = false,
            ["enableDynamicField"] = false,
            ["fields"] = new JsonArray(
                new JsonObject { ["fieldName"] = "id", ["dataType"] = "Int64", ["isPrimary"] = true },
                new JsonObject { ["fieldName"] = "vector", ["dataType"] = "FloatVector", ["elementTypeParams"] = new JsonObject { ["dim"] = options.Dimensions(type) } },
                new JsonObject { ["fieldName"] = "time", ["dataType"] = "Int64" },
                new JsonObject { ["fieldName"] = "device", ["dataType"] = "Int64" }),
        },
        ["indexParams"] = new JsonArray(new JsonObject
        {
            ["fieldName"] = "vector",
            ["indexName"] = "vector_hnsw",
            ["metricType"] = "COSINE",
            ["params"] = new JsonObject { ["index_type"] = "HNSW", ["M"] = options.Connectivity, ["efConstruction"] = options.ExpansionAdd },
        }),
        ["params"] = new JsonObject { ["consistencyLevel"] = options.MilvusConsistency },
    };

    private async Task CheckDimensionAsync(CaptureType type, CancellationToken cancellationToken)
    {
        var description = await client.CallAsync("collections/describe", new JsonObject { ["collectionName"] = CollectionName(type) }, cancellationToken);
        var vector = description?["fields"]?.AsArray().FirstOrDefault(f => f?["name"]?.GetValue<string>() == "vector");
        var dim = vector?["params"]?.AsArray().FirstOrDefault(p => p?["key"]?.GetValue<string>() == "dim")?["value"]?.ToString();
        if (dim is not null && dim != options.Dimensions(type).ToString(CultureInfo.InvariantCulture))
        {
            throw new VectorIndexException(
                $"Milvus collection {CollectionName(type)} has {dim}-dimensional vectors but Vectors:{type}Dimensions is {options.Dimensions(type)}; drop the collection or change the setting.");
        }
    }

    private List<DateOnly> Partitions(CaptureType type)
    {
        var days = _partitions.GetOrAdd(type, _ => []);
        lock (days)
        {
            return [.. days];
        }
    }

    private async Task EnsurePartitionAsync(CaptureType type, DateOnly day, CancellationToken cancellationToken)
    {
        if (Partitions(type).Contains(day))
        {
            return;
        }

        await _partitionLock.WaitAsync(cancellationToken);
        try
        {
            var days = _partitions.GetOrAdd(type, _ => []);
            if (Partitions(type).Contains(day))
            {
                return;
            }

            var request = new JsonObject { ["collectionName"] = CollectionName(type), ["partitionName"] = PartitionName(day) };
            var has = await client.CallAsync("partitions/has", request, cancellationToken);
            if (has?["has"]?.GetValue<bool>() != true)
            {
                await client.CallAsync("partitions/create", new JsonObject { ["collectionName"] = CollectionName(type), ["partitionName"] = PartitionName(day) }, cancellationToken);
                await client.CallAsync("partitions/load", new JsonObject { ["collectionName"] = CollectionName(type), ["partitionNames"] = new JsonArray(PartitionName(day)) }, cancellationToken);
            }

            lock (days)
            {
                days.Add(day);
            }
        }
        finally
        {
            _partitionLock.Release();
        }
    }
}

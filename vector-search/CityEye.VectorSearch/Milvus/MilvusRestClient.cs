using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityEye.VectorSearch.Milvus;

/// <summary>
/// Milvus's RESTful API v2 (<c>POST /v2/vectordb/…</c>, JSON in and out). Milvus answers most errors with HTTP 200
/// and a non-zero <c>code</c>; both kinds become a <see cref="VectorIndexException"/> naming the endpoint, the code
/// and Milvus's message. Int64 values are asked for as JSON numbers (<c>Accept-Type-Allow-Int64</c>) and read either
/// way.
/// </summary>
public sealed class MilvusRestClient(HttpClient http, Uri baseUrl, string? token, string database)
{
    /// <summary>Milvus's code for "collection not found".</summary>
    public const int CollectionNotFound = 100;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Database => database;

    /// <summary>Sends <paramref name="body"/> (with <c>dbName</c> added) to <paramref name="endpoint"/> and returns <c>data</c>.</summary>
    public async Task<JsonNode?> CallAsync(string endpoint, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var payload = new JsonObject { ["dbName"] = database };
        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            payload[key] = value;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/v2/vectordb/" + endpoint))
        {
            Content = new StringContent(payload.ToJsonString(Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("Accept-Type-Allow-Int64", "true");
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new VectorIndexException($"Milvus at {baseUrl} cannot be reached ({endpoint}): {e.Message}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? answer = null;
            try
            {
                answer = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }

            if (!response.IsSuccessStatusCode || answer is not JsonObject result)
            {
                throw new VectorIndexException($"Milvus answered {(int)response.StatusCode} to {endpoint}: {Shorten(text)}");
            }

            var code = result["code"]?.GetValue<int>() ?? 0;
            if (code != 0)
            {
                throw new VectorIndexException($"Milvus refused {endpoint} with code {code}: {result["message"]?.GetValue<string>()}") { EngineCode = code };
            }

            return result["data"];
        }
    }

    /// <summary>A JSON integer or a string holding one (Milvus sends either, depending on <c>Accept-Type-Allow-Int64</c>).</summary>
    public static long Int64Of(JsonNode? node) => node switch
    {
        null => 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<string>(out var s) => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v => (long)v.GetValue<double>(),
        _ => throw new VectorIndexException($"Milvus sent {node.ToJsonString()} where a number was expected."),
    };

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;
}

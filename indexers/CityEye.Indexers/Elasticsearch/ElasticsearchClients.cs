using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace CityEye.Indexers.Elasticsearch;

/// <summary>How to reach an Elasticsearch node: URL, and an API key or a user name and password (or neither).</summary>
public sealed record ElasticsearchConnection(Uri Url, string? ApiKey = null, string? Username = null, string? Password = null);

/// <summary>Builds the Elasticsearch client from a connection (and, for wire-level tests, a request invoker).</summary>
public static class ElasticsearchClients
{
    public static ElasticsearchClient Create(ElasticsearchConnection connection, IRequestInvoker? invoker = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var pool = new SingleNodePool(connection.Url);
        var settings = invoker is null ? new ElasticsearchClientSettings(pool) : new ElasticsearchClientSettings(pool, invoker);
        settings.RequestTimeout(TimeSpan.FromSeconds(30));
        if (!string.IsNullOrEmpty(connection.ApiKey))
        {
            settings.Authentication(new ApiKey(connection.ApiKey));
        }
        else if (!string.IsNullOrEmpty(connection.Username))
        {
            settings.Authentication(new BasicAuthentication(connection.Username, connection.Password ?? string.Empty));
        }

        return new ElasticsearchClient(settings);
    }
}

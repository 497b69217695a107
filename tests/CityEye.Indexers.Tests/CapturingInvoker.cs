using System.Text;
using Elastic.Transport;

namespace CityEye.Indexers.Tests;

/// <summary>A request as it would go on the wire to Elasticsearch.</summary>
internal sealed record CapturedRequest(string Method, string PathAndQuery, string? Body, string? Authorization);

/// <summary>Records every request the Elasticsearch client sends and answers each with a canned status and JSON body.</summary>
internal sealed class CapturingInvoker : IRequestInvoker
{
    private readonly Queue<(int Status, string Json)> _responses = new();

    public List<CapturedRequest> Requests { get; } = [];

    public ResponseFactory ResponseFactory { get; } = new InMemoryRequestInvoker().ResponseFactory;

    public void Enqueue(int status, string json) => _responses.Enqueue((status, json));

    public void Dispose()
    {
    }

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new()
        => RequestAsync<TResponse>(endpoint, boundConfiguration, postData, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new()
    {
        string? body = null;
        if (postData is not null)
        {
            using var buffer = new MemoryStream();
            await postData.WriteAsync(buffer, boundConfiguration.ConnectionSettings, false, cancellationToken);
            body = Encoding.UTF8.GetString(buffer.ToArray());
        }

        var authorization = boundConfiguration.AuthenticationHeader is { } header && header.TryGetAuthorizationParameters(out var value)
            ? $"{header.AuthScheme} {value}"
            : null;
        Requests.Add(new CapturedRequest(endpoint.Method.ToString().ToUpperInvariant(), endpoint.Uri.PathAndQuery, body, authorization));
        var (status, json) = _responses.Count > 0 ? _responses.Dequeue() : (200, "{}");
        var headers = new Dictionary<string, IEnumerable<string>> { ["x-elastic-product"] = ["Elasticsearch"] };
        return await new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(json), status, null, "application/json", headers)
            .RequestAsync<TResponse>(endpoint, boundConfiguration, postData, cancellationToken);
    }
}

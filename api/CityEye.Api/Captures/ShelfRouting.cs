using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Captures;

/// <summary>
/// The path of a shelf trajectory between consecutive places: along roads from an OSRM-compatible routing service
/// when <c>Captures:RoutingUrl</c> is set (one <c>/route/v1/driving/…</c> request per leg, GeoJSON geometry), and
/// straight lines when it is not set or does not answer (the response says which).
/// </summary>
internal sealed class ShelfRouting(IHttpClientFactory http, IOptions<CapturesOptions> options, ILogger<ShelfRouting> logger)
{
    public const string Client = "routing";
    private const int MaxRoutedLegs = 50;

    public async Task<(IReadOnlyList<IReadOnlyList<double[]>> Legs, bool Routed)> LegsAsync(IReadOnlyList<TrajectoryPoint> points, CancellationToken cancellationToken)
    {
        var straight = new List<IReadOnlyList<double[]>>();
        for (var i = 1; i < points.Count; i++)
        {
            straight.Add([[points[i - 1].Longitude, points[i - 1].Latitude], [points[i].Longitude, points[i].Latitude]]);
        }

        if (string.IsNullOrWhiteSpace(options.Value.RoutingUrl) || straight.Count == 0 || straight.Count > MaxRoutedLegs)
        {
            return (straight, false);
        }

        var client = http.CreateClient(Client);
        var routed = new List<IReadOnlyList<double[]>>(straight.Count);
        try
        {
            foreach (var leg in straight)
            {
                routed.Add(await RouteAsync(client, leg[0], leg[1], cancellationToken) ?? leg);
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The routing service at {Url} failed ({Reason}); drawing straight lines", options.Value.RoutingUrl, e.Message);
            return (straight, false);
        }

        return (routed, true);
    }

    private async Task<IReadOnlyList<double[]>?> RouteAsync(HttpClient client, double[] from, double[] to, CancellationToken cancellationToken)
    {
        var url = $"{options.Value.RoutingUrl!.TrimEnd('/')}/route/v1/driving/{Coordinate(from)};{Coordinate(to)}?overview=full&geometries=geojson";
        using var response = await client.GetAsync(new Uri(url), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (!document.RootElement.TryGetProperty("routes", out var routes) || routes.GetArrayLength() == 0)
        {
            return null;
        }

        var coordinates = routes[0].GetProperty("geometry").GetProperty("coordinates");
        var path = coordinates.EnumerateArray().Select(c => new[] { c[0].GetDouble(), c[1].GetDouble() }).ToList();
        return path.Count >= 2 ? path : null;
    }

    private static string Coordinate(double[] point) =>
        string.Create(CultureInfo.InvariantCulture, $"{point[0]:0.000000},{point[1]:0.000000}");
}

using System.Net.Http.Headers;
using System.Text.Json;

namespace CityEye.Vision;

/// <summary>
/// The HTTP contract of the model service (the local Node one or a vendor's algorithm service): <c>POST /detect</c>
/// and <c>POST /embed-face</c> with the image as the body (<c>image/jpeg</c>), <c>GET /health</c>.
/// </summary>
public sealed class ModelServiceClient(HttpClient http, Func<Uri?> address)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Where the service listens now (null while the local one is starting).</summary>
    public Uri? BaseUrl => address();

    public Task<ServiceDetection> DetectAsync(byte[] jpeg, CancellationToken cancellationToken) => PostAsync<ServiceDetection>("/detect", jpeg, cancellationToken);

    public Task<ServiceFace> EmbedFaceAsync(byte[] jpeg, CancellationToken cancellationToken) => PostAsync<ServiceFace>("/embed-face", jpeg, cancellationToken);

    /// <summary>The service's health answer, or null when it does not answer.</summary>
    public async Task<JsonElement?> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (address() is not { } baseUrl)
            {
                return null;
            }

            using var response = await http.GetAsync(new Uri(baseUrl, "/health"), cancellationToken);
            return response.IsSuccessStatusCode ? await JsonSerializer.DeserializeAsync<JsonElement>(await response.Content.ReadAsStreamAsync(cancellationToken), Json, cancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<T> PostAsync<T>(string path, byte[] jpeg, CancellationToken cancellationToken)
    {
        var baseUrl = address() ?? throw new ModelsUnavailableException("The model service is starting.");
        using var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri(baseUrl, path), content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ModelsUnavailableException($"The model service at {baseUrl} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelsUnavailableException($"The model service at {baseUrl} did not answer in time.", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode == 415)
            {
                throw new UnusableImageException("The model service cannot read the image.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ModelsUnavailableException($"The model service answered {(int)response.StatusCode} to {path}: {(text.Length > 200 ? text[..200] : text)}");
            }

            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new ModelsUnavailableException($"The model service sent no answer to {path}.");
        }
    }
}

public sealed record ServiceBox(int X, int Y, int Width, int Height);

public sealed record ServiceFace(ServiceBox? Box, double Score, float[] Embedding, string? Gender, double GenderScore, double Age, string? Source);

public sealed record ServiceObject(string Label, ServiceBox Box, double Score);

public sealed record ServiceDetection(int Width, int Height, IReadOnlyList<ServiceFace> Faces, IReadOnlyList<ServiceObject> Objects, int Ms);

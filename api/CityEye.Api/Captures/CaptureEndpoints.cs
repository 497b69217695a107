using System.Text.Json;
using CityEye.Analytics.Captures;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Captures;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using CityEye.VectorSearch;
using CityEye.Vision;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Captures;

/// <summary>
/// Captures: the ingest API of the intelligent video system (IN-3), listing and attribute/plate search (VC-2, VC-4,
/// VC-5), images, and search by image (VC-1, VC-3). Every read is limited to the caller's device scope on the
/// server; every call is in the operation log.
/// </summary>
internal static class CaptureEndpoints
{
    public const string ImageClient = "capture-images";

    /// <summary>Named float literals are read so that a NaN in a vector is that capture's error, not the whole batch's.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString | System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static RouteGroupBuilder MapCaptureEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Captures");

        group.MapPost("/captures", IngestAsync)
            .RequirePermission(Permissions.CapturesIngest)
            .WithName("Captures_Ingest")
            .WithSummary("Ingests a batch of face, body and vehicle captures (at most Captures:MaxBatch): checked one by one, each accepted, duplicate (same source and sourceId as before) or rejected with its violations; accepted captures are durable when the answer arrives. 429 with Retry-After when the node is behind.")
            .Accepts<CaptureBatchRequest>("application/json")
            .Produces<CaptureBatchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/captures", SearchAsync)
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_Search")
            .WithSummary("Captures by type, time range, region (devices, unit, map polygon), attributes, plate (exact, prefix, fuzzy; with or without province), data source or person; newest first.")
            .ProducesValidationProblem();

        group.MapGet("/captures/{id:long}", GetAsync)
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_Get")
            .WithSummary("One capture with its device and position.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/captures/{id:long}/image", (long id, Caller caller, ICaptureStore store, DeviceStore devices, BlobStore blobs, IHttpClientFactory http, CancellationToken ct) => ImageAsync(id, scene: false, caller, store, devices, blobs, http, ct))
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_Image")
            .WithSummary("The target crop of a capture (JPEG or PNG).")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/captures/{id:long}/scene", (long id, Caller caller, ICaptureStore store, DeviceStore devices, BlobStore blobs, IHttpClientFactory http, CancellationToken ct) => ImageAsync(id, scene: true, caller, store, devices, blobs, http, ct))
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_Scene")
            .WithSummary("The scene image of a capture (JPEG or PNG).")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/search/image", SearchByImageAsync)
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_SearchByImage")
            .WithSummary("Searches captures of one type by image: JSON { captureId, … } uses a capture already in the system; multipart/form-data with field image (JPEG/PNG), type, optional box (x,y,width,height) and the same filters as form fields uses an uploaded photo (the largest target of the type when no box is given). Most similar first above the threshold, within the time range and region, with the hits grouped by device for the trajectory.")
            .Accepts<ImageSearchRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .Produces<ImageSearchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/captures/{id:long}/co-travellers", CoTravellersAsync)
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_CoTravellers")
            .WithSummary("The persons seen with the person of this capture (VC-17): captured at the same device within ±windowSeconds of one of the person's captures at least minTimes times, most often first, every co-occurrence listed; within the caller's devices.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/detect", DetectAsync)
            .RequirePermission(Permissions.CapturesView)
            .WithName("Captures_Detect")
            .WithSummary("Finds every face, body (person) and vehicle in an uploaded photo (multipart field image, JPEG or PNG) with its box, score and attributes (face: gender, age group; body: clothing colours; vehicle: colour, type, plate). A photo with no person or vehicle has no targets.")
            .Accepts<DetectUpload>("multipart/form-data")
            .DisableAntiforgery()
            .Produces<DetectResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    private static async Task<Results<Ok<CaptureBatchResponse>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        HttpContext context, Caller caller, CaptureIngest ingest, IOptions<CapturesOptions> options, CancellationToken cancellationToken)
    {
        if (!ingest.TryEnter())
        {
            return Problems.TooManyRequests(context, ingest.RetryAfterSeconds(), ErrorCodes.CaptureIngestBusy);
        }

        try
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = options.Value.MaxBodyMegabytes * 1024L * 1024L;
            }

            CaptureBatchRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<CaptureBatchRequest>(context.Request.Body, Json, cancellationToken);
            }
            catch (JsonException)
            {
                return Problems.Validation([new Violation("body", ErrorCodes.MalformedBody)]);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, ErrorCodes.RequestTooLarge, new Dictionary<string, object?> { ["max"] = options.Value.MaxBodyMegabytes });
            }

            var violations = new List<Violation>();
            if (!CaptureIngest.IsSourceName(request?.Source))
            {
                violations.Add(new Violation("source", string.IsNullOrEmpty(request?.Source) ? ErrorCodes.Required : ErrorCodes.Format));
            }

            if (request?.Captures is not { Count: > 0 } captures)
            {
                violations.Add(new Violation("captures", ErrorCodes.Required));
            }
            else if (captures.Count > options.Value.MaxBatch)
            {
                violations.Add(new Violation("captures", ErrorCodes.CaptureTooManyInBatch, new Dictionary<string, object?> { ["max"] = options.Value.MaxBatch }));
            }

            if (violations.Count > 0)
            {
                return Problems.Validation(violations);
            }

            if (ingest.IsFull(request!.Captures!.Count))
            {
                var seconds = ingest.RetryAfterSeconds();
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problems.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.CaptureIngestBusy, new Dictionary<string, object?> { ["count"] = ingest.Backlog, ["seconds"] = seconds });
            }

            return TypedResults.Ok(await ingest.IngestAsync(request.Source!, request.Captures!, caller.DeviceScope, cancellationToken));
        }
        finally
        {
            ingest.Exit();
        }
    }

    private static async Task<Results<Ok<CapturePageResponse>, ValidationProblem>> SearchAsync(
        [AsParameters] CaptureSearchRequest request, HttpContext context, Caller caller, ICaptureStore store, CaptureRegions regions, DeviceStore devices, SearchHistoryStore history, CancellationToken cancellationToken)
    {
        var deviceIds = await regions.ResolveAsync(caller.DeviceScope, request.DeviceIds, request.OrganisationId, request.Polygon, cancellationToken);
        var page = await store.QueryCapturesAsync(
            new CaptureQuery
            {
                Type = request.CaptureType,
                From = request.From,
                Until = request.To,
                DeviceIds = deviceIds?.ToList(),
                Attributes = request.AttributeFilters().ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal),
                Source = string.IsNullOrEmpty(request.Source) ? null : request.Source,
                Plate = string.IsNullOrEmpty(request.Plate) ? null : request.Plate,
                PlateMatchMode = request.PlateMatch switch { "prefix" => PlateMatch.Prefix, "fuzzy" => PlateMatch.Fuzzy, _ => PlateMatch.Exact },
                PersonId = request.PersonId,
                OldestFirst = request.Order == "oldest",
                Offset = (request.Page - 1) * request.PageSize,
                Limit = request.PageSize,
            },
            cancellationToken);
        if (request.Remember)
        {
            var kept = context.Request.Query.Where(q => q.Key is not ("remember" or "page" or "pageSize") && !string.IsNullOrEmpty(q.Value)).ToList();
            await history.AddAsync(
                caller.User.Username,
                new SearchHistoryEntry
                {
                    Kind = request.CaptureType == CaptureType.Vehicle ? "vehicle" : "attributes",
                    Summary = string.Join(" · ", kept.Select(q => $"{q.Key}={q.Value}")),
                    Request = JsonSerializer.Serialize(kept.ToDictionary(q => q.Key, q => q.Value.ToString())),
                    Results = (int)Math.Min(page.Total, int.MaxValue),
                },
                cancellationToken);
        }

        return TypedResults.Ok(new CapturePageResponse(page.Total, await DescribeAsync(page.Items, devices, cancellationToken)));
    }

    private static async Task<Results<Ok<CaptureResponse>, ProblemHttpResult>> GetAsync(long id, Caller caller, ICaptureStore store, DeviceStore devices, CancellationToken cancellationToken)
    {
        var capture = await VisibleAsync(id, caller, store, devices, cancellationToken);
        return capture is null
            ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            : TypedResults.Ok((await DescribeAsync([capture], devices, cancellationToken))[0]);
    }

    private static async Task<IResult> ImageAsync(long id, bool scene, Caller caller, ICaptureStore store, DeviceStore devices, BlobStore blobs, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        var capture = await VisibleAsync(id, caller, store, devices, cancellationToken);
        var reference = scene ? capture?.SceneImage : capture?.CropImage;
        if (reference is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (blobs.PathOf(reference) is { } path)
        {
            return TypedResults.PhysicalFile(path, path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg", enableRangeProcessing: false);
        }

        if (Uri.TryCreate(reference, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            // Production: the image stays in the source system; the node fetches it for the browser, which may not reach it.
            try
            {
                using var response = await http.CreateClient(ImageClient).GetAsync(url, cancellationToken);
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.IsSuccessStatusCode && ImageProbe.Read(bytes) is { } header)
                {
                    return TypedResults.File(bytes, header.ContentType);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
    }

    private static async Task<Results<Ok<ImageSearchResponse>, ValidationProblem, ProblemHttpResult>> SearchByImageAsync(
        HttpContext context, Caller caller, ICaptureStore store, IVectorIndex index, CaptureRegions regions, DeviceStore devices, IFeatureExtractor extractor,
        SearchHistoryStore history, BlobStore blobs, IOptions<CapturesOptions> options, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            ImageSearchRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<ImageSearchRequest>(context.Request.Body, Json, cancellationToken);
            }
            catch (JsonException)
            {
                return Problems.Validation([new Violation("body", ErrorCodes.MalformedBody)]);
            }

            var byCapture = await SearchByCaptureAsync(body ?? new ImageSearchRequest(), caller, store, index, regions, devices, cancellationToken);
            if (body is { Remember: true } && byCapture.Result is Ok<ImageSearchResponse> found)
            {
                await RememberAsync(history, caller, body, body.Type ?? found.Value!.Type, null, null, found.Value!.Items.Count, cancellationToken);
            }

            return byCapture;
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var (request, type, box, problems) = ImageSearchForm.Read(form);
        var image = await UploadAsync(form.Files.GetFile("image"), options.Value, problems, cancellationToken);
        if (type is null)
        {
            problems.Add(new Violation("type", ErrorCodes.Required));
        }

        if (problems.Count > 0)
        {
            return Problems.Validation(problems);
        }

        float[] vector;
        try
        {
            if (box is null)
            {
                var targets = await extractor.DetectAsync(image!, cancellationToken);
                var best = targets.Where(t => t.Type == type).MaxBy(t => t.Box.Width * t.Box.Height);
                if (best is null)
                {
                    return Problems.Validation("image", ErrorCodes.CaptureNoTarget, new Dictionary<string, object?> { ["type"] = type!.Value.ToString().ToLowerInvariant() });
                }

                vector = best.Vector;
            }
            else
            {
                vector = (await extractor.DescribeAsync(image!, type!.Value, box, cancellationToken)).Vector;
            }
        }
        catch (UnusableImageException)
        {
            return Problems.Validation("image", ErrorCodes.CaptureImageInvalid);
        }

        var response = await VectorSearchAsync(type!.Value, vector, request, caller, index, store, regions, devices, cancellationToken);
        if (request.Remember)
        {
            var reference = await blobs.PutAsync(image!, ImageProbe.Read(image!)?.ContentType == "image/png" ? ".png" : ".jpg", cancellationToken);
            await RememberAsync(history, caller, request, type!.Value, box, reference, response.Items.Count, cancellationToken);
        }

        return TypedResults.Ok(response);
    }

    private static Task<long> RememberAsync(SearchHistoryStore history, Caller caller, ImageSearchRequest request, CaptureType type, CaptureBox? box, string? image, int results, CancellationToken cancellationToken)
    {
        var typeName = type.ToString().ToLowerInvariant();
        var parameters = new Dictionary<string, object?>
        {
            ["type"] = typeName,
            ["captureId"] = request.CaptureId,
            ["box"] = box is null ? null : $"{box.X},{box.Y},{box.Width},{box.Height}",
            ["threshold"] = request.Threshold,
            ["from"] = request.From,
            ["to"] = request.To,
            ["deviceIds"] = request.DeviceIds,
            ["organisationId"] = request.OrganisationId,
            ["polygon"] = request.Polygon,
            ["limit"] = request.Limit,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
        return history.AddAsync(
            caller.User.Username,
            new SearchHistoryEntry
            {
                Kind = "image",
                Summary = string.Join(" · ", parameters.Select(p => $"{p.Key}={p.Value}")),
                Request = JsonSerializer.Serialize(parameters, Json),
                Image = image,
                Results = results,
            },
            cancellationToken);
    }

    private static async Task<Results<Ok<ImageSearchResponse>, ValidationProblem, ProblemHttpResult>> SearchByCaptureAsync(
        ImageSearchRequest request, Caller caller, ICaptureStore store, IVectorIndex index, CaptureRegions regions, DeviceStore devices, CancellationToken cancellationToken)
    {
        var problems = Check(request);
        if (request.CaptureId is null)
        {
            problems.Add(new Violation("captureId", ErrorCodes.Required));
        }

        if (problems.Count > 0)
        {
            return Problems.Validation(problems);
        }

        var capture = await VisibleAsync(request.CaptureId!.Value, caller, store, devices, cancellationToken);
        if (capture is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (await StoredVectorAsync(store, capture, cancellationToken) is not { } vector)
        {
            return Problems.Validation("captureId", ErrorCodes.CaptureNoVector);
        }

        return TypedResults.Ok(await VectorSearchAsync(capture.Type, vector, request, caller, index, store, regions, devices, cancellationToken));
    }

    private static async Task<Results<Ok<CoTravellersResponse>, ValidationProblem, ProblemHttpResult>> CoTravellersAsync(
        long id, [AsParameters] CoTravellerRequest request, Caller caller, ICaptureStore store, CaptureRegions regions, DeviceStore devices, CancellationToken cancellationToken)
    {
        var capture = await VisibleAsync(id, caller, store, devices, cancellationToken);
        if (capture is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (capture.PersonId <= 0)
        {
            return TypedResults.Ok(new CoTravellersResponse(0, []));
        }

        var scope = await regions.ResolveAsync(caller.DeviceScope, null, null, null, cancellationToken);
        var companions = await store.CoTravellersAsync(
            new CoTravellerQuery
            {
                PersonId = capture.PersonId,
                Type = capture.Type,
                From = request.From,
                Until = request.To,
                WindowSeconds = request.WindowSeconds,
                MinTimes = request.MinTimes,
                DeviceIds = scope?.ToList(),
                Limit = request.Limit,
            },
            cancellationToken);
        var ids = companions.SelectMany(c => c.Occurrences).SelectMany(o => new[] { o.TargetCaptureId, o.OtherCaptureId }).Distinct().Take(2_000).ToList();
        var described = (await DescribeAsync(await store.GetCapturesAsync(ids, cancellationToken), devices, cancellationToken)).ToDictionary(c => c.Id);
        return TypedResults.Ok(new CoTravellersResponse(capture.PersonId, [.. companions.Select(c => new CoTravellerResponse(
            c.PersonId,
            c.Times,
            [.. c.Occurrences.Select(o => new CoOccurrenceResponse(o.DeviceId, described.GetValueOrDefault(o.TargetCaptureId), described.GetValueOrDefault(o.OtherCaptureId), o.TargetCaptureId, o.OtherCaptureId, o.TargetTime, o.OtherTime))]))]));
    }

    private static async Task<Results<Ok<DetectResponse>, ValidationProblem>> DetectAsync(IFormFile? image, IFeatureExtractor extractor, IOptions<CapturesOptions> options, CancellationToken cancellationToken)
    {
        var problems = new List<Violation>();
        var bytes = await UploadAsync(image, options.Value, problems, cancellationToken);
        if (problems.Count > 0)
        {
            return Problems.Validation(problems);
        }

        try
        {
            var targets = await extractor.DetectAsync(bytes!, cancellationToken);
            return TypedResults.Ok(new DetectResponse([.. targets.Select(t => new DetectTarget(t.Type, t.Box, Math.Round(t.Score, 3), t.Attributes))]));
        }
        catch (UnusableImageException)
        {
            return Problems.Validation("image", ErrorCodes.CaptureImageInvalid);
        }
    }

    /// <summary>The bytes of an uploaded JPEG or PNG, or null with the problem added (missing, too large, not an image, a bomb).</summary>
    private static async Task<byte[]?> UploadAsync(IFormFile? file, CapturesOptions options, List<Violation> problems, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            problems.Add(new Violation("image", ErrorCodes.Required));
            return null;
        }

        if (file.Length > options.MaxImageMegabytes * 1024L * 1024L)
        {
            problems.Add(new Violation("image", ErrorCodes.CaptureImageTooLarge, new Dictionary<string, object?> { ["max"] = options.MaxImageMegabytes }));
            return null;
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (CaptureIngest.CheckImageBytes(bytes, options, out _) is { } problem)
        {
            problems.Add(new Violation("image", problem.Code, problem.Args));
            return null;
        }

        return bytes;
    }

    /// <summary>The vector search with the caller's scope and the request's region, joined with the captures.</summary>
    internal static async Task<ImageSearchResponse> VectorSearchAsync(
        CaptureType type, float[] vector, ImageSearchRequest request, Caller caller, IVectorIndex index, ICaptureStore store, CaptureRegions regions, DeviceStore devices, CancellationToken cancellationToken)
    {
        var deviceIds = await regions.ResolveAsync(caller.DeviceScope, request.DeviceIds, request.OrganisationId, request.Polygon, cancellationToken);
        IReadOnlyList<VectorHit> hits;
        try
        {
            hits = await index.SearchAsync(
                new VectorQuery { Type = type, Vector = vector, Limit = request.Limit, From = request.From, Until = request.To, DeviceIds = deviceIds, MinSimilarity = (float)request.Threshold },
                cancellationToken);
        }
        catch (VectorIndexException e)
        {
            throw new VectorsUnavailableException(e);
        }

        var captures = (await store.GetCapturesAsync([.. hits.Select(h => h.Id)], cancellationToken)).ToDictionary(c => c.Id);
        var described = (await DescribeAsync([.. captures.Values], devices, cancellationToken)).ToDictionary(c => c.Id);
        var items = hits.Select(h => new ImageSearchHit(h.Id, Math.Round(h.Similarity, 4), h.DeviceId, h.Time, described.GetValueOrDefault(h.Id))).ToList();
        var groups = items.GroupBy(h => h.DeviceId).Select(g =>
        {
            var first = g.Select(h => h.Capture).FirstOrDefault(c => c is not null);
            return new DeviceHitGroup(g.Key, first?.DeviceName, first?.Longitude, first?.Latitude, g.Count(), g.Max(h => h.Similarity), g.Min(h => h.Time), g.Max(h => h.Time));
        }).OrderBy(g => g.First).ToList();
        return new ImageSearchResponse(type, items, groups);
    }

    internal static List<Violation> Check(ImageSearchRequest request)
    {
        var problems = new List<Violation>();
        if (request.Threshold is < 0 or > 1 || double.IsNaN(request.Threshold))
        {
            problems.Add(new Violation("threshold", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 0, ["max"] = 1 }));
        }

        if (request.Limit is < 1 or > 1000)
        {
            problems.Add(new Violation("limit", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = 1000 }));
        }

        if (request.From is { } from && request.To is { } to && to <= from)
        {
            problems.Add(new Violation("to", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = from, ["max"] = null }));
        }

        if (CaptureRegions.ParseIds(request.DeviceIds) is null)
        {
            problems.Add(new Violation("deviceIds", ErrorCodes.Format));
        }

        if (CaptureRegions.ParsePolygon(request.Polygon) is null)
        {
            problems.Add(new Violation("polygon", ErrorCodes.Format));
        }

        return problems;
    }

    /// <summary>A capture when it exists and its device is inside the caller's scope; otherwise null (404, never 403).</summary>
    internal static async Task<Capture?> VisibleAsync(long id, Caller caller, ICaptureStore store, DeviceStore devices, CancellationToken cancellationToken)
    {
        var capture = await store.GetCapturesAsync([id], cancellationToken) is [var found, ..] ? found : null;
        if (capture is null || caller.DeviceScope.IsAll)
        {
            return capture;
        }

        var device = await devices.GetManyAsync([capture.DeviceId], cancellationToken) is [var known, ..] ? known : null;
        return device is not null && caller.DeviceScope.Includes(device.OrganisationId, device.Id) ? capture : null;
    }

    /// <summary>Captures with their device's name and position.</summary>
    internal static async Task<List<CaptureResponse>> DescribeAsync(IReadOnlyList<Capture> captures, DeviceStore devices, CancellationToken cancellationToken) =>
        Describe(captures, (await devices.GetManyAsync([.. captures.Select(c => c.DeviceId).Distinct()], cancellationToken)).ToDictionary(d => d.Id));

    /// <summary>The feature vector a capture was stored with (from the analytics store), or null when it has none.</summary>
    internal static async Task<float[]?> StoredVectorAsync(ICaptureStore store, Capture capture, CancellationToken cancellationToken) =>
        (await store.ReadCaptureVectorsAsync(capture.Type, capture.Id - 1, 1, CaptureColumns.DayOf(capture.Time.ToUnixTimeMilliseconds()), cancellationToken))
            .FirstOrDefault(v => v.Id == capture.Id)?.Vector;

    /// <summary>Captures with the name and position of their device among <paramref name="known"/>.</summary>
    internal static List<CaptureResponse> Describe(IReadOnlyList<Capture> captures, IReadOnlyDictionary<long, Core.Domain.Device> known) =>
        [.. captures.Select(c =>
        {
            var device = known.GetValueOrDefault(c.DeviceId);
            return new CaptureResponse(c.Id, c.Type, c.Source, c.SourceId, c.Time, c.DeviceId, c.DeviceCode, device?.Name, device?.Longitude, device?.Latitude, c.Box, c.Attributes, c.PersonId, c.SceneImage is not null);
        })];
}

/// <summary>The vector index failed; answered as 503 <c>vectors.unavailable</c>.</summary>
internal sealed class VectorsUnavailableException(Exception inner) : Exception("The vector index cannot be reached.", inner);

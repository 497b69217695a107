using System.ComponentModel.DataAnnotations;
using CityEye.Core.Captures;
using CityEye.Core.Validation;

namespace CityEye.Api.Captures;

/// <summary>
/// A batch of captures from the intelligent video system (IN-3). <c>source</c> names the sending system; each capture
/// is identified there by <c>sourceId</c>, and sending it again (a retry) is reported as a duplicate, never stored
/// twice.
/// </summary>
public sealed record CaptureBatchRequest
{
    /// <summary>The sending system (data source), e.g. <c>hik-ivs-01</c>: letters, digits, '-', '_', '.'.</summary>
    public string? Source { get; init; }

    public IReadOnlyList<CaptureIngestItem>? Captures { get; init; }
}

/// <summary>
/// One capture. The device by GB/T 28181 code (<c>deviceCode</c>) or node id (<c>deviceId</c>); the target crop
/// inline as base64 (<c>image</c>, JPEG or PNG) or as a URL of the source system (<c>imageUrl</c>); the scene likewise
/// (optional). <c>vector</c> is the feature vector when the source system computes it (dimension per type: see
/// <c>Vectors:*Dimensions</c>); without it the node's models compute one from an inline image.
/// </summary>
public sealed record CaptureIngestItem
{
    public string? SourceId { get; init; }

    public CaptureType? Type { get; init; }

    public DateTimeOffset? Time { get; init; }

    public string? DeviceCode { get; init; }

    public long? DeviceId { get; init; }

    public CaptureBox? Box { get; init; }

    public CaptureAttributes? Attributes { get; init; }

    public string? Image { get; init; }

    public string? ImageUrl { get; init; }

    public string? SceneImage { get; init; }

    public string? SceneImageUrl { get; init; }

    public float[]? Vector { get; init; }
}

/// <summary>What happened to each capture of a batch, in the order sent.</summary>
public sealed record CaptureBatchResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<CaptureIngestResult> Results);

/// <summary>
/// One capture's outcome: <c>accepted</c> (stored durably, with its node id), <c>duplicate</c> (the source id was
/// sent before; the id it got then) or <c>rejected</c> (nothing stored; <c>violations</c> say why, fields relative to
/// the capture).
/// </summary>
public sealed record CaptureIngestResult(
    int Index,
    string? SourceId,
    [property: AllowedValues("accepted", "duplicate", "rejected")] string Status,
    long? CaptureId,
    IReadOnlyList<Violation>? Violations);

/// <summary>A capture as the API shows it.</summary>
public sealed record CaptureResponse(
    long Id,
    CaptureType Type,
    string Source,
    string SourceId,
    DateTimeOffset Time,
    long DeviceId,
    string DeviceCode,
    string? DeviceName,
    double? Longitude,
    double? Latitude,
    CaptureBox? Box,
    CaptureAttributes Attributes,
    long PersonId,
    bool HasScene);

public sealed record CapturePageResponse(long Total, IReadOnlyList<CaptureResponse> Items);

/// <summary>
/// Which captures: type, time range (<c>to</c> exclusive), region (devices, an organisation and its sub-units, or a
/// polygon <c>lng,lat;lng,lat;…</c> drawn on the map), attributes, plate (exact, prefix or fuzzy; <c>?</c> and
/// <c>*</c> as wildcards), data source, person; newest first unless <c>order=oldest</c>.
/// </summary>
public sealed record CaptureSearchRequest(
    [property: AllowedValues(null, "", "face", "body", "vehicle")] string? Type = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    [property: MaxLength(2000)] string? DeviceIds = null,
    long? OrganisationId = null,
    [property: MaxLength(8000)] string? Polygon = null,
    [property: AllowedValues(null, "", "male", "female")] string? Gender = null,
    [property: MaxLength(32)] string? AgeGroup = null,
    [property: AllowedValues(null, "", "yes", "no")] string? Glasses = null,
    [property: AllowedValues(null, "", "yes", "no")] string? Mask = null,
    [property: MaxLength(32)] string? UpperColour = null,
    [property: MaxLength(32)] string? LowerColour = null,
    [property: AllowedValues(null, "", "yes", "no")] string? Backpack = null,
    [property: AllowedValues(null, "", "yes", "no")] string? Hat = null,
    [property: AllowedValues(null, "", "long", "short")] string? SleeveLength = null,
    [property: MaxLength(16)] string? Plate = null,
    [property: AllowedValues(null, "", "exact", "prefix", "fuzzy")] string? PlateMatch = null,
    [property: MaxLength(32)] string? PlateColour = null,
    [property: MaxLength(32)] string? VehicleColour = null,
    [property: MaxLength(32)] string? VehicleType = null,
    [property: MaxLength(64)] string? Brand = null,
    [property: MaxLength(64)] string? Source = null,
    long? PersonId = null,
    [property: AllowedValues(null, "", "newest", "oldest")] string? Order = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 50,
    bool Remember = false) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (From is { } from && To is { } to && to <= from)
        {
            yield return new CodedValidationResult(nameof(To), ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = from, ["max"] = null });
        }

        foreach (var (name, value) in AttributeFilters())
        {
            var known = CaptureVocabulary.Attributes.FirstOrDefault(a => a.Name == name).Values;
            if (known is not null && !known.Contains(value, StringComparer.Ordinal))
            {
                yield return new CodedValidationResult(char.ToUpperInvariant(name[0]) + name[1..], ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = value });
            }
        }

        if (Plate is { Length: > 0 } plate && !global::CityEye.Analytics.Captures.Plates.IsValidQuery(global::CityEye.Analytics.Captures.Plates.Normalise(plate)))
        {
            yield return new CodedValidationResult(nameof(Plate), ErrorCodes.Format);
        }

        if (CaptureRegions.ParseIds(DeviceIds) is null)
        {
            yield return new CodedValidationResult(nameof(DeviceIds), ErrorCodes.Format);
        }

        if (CaptureRegions.ParsePolygon(Polygon) is null)
        {
            yield return new CodedValidationResult(nameof(Polygon), ErrorCodes.Format);
        }
    }

    /// <summary>The capture type asked for, if any.</summary>
    internal CaptureType? CaptureType => Type switch
    {
        "face" => Core.Captures.CaptureType.Face,
        "body" => Core.Captures.CaptureType.Body,
        "vehicle" => Core.Captures.CaptureType.Vehicle,
        _ => null,
    };

    /// <summary>The attribute filters that are set (API name to value).</summary>
    internal IEnumerable<(string Name, string Value)> AttributeFilters()
    {
        (string, string?)[] all =
        [
            ("gender", Gender), ("ageGroup", AgeGroup), ("glasses", Glasses), ("mask", Mask), ("upperColour", UpperColour),
            ("lowerColour", LowerColour), ("backpack", Backpack), ("hat", Hat), ("sleeveLength", SleeveLength),
            ("plateColour", PlateColour), ("vehicleColour", VehicleColour), ("vehicleType", VehicleType), ("brand", Brand),
        ];
        return all.Where(a => !string.IsNullOrEmpty(a.Item2)).Select(a => (a.Item1, a.Item2!));
    }
}

/// <summary>
/// A search by image: a capture already in the system (<c>captureId</c>) or, as multipart, an uploaded image (field
/// <c>image</c>) with the target box to use. Type, threshold (0–1 cosine similarity), time range, region and how many.
/// </summary>
public sealed record ImageSearchRequest
{
    public long? CaptureId { get; init; }

    public CaptureType? Type { get; init; }

    [Range(0.0, 1.0)]
    public double Threshold { get; init; } = 0.5;

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    [MaxLength(2000)]
    public string? DeviceIds { get; init; }

    public long? OrganisationId { get; init; }

    [MaxLength(8000)]
    public string? Polygon { get; init; }

    [Range(1, 1000)]
    public int Limit { get; init; } = 100;

    /// <summary>Keep this search in the caller's latest searches.</summary>
    public bool Remember { get; init; }
}

/// <summary>One image-search hit: the capture, how similar (0–1), where and when.</summary>
public sealed record ImageSearchHit(long CaptureId, double Similarity, long DeviceId, DateTimeOffset Time, CaptureResponse? Capture);

/// <summary>Image-search hits, most similar first, with the captures grouped by device for the map.</summary>
public sealed record ImageSearchResponse(CaptureType Type, IReadOnlyList<ImageSearchHit> Items, IReadOnlyList<DeviceHitGroup> Devices);

/// <summary>The hits at one device: how many and the best similarity (the trajectory's stops).</summary>
public sealed record DeviceHitGroup(long DeviceId, string? DeviceName, double? Longitude, double? Latitude, int Count, double BestSimilarity, DateTimeOffset First, DateTimeOffset Last);

/// <summary>The multipart upload of <c>POST /api/detect</c>: field <c>image</c>, a JPEG or PNG.</summary>
public sealed record DetectUpload(IFormFile Image);

/// <summary>A target found in an uploaded photo.</summary>
public sealed record DetectTarget(CaptureType Type, CaptureBox Box, double Score, CaptureAttributes Attributes);

/// <summary>Every face, body and vehicle found, in no particular order.</summary>
public sealed record DetectResponse(IReadOnlyList<DetectTarget> Targets);

/// <summary>The form fields of a search by an uploaded image (multipart): the filters of <see cref="ImageSearchRequest"/> plus type and box.</summary>
internal static class ImageSearchForm
{
    public static (ImageSearchRequest Request, CaptureType? Type, CaptureBox? Box, List<Violation> Problems) Read(IFormCollection form)
    {
        var problems = new List<Violation>();
        CaptureType? type = form["type"].ToString() switch
        {
            "face" => CaptureType.Face,
            "body" => CaptureType.Body,
            "vehicle" => CaptureType.Vehicle,
            "" => null,
            _ => Invalid(problems, "type"),
        };
        CaptureBox? box = null;
        if (form["box"].ToString() is { Length: > 0 } boxText)
        {
            var parts = boxText.Split(',');
            if (parts.Length == 4 && parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                var values = parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                box = values[2] > 0 && values[3] > 0 ? new CaptureBox(values[0], values[1], values[2], values[3]) : null;
            }

            if (box is null)
            {
                problems.Add(new Violation("box", ErrorCodes.Format));
            }
        }

        var request = new ImageSearchRequest
        {
            Threshold = Number(form, "threshold", 0.5, problems),
            From = Time(form, "from", problems),
            To = Time(form, "to", problems),
            DeviceIds = NullIfEmpty(form["deviceIds"]),
            OrganisationId = form["organisationId"].ToString() is { Length: > 0 } unit
                ? long.TryParse(unit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : Invalid<long>(problems, "organisationId")
                : null,
            Polygon = NullIfEmpty(form["polygon"]),
            Limit = (int)Number(form, "limit", 100, problems),
            Remember = form["remember"].ToString() is "true" or "1",
        };
        problems.AddRange(CaptureEndpoints.Check(request));
        return (request, type, box, problems);
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;

    private static double Number(IFormCollection form, string name, double fallback, List<Violation> problems)
    {
        var text = form[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        problems.Add(new Violation(name, ErrorCodes.Format));
        return fallback;
    }

    private static DateTimeOffset? Time(IFormCollection form, string name, List<Violation> problems)
    {
        var text = form[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value) ? value : Invalid<DateTimeOffset>(problems, name);
    }

    private static T? Invalid<T>(List<Violation> problems, string field)
        where T : struct
    {
        problems.Add(new Violation(field, ErrorCodes.Format));
        return null;
    }

    private static CaptureType? Invalid(List<Violation> problems, string field) => Invalid<CaptureType>(problems, field);
}

/// <summary>Co-traveller query of a capture's person (VC-17): window in seconds (±), least times, time range, how many.</summary>
public sealed record CoTravellerRequest(
    [property: Range(5, 3600)] int WindowSeconds = 60,
    [property: Range(1, 100)] int MinTimes = 2,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    [property: Range(1, 200)] int Limit = 50);

/// <summary>One co-occurrence: the target's capture and the companion's capture at the same device.</summary>
public sealed record CoOccurrenceResponse(long DeviceId, CaptureResponse? Target, CaptureResponse? Other, long TargetCaptureId, long OtherCaptureId, DateTimeOffset TargetTime, DateTimeOffset OtherTime);

/// <summary>A companion: the person, how many of the target's captures it was beside, and every co-occurrence.</summary>
public sealed record CoTravellerResponse(long PersonId, int Times, IReadOnlyList<CoOccurrenceResponse> Occurrences);

/// <summary>The companions of the person a capture belongs to, most often first.</summary>
public sealed record CoTravellersResponse(long PersonId, IReadOnlyList<CoTravellerResponse> Items);

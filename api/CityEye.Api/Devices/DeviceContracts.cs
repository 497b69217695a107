using System.ComponentModel.DataAnnotations;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Domain;
using CityEye.Core.Validation;
using CityEye.Indexers;
using CityEye.Indexers.Query;

namespace CityEye.Api.Devices;

/// <summary>A device search (<c>GET /api/devices/search</c>): keywords, filters (values of one filter OR, filters AND), paging.</summary>
/// <param name="Q">Keywords separated by spaces, all required: Chinese, full pinyin, initials, mixed, keyboard code, GB code prefix.</param>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">Hits per page, 1 to 200.</param>
/// <param name="Type">Device types (repeat the parameter for several).</param>
/// <param name="Status">Statuses.</param>
/// <param name="Manufacturer">Manufacturers.</param>
/// <param name="Region">Administrative regions.</param>
/// <param name="NetworkingLevel">Networking levels.</param>
/// <param name="OrganisationId">Owning units, each with its sub-units.</param>
/// <param name="BusinessGroupId">Business groups, each with its sub-groups.</param>
/// <param name="TagId">Tags (repeat for several): a device must carry every one, or a sub-tag of it.</param>
/// <param name="Tag">The same as tagId.</param>
/// <param name="Attr">Extended attributes (fields added by the city dictionary) as <c>key:value</c>; values of one key OR, keys AND.</param>
/// <param name="Sort">relevance (default), name, gbCode or updated.</param>
internal sealed record DeviceSearchRequest(
    string? Q = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 20,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? Type = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? Status = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? Manufacturer = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? Region = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? NetworkingLevel = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] long[]? OrganisationId = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] long[]? BusinessGroupId = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] long[]? TagId = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] long[]? Tag = null,
    [property: MaxLength(DeviceSearchRequest.MaxFilterValues)] string[]? Attr = null,
    [property: AllowedValues(null, "relevance", "name", "gbCode", "updated")] string? Sort = null) : IValidatableObject
{
    private static readonly System.Text.RegularExpressions.Regex AttributeKey = new(
        "^[a-z][A-Za-z0-9]{1,39}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var pair in Attr ?? [])
        {
            var colon = pair?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon < 0 || !AttributeKey.IsMatch(pair![..colon]) || pair.Length - colon - 1 is < 1 or > 200)
            {
                yield return new CodedValidationResult(nameof(Attr), ErrorCodes.Format, new Dictionary<string, object?> { ["value"] = pair is { Length: > 40 } ? pair[..40] : pair });
                yield break;
            }
        }
    }

    /// <summary>The extended-attribute filter: values by key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes() =>
        (Attr ?? []).Select(p => (Key: p[..p.IndexOf(':', StringComparison.Ordinal)], Value: p[(p.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Value)], StringComparer.Ordinal);

    /// <summary>The tag filter: <c>tag</c> and <c>tagId</c> are one parameter; every tag must match.</summary>
    public long[] TagIds() => [.. (TagId ?? []).Concat(Tag ?? []).Distinct()];

    /// <summary>Most values one filter takes.</summary>
    public const int MaxFilterValues = 100;

    /// <summary>The index query of this request for <paramref name="scope"/>: its filters and sort, the given window and facets.</summary>
    public DeviceSearchQuery ToQuery(QueryPlan plan, Core.Devices.DeviceScope scope, int offset, int limit, IReadOnlyList<string> facets) => new()
    {
        Plan = plan,
        Scope = scope,
        Types = Type ?? [],
        Statuses = Status ?? [],
        Manufacturers = Manufacturer ?? [],
        Regions = Region ?? [],
        NetworkingLevels = NetworkingLevel ?? [],
        OrganisationIds = OrganisationId ?? [],
        BusinessGroupIds = BusinessGroupId ?? [],
        TagIds = TagIds(),
        Attributes = Attributes(),
        Sort = DeviceMapping.ToSort(Sort),
        Offset = offset,
        Limit = limit,
        Facets = facets,
    };
}

/// <summary>A span of highlighted characters in a name.</summary>
public sealed record HighlightSpan(int Start, int Length);

public sealed record DeviceSearchItem(
    long Id,
    string Name,
    string GbCode,
    string KeyboardCode,
    string? Address,
    string Type,
    string Status,
    long OrganisationId,
    string? OrganisationName,
    double Longitude,
    double Latitude,
    IReadOnlyList<HighlightSpan> NameHighlights);

public sealed record FacetValue(string Value, string Label, long Count);

public sealed record DeviceSearchResponse(long Total, int Page, int PageSize, IReadOnlyList<DeviceSearchItem> Items, IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets);

/// <summary>A map selection: exactly one shape, plus the same filters as a search.</summary>
public sealed record DeviceAreaRequest : IValidatableObject
{
    /// <summary>West, south, east, north in WGS-84 degrees.</summary>
    public double[]? Rectangle { get; init; }

    /// <summary>Longitude, latitude and radius in metres.</summary>
    public double[]? Circle { get; init; }

    /// <summary>Outer ring as [longitude, latitude] pairs (3 to 500 points).</summary>
    public double[][]? Polygon { get; init; }

    public string? Q { get; init; }

    [MaxLength(DeviceSearchRequest.MaxFilterValues)]
    public string[]? Type { get; init; }

    [MaxLength(DeviceSearchRequest.MaxFilterValues)]
    public string[]? Status { get; init; }

    /// <summary>Most devices returned (all are counted), 1 to 20,000.</summary>
    [Range(1, 20_000)]
    public int Limit { get; init; } = 5000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var shapes = (Rectangle is null ? 0 : 1) + (Circle is null ? 0 : 1) + (Polygon is null ? 0 : 1);
        if (shapes != 1)
        {
            yield return new ValidationResult("Give exactly one of rectangle, circle, polygon.", [nameof(Rectangle)]);
            yield break;
        }

        if (Rectangle is { } r && (r.Length != 4 || r[0] > r[2] || r[1] > r[3] || !Lon(r[0]) || !Lon(r[2]) || !Lat(r[1]) || !Lat(r[3])))
        {
            yield return new ValidationResult("A rectangle is [west, south, east, north].", [nameof(Rectangle)]);
        }

        if (Circle is { } c && (c.Length != 3 || !Lon(c[0]) || !Lat(c[1]) || !double.IsFinite(c[2]) || c[2] <= 0 || c[2] > 100_000))
        {
            yield return new ValidationResult("A circle is [longitude, latitude, radius in metres up to 100 km].", [nameof(Circle)]);
        }

        if (Polygon is { } p && (p.Length is < 3 or > 500 || p.Any(pt => pt is null || pt.Length != 2 || !Lon(pt[0]) || !Lat(pt[1]))))
        {
            yield return new ValidationResult("A polygon is 3 to 500 [longitude, latitude] points.", [nameof(Polygon)]);
        }
    }

    private static bool Lon(double value) => double.IsFinite(value) && value is >= -180 and <= 180;

    private static bool Lat(double value) => double.IsFinite(value) && value is >= -90 and <= 90;

    internal GeoArea ToArea() => Rectangle is { } r
        ? new GeoRectangle(r[0], r[1], r[2], r[3])
        : Circle is { } c
            ? new GeoCircle(c[0], c[1], c[2])
            : new GeoPolygon([.. Polygon!.Select(pt => (pt[0], pt[1]))]);
}

public sealed record DeviceAreaResponse(long Total, IReadOnlyList<DeviceSearchItem> Items);

/// <summary>Every device the caller may see, compact, for drawing the map: parallel arrays.</summary>
public sealed record DeviceMapResponse(
    IReadOnlyList<long> Ids,
    IReadOnlyList<double> Longitudes,
    IReadOnlyList<double> Latitudes,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> Statuses);

/// <summary>The device file: every field as invariant text by key (see <c>GET /api/devices/fields</c>), plus references' names.</summary>
public sealed record DeviceFileResponse(
    long Id,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, string?> Fields,
    string? OrganisationName,
    string? BusinessGroupName);

/// <summary>A new device: field values as text by field key.</summary>
public sealed record DeviceCreateRequest
{
    [Required]
    public Dictionary<string, string?> Fields { get; init; } = [];
}

/// <summary>An edit: every editable field's value, and the version the edit is based on.</summary>
public sealed record DeviceUpdateRequest
{
    [Range(1, int.MaxValue)]
    public int Version { get; init; }

    [Required]
    public Dictionary<string, string?> Fields { get; init; } = [];
}

public sealed record DeviceVersionResponse(long Id, int Version, string Action, string Source, string? ChangedBy, DateTimeOffset ChangedAt, IReadOnlyList<FieldChange> Changes);

public sealed record DeviceFieldResponse(string Key, string Label, string LabelEn, string Section, string DataType, string? Dictionary, bool BuiltIn, bool ReadOnly, int Sort, IReadOnlyList<string> Required)
{
    internal static DeviceFieldResponse From(FieldDefinition f, IReadOnlyList<FieldRule> rules) =>
        new(f.Key, f.Label, f.LabelEn, f.Section, f.DataType, f.Dictionary, f.BuiltIn, f.ReadOnly, f.Sort,
            [.. rules.Where(r => r.Enabled && r.Field == f.Key && r.Kind == RuleKinds.Required).Select(r => r.Blocking ? "blocking" : "audit")]);
}

public sealed record DictionaryItemResponse(string Dictionary, string Code, string Label, string? LabelEn, int Sort, bool Enabled, string Source);

public sealed record DeviceRuleResponse(string Id, string Field, string Kind, string? Parameters, string Category, bool Blocking, bool Enabled, string Description, DateTimeOffset UpdatedAt, string? UpdatedBy)
{
    internal static DeviceRuleResponse From(FieldRule r) => new(r.Id, r.Field, r.Kind, r.Parameters, r.Category, r.Blocking, r.Enabled, r.Description, r.UpdatedAt, r.UpdatedBy);
}

/// <summary>A rule edit: switch, blocking flag, parameters (JSON object text) and description.</summary>
public sealed record DeviceRuleUpdateRequest
{
    public bool Enabled { get; init; } = true;

    public bool Blocking { get; init; }

    [MaxLength(4000)]
    public string? Parameters { get; init; }

    [Required]
    [MaxLength(200)]
    public string Description { get; init; } = string.Empty;
}

public sealed record TreeNodeResponse(string Key, string? ParentKey, string Name, int DirectCount, int TotalCount);

internal static class DeviceMapping
{
    public static DeviceSort ToSort(string? key) => key switch
    {
        "name" => DeviceSort.Name,
        "gbCode" => DeviceSort.GbCode,
        "updated" => DeviceSort.UpdatedDesc,
        _ => DeviceSort.Relevance,
    };

    public static DeviceFileResponse ToFile(Device device, string? organisationName, string? groupName) =>
        new(device.Id, device.Version, device.CreatedAt, device.UpdatedAt,
            DeviceFields.BuiltIn.Select(f => f.Key).Concat(device.Attributes.Keys).Distinct(StringComparer.Ordinal)
                .ToDictionary(k => k, k => DeviceFields.Get(device, k), StringComparer.Ordinal),
            organisationName,
            groupName);
}

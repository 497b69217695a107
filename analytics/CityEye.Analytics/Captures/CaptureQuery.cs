using CityEye.Core.Captures;

namespace CityEye.Analytics.Captures;

/// <summary>How a plate number is matched (VC-5).</summary>
public enum PlateMatch
{
    /// <summary>The whole number (with or without the province character).</summary>
    Exact,

    /// <summary>Numbers starting with the text.</summary>
    Prefix,

    /// <summary>
    /// Numbers of the same length that differ in at most one character, and <c>?</c> stands for any one character,
    /// <c>*</c> for any run of characters.
    /// </summary>
    Fuzzy,
}

/// <summary>
/// A capture query: type, time range [From, Until), devices (null: every device; the caller has already
/// intersected it with the device scope), attribute values, data source, plate, person; paging.
/// </summary>
public sealed record CaptureQuery
{
    public CaptureType? Type { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>Only these devices; null for every device. Empty matches nothing.</summary>
    public IReadOnlyCollection<long>? DeviceIds { get; init; }

    /// <summary>Attribute name (camelCase, see <see cref="CaptureVocabulary.Attributes"/>) to required value.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public string? Source { get; init; }

    /// <summary>Plate text (normalised by <see cref="Plates.Normalise"/>), matched as <see cref="PlateMatchMode"/>.</summary>
    public string? Plate { get; init; }

    public PlateMatch PlateMatchMode { get; init; } = PlateMatch.Exact;

    public long? PersonId { get; init; }

    public bool OldestFirst { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 50;
}

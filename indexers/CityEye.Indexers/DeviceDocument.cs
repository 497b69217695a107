namespace CityEye.Indexers;

/// <summary>
/// What the search index holds for one device: the fields searched, filtered, faceted and sorted on. Built from the
/// ledger by the ledger sync; the index is rebuildable from the store at any time.
/// </summary>
public sealed record DeviceDocument
{
    /// <summary>The indexed term of one extended attribute value: both providers keep <c>key=value</c> in one keyword field.</summary>
    public static string AttributeTerm(string key, string value) => key + "=" + value;

    public required long Id { get; init; }

    public required string GbCode { get; init; }

    public required string Name { get; init; }

    public required string KeyboardCode { get; init; }

    public string? Address { get; init; }

    public required string Type { get; init; }

    public required string Status { get; init; }

    public required string Manufacturer { get; init; }

    public required string Region { get; init; }

    public required long OrganisationId { get; init; }

    /// <summary>The owning organisation and every ancestor, so that a filter on a unit includes its sub-units.</summary>
    public IReadOnlyList<long> OrganisationPath { get; init; } = [];

    public long? BusinessGroupId { get; init; }

    /// <summary>The business group and every ancestor.</summary>
    public IReadOnlyList<long> BusinessGroupPath { get; init; } = [];

    /// <summary>Networking level code (none, city, province, ministry).</summary>
    public string? NetworkingLevel { get; init; }

    public IReadOnlyList<long> TagIds { get; init; } = [];

    /// <summary>Extended attributes (fields added by the city dictionary, AR-10) by key, filterable by exact value.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public required double Longitude { get; init; }

    public required double Latitude { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

using CityEye.Core.Devices;
using CityEye.Indexers.Query;

namespace CityEye.Indexers;

/// <summary>Sort orders of device search.</summary>
public enum DeviceSort
{
    /// <summary>Best match first (then by name); by name when there is no keyword.</summary>
    Relevance,
    Name,
    GbCode,
    UpdatedDesc,
}

/// <summary>A spatial selection on the map.</summary>
public abstract record GeoArea;

public sealed record GeoRectangle(double West, double South, double East, double North) : GeoArea;

public sealed record GeoCircle(double Longitude, double Latitude, double RadiusMetres) : GeoArea;

/// <summary>A simple polygon, outer ring only, as (longitude, latitude) pairs; closed or not.</summary>
public sealed record GeoPolygon(IReadOnlyList<(double Longitude, double Latitude)> Ring) : GeoArea;

/// <summary>Facets a search can count.</summary>
public static class DeviceFacets
{
    public const string Type = "type";
    public const string Status = "status";
    public const string Manufacturer = "manufacturer";
    public const string Region = "region";
    public const string Organisation = "organisationId";
    public const string BusinessGroup = "businessGroupId";
    public const string NetworkingLevel = "networkingLevel";

    /// <summary>Tags (multi-valued: a device counts once for each of its tags and their ancestors).</summary>
    public const string Tag = "tagId";

    public static IReadOnlyList<string> All { get; } = [Type, Status, Manufacturer, Region, Organisation, BusinessGroup, NetworkingLevel, Tag];
}

/// <summary>A device search: keywords, filters (all combined with AND, values inside one filter with OR), paging.</summary>
public sealed record DeviceSearchQuery
{
    public QueryPlan Plan { get; init; } = QueryPlan.Empty;

    /// <summary>The caller's device scope; always applied, whatever else the query says.</summary>
    public required DeviceScope Scope { get; init; }

    public IReadOnlyList<string> Types { get; init; } = [];

    public IReadOnlyList<string> Statuses { get; init; } = [];

    public IReadOnlyList<string> Manufacturers { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyList<string> NetworkingLevels { get; init; } = [];

    /// <summary>Organisations, each with its sub-units.</summary>
    public IReadOnlyList<long> OrganisationIds { get; init; } = [];

    /// <summary>Business groups, each with its sub-groups; 0 stands for devices filed under no group.</summary>
    public IReadOnlyList<long> BusinessGroupIds { get; init; } = [];

    /// <summary>Devices carrying every one of these tags (or a descendant of it).</summary>
    public IReadOnlyList<long> TagIds { get; init; } = [];

    /// <summary>Extended attributes: for each key, devices with any of the values (keys combine with AND).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public GeoArea? Area { get; init; }

    public DeviceSort Sort { get; init; } = DeviceSort.Relevance;

    /// <summary>Zero-based offset of the first hit returned.</summary>
    public int Offset { get; init; }

    public int Limit { get; init; } = 20;

    /// <summary>Facets to count over all hits (not just the page).</summary>
    public IReadOnlyList<string> Facets { get; init; } = [];
}

public sealed record FacetCount(string Value, long Count);

/// <summary>One hit: the device id and the fields a result list shows.</summary>
public sealed record DeviceHit(long Id, string Name, string GbCode, string KeyboardCode, string? Address, string Type, string Status, long OrganisationId, double Longitude, double Latitude);

public sealed record DeviceSearchResult(long Total, IReadOnlyList<DeviceHit> Items, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets);

/// <summary>What an index reports about itself.</summary>
public sealed record SearchIndexInfo(string Provider, string Location, long Documents, long? SizeBytes);

/// <summary>
/// The device search index. Providers: <c>Lucene/</c> (embedded, files under the data folder) and
/// <c>Elasticsearch/</c>. Both run the same <see cref="QueryPlan"/> and pass the same conformance suite.
/// </summary>
public interface ISearchIndex
{
    /// <summary>Creates the index when it does not exist.</summary>
    Task InitialiseAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces documents by id and makes them durable and searchable before returning.</summary>
    Task UpsertAsync(IReadOnlyList<DeviceDocument> documents, CancellationToken cancellationToken);

    /// <summary>Removes documents by id (missing ids are ignored) durably.</summary>
    Task DeleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>Removes every document.</summary>
    Task ClearAsync(CancellationToken cancellationToken);

    Task<DeviceSearchResult> SearchAsync(DeviceSearchQuery query, CancellationToken cancellationToken);

    Task<SearchIndexInfo> DescribeAsync(CancellationToken cancellationToken);
}

using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Search;

/// <summary>Search engines of the device index.</summary>
public enum SearchProvider
{
    /// <summary>Embedded Lucene.NET files under the data folder (default).</summary>
    Lucene,

    /// <summary>An Elasticsearch 8/9 cluster (<c>Search:Elasticsearch:Url</c>).</summary>
    Elasticsearch,
}

/// <summary>The <c>Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    public SearchProvider Provider { get; set; } = SearchProvider.Lucene;

    /// <summary>Lucene index folder; empty: <c>{CityEye:DataDir}/search/devices</c>.</summary>
    public string? Path { get; set; }

    public ElasticsearchSettings Elasticsearch { get; set; } = new();

    /// <summary>Stops applying ledger changes to the index (maintenance); they wait in the outbox until restart.</summary>
    public bool SyncPaused { get; set; }
}

/// <summary>How to reach Elasticsearch.</summary>
public sealed class ElasticsearchSettings
{
    /// <summary>Base URL, e.g. <c>http://127.0.0.1:9200</c>.</summary>
    [Url]
    public string? Url { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_.-]{0,199}$")]
    public string Index { get; set; } = "cityeye-devices";

    /// <summary>API key (the base64 "id:key" form), or empty for basic or no authentication.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }
}

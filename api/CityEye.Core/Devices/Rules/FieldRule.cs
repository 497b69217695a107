using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityEye.Core.Devices.Rules;

/// <summary>Kinds of field rule; a rule is data (field, kind, parameters), its kind is the code that checks it.</summary>
public static class RuleKinds
{
    /// <summary>The field has a value.</summary>
    public const string Required = "required";

    /// <summary>At most <c>max</c> characters (<c>{"max":128}</c>).</summary>
    public const string Length = "length";

    /// <summary>Matches the regular expression <c>pattern</c> (<c>{"pattern":"^\\d{1,16}$"}</c>).</summary>
    public const string Pattern = "pattern";

    /// <summary>A valid 20-digit GB/T 28181 code.</summary>
    public const string GbCode = "gbCode";

    /// <summary>An IPv4 or IPv6 address.</summary>
    public const string IpAddress = "ipAddress";

    /// <summary>A yyyy-MM-dd date, not in the future.</summary>
    public const string Date = "date";

    /// <summary>A code of the dictionary <c>dictionary</c>.</summary>
    public const string Dictionary = "dictionary";

    /// <summary>A number from <c>min</c> to <c>max</c>.</summary>
    public const string Range = "range";

    /// <summary>The longitude/latitude lie inside the district outline (field <c>location</c>).</summary>
    public const string InDistrict = "inDistrict";

    /// <summary>No two devices share the values of <c>fields</c> (<c>{"fields":["ipAddress","port"]}</c>).</summary>
    public const string Unique = "unique";

    /// <summary>Digits 11-13 of the GB code are one of <c>types[deviceType]</c>.</summary>
    public const string GbTypeMatchesDeviceType = "gbTypeMatchesDeviceType";

    public static IReadOnlyList<string> All { get; } = [Required, Length, Pattern, GbCode, IpAddress, Date, Dictionary, Range, InDistrict, Unique, GbTypeMatchesDeviceType];
}

/// <summary>What a rule checks, as the data audit (AR-9) groups them.</summary>
public static class RuleCategories
{
    public const string Completeness = "completeness";
    public const string Compliance = "compliance";
    public const string Accuracy = "accuracy";
    public const string Uniqueness = "uniqueness";

    public static IReadOnlyList<string> All { get; } = [Completeness, Compliance, Accuracy, Uniqueness];
}

/// <summary>
/// A field rule of the ledger (AR-3, AR-9). Blocking rules refuse a write (UI, API, import, sync); non-blocking
/// rules are reported by the data audit only (e.g. a missing maintainer). Stored in <c>device_rules</c> and
/// editable in the API and UI.
/// </summary>
public sealed record FieldRule
{
    public required string Id { get; init; }

    /// <summary>Field key, or <c>location</c> for the coordinates together.</summary>
    public required string Field { get; init; }

    public required string Kind { get; init; }

    /// <summary>JSON object of the kind's parameters, or null.</summary>
    public string? Parameters { get; init; }

    public required string Category { get; init; }

    public bool Blocking { get; init; }

    public bool Enabled { get; init; } = true;

    public required string Description { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }

    internal JsonObject ParameterObject() =>
        Parameters is null ? [] : JsonNode.Parse(Parameters) as JsonObject ?? throw new JsonException("Rule parameters must be a JSON object.");
}

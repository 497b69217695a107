using System.Globalization;
using System.Text;

namespace CityEye.Core.Tags;

/// <summary>The four tag categories of TG-11.</summary>
public static class TagCategories
{
    /// <summary>建设: construction fields, seen by level (TG-15).</summary>
    public const string Construction = "construction";

    /// <summary>场景: place type → place part → monitored place name (TG-1, TG-12).</summary>
    public const string Scene = "scene";

    /// <summary>业务: per police line, in tag groups (TG-9, TG-13).</summary>
    public const string Business = "business";

    /// <summary>衍生: written by derivation rules only (TG-10).</summary>
    public const string Derived = "derived";

    public static IReadOnlyList<string> All { get; } = [Construction, Scene, Business, Derived];
}

/// <summary>What a tag is inside its category: the three levels of a scene tag, or a plain tag.</summary>
public static class TagKinds
{
    public const string PlaceType = "placeType";
    public const string PlacePart = "placePart";
    public const string PlaceName = "placeName";
    public const string Tag = "tag";

    public static IReadOnlyList<string> All { get; } = [PlaceType, PlacePart, PlaceName, Tag];

    /// <summary>The kind a scene tag's parent has, or null for a place type (no parent).</summary>
    public static string? ParentKind(string kind) => kind switch
    {
        PlacePart => PlaceType,
        PlaceName => PlacePart,
        _ => null,
    };
}

/// <summary>Life of a tag: active, recycled (its labels removed) or merged into another tag.</summary>
public static class TagStates
{
    public const string Active = "active";
    public const string Recycled = "recycled";
    public const string Merged = "merged";
}

/// <summary>Where a tag came from.</summary>
public static class TagOrigins
{
    /// <summary>Created by a user (dictionary or workbench).</summary>
    public const string Manual = "manual";

    /// <summary>Imported from the city's scene dictionary.</summary>
    public const string City = "city";

    /// <summary>Created for a basic plan's business tag (TG-9).</summary>
    public const string Plan = "plan";
}

/// <summary>How a device got a label.</summary>
public static class LabelOrigins
{
    public const string Manual = "manual";
    public const string Derived = "derived";
}

/// <summary>
/// Construction-tag levels (TG-15): police-high sees every construction field, police-normal the normal and sharing
/// fields, external-sharing only the sharing fields.
/// </summary>
public static class ConstructionLevels
{
    public const string High = "high";
    public const string Normal = "normal";
    public const string Sharing = "sharing";

    public static IReadOnlyList<string> All { get; } = [High, Normal, Sharing];

    private static int Rank(string level) => level switch
    {
        High => 3,
        Normal => 2,
        Sharing => 1,
        _ => 0,
    };

    /// <summary>True when a user of <paramref name="userLevel"/> sees a field of <paramref name="fieldLevel"/>.</summary>
    public static bool Sees(string userLevel, string? fieldLevel) => Rank(userLevel) >= Rank(fieldLevel ?? High) && Rank(userLevel) > 0;
}

/// <summary>The police lines (警种) business tags belong to.</summary>
public static class PoliceLines
{
    /// <summary>Codes with their Chinese names, in the order the SPA lists them.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["criminal"] = "刑侦",
        ["publicSecurity"] = "治安",
        ["traffic"] = "交警",
        ["patrol"] = "巡特警",
        ["narcotics"] = "禁毒",
        ["economic"] = "经侦",
        ["cyber"] = "网安",
        ["command"] = "指挥",
        ["community"] = "社区",
        ["foodEnvironment"] = "食药环",
    };

    public static bool IsKnown(string? code) => code is not null && All.ContainsKey(code);
}

/// <summary>A tag group: business tags of one police line, or the construction tags of one field.</summary>
public sealed record TagGroup
{
    public long Id { get; init; }

    public required string Category { get; init; }

    public string? PoliceLine { get; init; }

    /// <summary>Construction fields: the level that sees the field.</summary>
    public string? Level { get; init; }

    public required string Name { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A tag of any category.</summary>
public sealed record Tag
{
    public long Id { get; init; }

    public required string Category { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }

    public long? ParentId { get; init; }

    public long? GroupId { get; init; }

    /// <summary>The code of the city's scene dictionary (TG-1) when imported from it.</summary>
    public string? CityCode { get; init; }

    public required string Origin { get; init; }

    public required string State { get; init; }

    public long? MergedInto { get; init; }

    public long SearchCount { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A derivation rule (TG-10): required tags (and optionally plan membership) ⇒ a derived tag.</summary>
public sealed record TagRule(
    long Id, string Name, long TargetTagId, IReadOnlyList<long> RequiredTagIds, IReadOnlyList<long> PlanIds, bool Enabled, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Tag names.</summary>
public static class TagNames
{
    public const int MaxLength = 64;

    /// <summary>
    /// The key under which two names are the same tag: NFKC (full-width letters and digits become half-width),
    /// whitespace removed, Latin letters in lower case. "校门 " and "校　门" are one tag.
    /// </summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normal = name.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normal.Length);
        foreach (var c in normal)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The name as stored: trimmed, inner runs of whitespace made one space.</summary>
    public static string Clean(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}

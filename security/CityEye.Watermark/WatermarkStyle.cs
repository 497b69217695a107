using System.Globalization;
using System.Text.RegularExpressions;

namespace CityEye.Watermark;

/// <summary>
/// How both watermarks look (SC-1, SC-2), set by an administrator. The visible mark is a text line tiled at an angle
/// over the picture; the covert mark is a faint dot per cell.
/// </summary>
public sealed partial record WatermarkStyle
{
    /// <summary>The visible text; placeholders: {name} {username} {unit} {address} {time} {node}.</summary>
    public string Template { get; init; } = "{name} {username} {unit} {address} {time}";

    /// <summary>Text size in pixels (10 to 48).</summary>
    public int FontSize { get; init; } = 15;

    /// <summary>Text colour, <c>#RRGGBB</c>.</summary>
    public string Colour { get; init; } = "#FFFFFF";

    /// <summary>Text opacity, 0.05 to 1.</summary>
    public double Opacity { get; init; } = 0.3;

    /// <summary>Text angle in degrees (−90 to 90; negative rises to the right).</summary>
    public int Angle { get; init; } = -20;

    /// <summary>How close the repetitions are: 1 (sparse) to 5 (dense).</summary>
    public int Density { get; init; } = 3;

    /// <summary>Whether the covert dot-matrix mark is applied.</summary>
    public bool CovertEnabled { get; init; } = true;

    /// <summary>The dots' opacity, 0.02 to 0.2: lower is less visible and less robust.</summary>
    public double CovertStrength { get; init; } = 0.08;

    /// <summary>The side of a dot's cell in pixels (6 to 12); a tile is 16 cells square.</summary>
    public int CovertCellSize { get; init; } = 8;

    public static readonly IReadOnlyList<string> Placeholders = ["{name}", "{username}", "{unit}", "{address}", "{time}", "{node}"];

    /// <summary>The problems of a style: (field, error code) pairs, empty when it is valid.</summary>
    public IReadOnlyList<(string Field, string Code)> Problems()
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(Template) || Template.Length > 200)
        {
            problems.Add((nameof(Template), "watermark.template"));
        }
        else if (Placeholder().Matches(Template).Any(m => !Placeholders.Contains(m.Value)))
        {
            problems.Add((nameof(Template), "watermark.placeholder"));
        }

        if (FontSize is < 10 or > 48)
        {
            problems.Add((nameof(FontSize), "field.range"));
        }

        if (!ColourPattern().IsMatch(Colour ?? string.Empty))
        {
            problems.Add((nameof(Colour), "watermark.colour"));
        }

        if (double.IsNaN(Opacity) || Opacity is < 0.05 or > 1)
        {
            problems.Add((nameof(Opacity), "field.range"));
        }

        if (Angle is < -90 or > 90)
        {
            problems.Add((nameof(Angle), "field.range"));
        }

        if (Density is < 1 or > 5)
        {
            problems.Add((nameof(Density), "field.range"));
        }

        if (double.IsNaN(CovertStrength) || CovertStrength is < 0.02 or > 0.2)
        {
            problems.Add((nameof(CovertStrength), "field.range"));
        }

        if (CovertCellSize is < 6 or > 12)
        {
            problems.Add((nameof(CovertCellSize), "field.range"));
        }

        return problems;
    }

    /// <summary>The visible text for a viewer.</summary>
    public string Text(WatermarkIdentity identity, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var local = TimeZoneInfo.ConvertTime(identity.Time, zone);
        return Template
            .Replace("{name}", identity.Name, StringComparison.Ordinal)
            .Replace("{username}", identity.Username, StringComparison.Ordinal)
            .Replace("{unit}", identity.Unit, StringComparison.Ordinal)
            .Replace("{address}", identity.Address, StringComparison.Ordinal)
            .Replace("{time}", local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{node}", identity.NodeName, StringComparison.Ordinal)
            .Trim();
    }

    [GeneratedRegex(@"\{[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex ColourPattern();
}

/// <summary>Who a watermark names: the viewer, their unit and client address, the time and the node.</summary>
public sealed record WatermarkIdentity(long UserId, string Username, string Name, string Unit, string Address, DateTimeOffset Time, int Node, string NodeName);

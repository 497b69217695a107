using System.Text.RegularExpressions;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Rules;

/// <summary>One dictionary value of a city dictionary document.</summary>
public sealed record CityDictionaryItem(string Dictionary, string Code, string Label, string? LabelEn = null, bool Enabled = true);

/// <summary>One field definition of a city dictionary document (horizontal extension of the device file).</summary>
/// <param name="Key">Field key (camelCase, not a built-in field's).</param>
/// <param name="Label">Chinese label (form label and spreadsheet header).</param>
/// <param name="LabelEn">English label.</param>
/// <param name="DataType">text, integer, number, date or dictionary.</param>
/// <param name="Dictionary">Dictionary of a dictionary field.</param>
/// <param name="Required">True: a value is required on every write; false: only the data audit asks for it.</param>
public sealed record CityFieldDefinition(string Key, string Label, string LabelEn, string DataType, string? Dictionary = null, bool Required = false);

/// <summary>
/// The city archive centre's dictionaries and field definitions (AR-10), in CityEye's documented JSON form: new
/// dictionary values (vertical extension) and new fields (horizontal extension) that forms, validation, imports and
/// exports then use without a code change.
/// </summary>
public sealed record CityDictionaryDocument(string Version, IReadOnlyList<CityDictionaryItem> Dictionaries, IReadOnlyList<CityFieldDefinition> Fields)
{
    public const int MaxItems = 10_000;
    public const int MaxFields = 200;

    private static readonly Regex KeyPattern = new("^[a-z][A-Za-z0-9]{1,39}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(2));
    private static readonly string[] DataTypes = [FieldDataTypes.Text, FieldDataTypes.WholeNumber, FieldDataTypes.Number, FieldDataTypes.Date, FieldDataTypes.Dictionary];

    /// <summary>Every problem of the document, by JSON path; empty when it can be applied.</summary>
    public List<Violation> Check()
    {
        var problems = new List<Violation>();
        if (string.IsNullOrWhiteSpace(Version) || Version.Length > 64)
        {
            problems.Add(new Violation("version", ErrorCodes.Required));
        }

        if ((Dictionaries?.Count ?? 0) > MaxItems)
        {
            problems.Add(new Violation("dictionaries", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 0, ["max"] = MaxItems }));
            return problems;
        }

        if ((Fields?.Count ?? 0) > MaxFields)
        {
            problems.Add(new Violation("fields", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 0, ["max"] = MaxFields }));
            return problems;
        }

        var i = 0;
        foreach (var item in Dictionaries ?? [])
        {
            var at = $"dictionaries[{i++}]";
            if (item is null)
            {
                problems.Add(new Violation(at, ErrorCodes.Required));
                continue;
            }

            Text(problems, at + ".dictionary", item.Dictionary, 64, key: true);
            Text(problems, at + ".code", item.Code, 64);
            Text(problems, at + ".label", item.Label, 128);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        i = 0;
        foreach (var field in Fields ?? [])
        {
            var at = $"fields[{i++}]";
            if (field is null)
            {
                problems.Add(new Violation(at, ErrorCodes.Required));
                continue;
            }

            Text(problems, at + ".key", field.Key, 40, key: true);
            if (field.Key is not null && (DeviceFields.IsBuiltIn(field.Key) || !keys.Add(field.Key)))
            {
                problems.Add(new Violation(at + ".key", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = field.Key }));
            }

            Text(problems, at + ".label", field.Label, 64);
            Text(problems, at + ".labelEn", field.LabelEn, 64);
            if (!DataTypes.Contains(field.DataType))
            {
                problems.Add(new Violation(at + ".dataType", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = field.DataType }));
            }

            if (field.DataType == FieldDataTypes.Dictionary && string.IsNullOrWhiteSpace(field.Dictionary))
            {
                problems.Add(new Violation(at + ".dictionary", ErrorCodes.Required));
            }
        }

        return problems;
    }

    private static void Text(List<Violation> problems, string at, string? value, int max, bool key = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(new Violation(at, ErrorCodes.Required));
        }
        else if (value.Length > max)
        {
            problems.Add(new Violation(at, ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = 1, ["max"] = max }));
        }
        else if (key && !KeyPattern.IsMatch(value))
        {
            problems.Add(new Violation(at, ErrorCodes.Format, new Dictionary<string, object?> { ["value"] = value }));
        }
    }
}

/// <summary>What applying a city dictionary document changed.</summary>
public sealed record CityDictionaryResult(int ItemsAdded, int ItemsUpdated, int FieldsAdded, int FieldsUpdated, int RulesAdded);

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using CityEye.Core.Geo;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Rules;

/// <summary>A compiled set of rules with the dictionaries they refer to.</summary>
public sealed class FieldRuleSet
{
    /// <summary>
    /// Patterns run on the non-backtracking engine (linear time, so an administrator's pattern cannot hang a write);
    /// the timeout is only a backstop and generous, since a busy machine can pause any thread for tens of ms.
    /// </summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    private const RegexOptions PatternOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _dictionaries;
    private readonly QingpuBoundary _boundary;

    private readonly DateOnly _today;

    public FieldRuleSet(IReadOnlyList<FieldRule> rules, IReadOnlyDictionary<string, IReadOnlySet<string>> dictionaries, QingpuBoundary boundary, DateOnly today)
    {
        _today = today;
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules.Where(r => r.Enabled)];
        _dictionaries = dictionaries;
        _boundary = boundary;
        foreach (var rule in Rules.Where(r => r.Kind == RuleKinds.Pattern))
        {
            _patterns[rule.Id] = new Regex(rule.ParameterObject()["pattern"]!.GetValue<string>(), PatternOptions, RegexTimeout);
        }
    }

    /// <summary>The enabled rules.</summary>
    public IReadOnlyList<FieldRule> Rules { get; }

    /// <summary>The enabled uniqueness rules, checked by <see cref="DeviceService"/> against the batch and the store.</summary>
    public IEnumerable<FieldRule> UniqueRules => Rules.Where(r => r.Kind == RuleKinds.Unique);

    /// <summary>
    /// Checks one record's field map against every enabled rule except uniqueness. With
    /// <paramref name="blockingOnly"/>, only the rules that refuse writes.
    /// </summary>
    public List<Violation> Check(IReadOnlyDictionary<string, string?> fields, bool blockingOnly)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var violations = new List<Violation>();
        foreach (var rule in Rules)
        {
            if ((blockingOnly && !rule.Blocking) || rule.Kind == RuleKinds.Unique)
            {
                continue;
            }

            var value = Value(fields, rule.Field);
            if (rule.Kind != RuleKinds.Required && rule.Kind != RuleKinds.InDistrict && rule.Kind != RuleKinds.GbTypeMatchesDeviceType && value is null)
            {
                // Only "required" speaks about missing values.
                continue;
            }

            if (Violates(rule, value, fields) is { } violation)
            {
                violations.Add(violation);
            }
        }

        return violations;
    }

    /// <summary>Parameters of <paramref name="kind"/> that <see cref="FieldRuleSet"/> can use, or a reason why not.</summary>
    public static string? ParameterProblem(string kind, string field, string? parameters)
    {
        JsonObject p;
        try
        {
            p = parameters is null ? [] : JsonNode.Parse(parameters) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return "parameters must be a JSON object";
        }

        try
        {
            switch (kind)
            {
                case RuleKinds.Length:
                    return p["max"]?.GetValue<int>() is > 0 ? null : "max must be a positive integer";
                case RuleKinds.Pattern:
                    _ = new Regex(p["pattern"]!.GetValue<string>(), PatternOptions, RegexTimeout);
                    return null;
                case RuleKinds.Dictionary:
                    return string.IsNullOrWhiteSpace(p["dictionary"]?.GetValue<string>()) ? "dictionary is required" : null;
                case RuleKinds.Range:
                    var min = p["min"]!.GetValue<double>();
                    var max = p["max"]!.GetValue<double>();
                    return min <= max ? null : "min must not exceed max";
                case RuleKinds.Unique:
                    var fields = p["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
                    return fields.Count > 0 && fields.All(DeviceService.HasColumn) ? null : "fields must name built-in stored fields";
                case RuleKinds.GbTypeMatchesDeviceType:
                    return p["types"] is JsonObject ? null : "types must map device types to lists of type digits";
                case RuleKinds.InDistrict:
                    return field == "location" ? null : "the field of an inDistrict rule is location";
                case RuleKinds.Required or RuleKinds.GbCode or RuleKinds.IpAddress or RuleKinds.Date:
                    return null;
                default:
                    return "unknown rule kind";
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException or FormatException or JsonException or NotSupportedException)
        {
            return "parameters do not fit the rule kind";
        }
    }

    private static string? Value(IReadOnlyDictionary<string, string?> fields, string key) =>
        fields.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private Violation? Violates(FieldRule rule, string? value, IReadOnlyDictionary<string, string?> fields)
    {
        var p = rule.ParameterObject();
        switch (rule.Kind)
        {
            case RuleKinds.Required:
                return value is null ? V(rule, ErrorCodes.Required) : null;
            case RuleKinds.Length:
                var max = p["max"]!.GetValue<int>();
                return value!.Length > max ? V(rule, ErrorCodes.Length, ("min", 0), ("max", max)) : null;
            case RuleKinds.Pattern:
                try
                {
                    return _patterns[rule.Id].IsMatch(value!) ? null : V(rule, ErrorCodes.Format, ("value", Clip(value!)));
                }
                catch (RegexMatchTimeoutException)
                {
                    return V(rule, ErrorCodes.Format, ("value", Clip(value!)));
                }

            case RuleKinds.GbCode:
                return Domain.GbCode.IsValid(value) ? null : V(rule, ErrorCodes.Format, ("value", Clip(value!)));
            case RuleKinds.IpAddress:
                return IPAddress.TryParse(value, out _) && (value!.Contains(':', StringComparison.Ordinal) || value.Count(c => c == '.') == 3)
                    ? null
                    : V(rule, ErrorCodes.Format, ("value", Clip(value!)));
            case RuleKinds.Date:
                return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date <= _today
                    ? null
                    : V(rule, ErrorCodes.Format, ("value", Clip(value!)));
            case RuleKinds.Dictionary:
                var dictionary = p["dictionary"]!.GetValue<string>();
                return _dictionaries.TryGetValue(dictionary, out var codes) && codes.Contains(value!)
                    ? null
                    : V(rule, ErrorCodes.UnknownValue, ("value", Clip(value!)), ("dictionary", dictionary));
            case RuleKinds.Range:
                var min = p["min"]!.GetValue<double>();
                var top = p["max"]!.GetValue<double>();
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= top
                    ? null
                    : V(rule, ErrorCodes.Range, ("min", min), ("max", top));
            case RuleKinds.InDistrict:
                var lon = Value(fields, "longitude");
                var lat = Value(fields, "latitude");
                if (lon is null || lat is null
                    || !double.TryParse(lon, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                    || !double.TryParse(lat, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
                {
                    return null;
                }

                return _boundary.Contains(x, y) ? null : V(rule, ErrorCodes.OutsideDistrict, ("longitude", x), ("latitude", y)) with { Field = "longitude" };
            case RuleKinds.GbTypeMatchesDeviceType:
                var gb = Value(fields, "gbCode");
                var type = Value(fields, "type");
                if (gb is null || type is null || !Domain.GbCode.TryParse(gb, out var parts) || p["types"]?[type] is not JsonArray allowed)
                {
                    return null;
                }

                return allowed.Any(a => a?.GetValue<string>() == parts.TypeCode)
                    ? null
                    : V(rule, ErrorCodes.GbTypeMismatch, ("value", parts.TypeCode), ("type", type)) with { Field = "gbCode" };
            default:
                return null;
        }
    }

    private static Violation V(FieldRule rule, string code, params (string Name, object? Value)[] args)
    {
        var dictionary = args.ToDictionary(a => a.Name, a => a.Value);
        dictionary["rule"] = rule.Id;
        return new Violation(rule.Field, code, dictionary);
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

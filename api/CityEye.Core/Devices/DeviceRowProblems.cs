using CityEye.Core.Validation;

namespace CityEye.Core.Devices;

/// <summary>The rules one input row breaks, as coded violations (camelCase field names, as the API and import reports show them).</summary>
public sealed record DeviceRowProblems(int Row, string? GbCode, IReadOnlyList<Violation> Violations)
{
    /// <summary>The fields with a problem, in the order the rules found them.</summary>
    public IReadOnlyList<string> Fields => [.. Violations.Select(v => v.Field).Distinct(StringComparer.Ordinal)];
}

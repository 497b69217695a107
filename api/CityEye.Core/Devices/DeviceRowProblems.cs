namespace CityEye.Core.Devices;

/// <summary>Problems of one input row, by field (camelCase field names, as the API and import reports show them).</summary>
public sealed record DeviceRowProblems(int Row, string? GbCode, IReadOnlyDictionary<string, string[]> Errors);

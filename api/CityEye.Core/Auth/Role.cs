namespace CityEye.Core.Auth;

/// <summary>A role: a named set of function permissions.</summary>
public sealed record Role(string Name, string DisplayName, string Description, IReadOnlyList<string> Permissions, bool BuiltIn = true);

using CityEye.Core.Domain;

namespace CityEye.Core.Organisations;

/// <summary>An organisation with the number of devices it owns directly.</summary>
/// <remarks>Init properties: Dapper maps rows straight onto it (the store's one mapping style).</remarks>
public sealed record OrganisationWithCount
{
    public long Id { get; init; }

    public long? ParentId { get; init; }

    public string Code { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public OrganisationKind Kind { get; init; }

    public string? Region { get; init; }

    public int DeviceCount { get; init; }
}

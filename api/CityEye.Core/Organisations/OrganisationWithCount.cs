using CityEye.Core.Domain;

namespace CityEye.Core.Organisations;

/// <summary>An organisation with the number of devices it owns directly.</summary>
public sealed record OrganisationWithCount(long Id, long? ParentId, string Code, string Name, OrganisationKind Kind, string? Region, int DeviceCount);

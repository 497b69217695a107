using CityEye.Core.Domain;

namespace CityEye.Api.Organisations;

public sealed record OrganisationResponse(long Id, long? ParentId, string Code, string Name, OrganisationKind Kind, string? Region, int DeviceCount);

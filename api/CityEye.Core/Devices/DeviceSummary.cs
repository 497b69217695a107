using CityEye.Core.Domain;

namespace CityEye.Core.Devices;

/// <summary>Device counts for dashboards, already restricted to what the caller may see.</summary>
public sealed record DeviceSummary(
    int Total,
    IReadOnlyList<(DeviceType Type, DeviceStatus Status, int Count)> ByTypeAndStatus,
    IReadOnlyList<(long OrganisationId, string Name, int Count, int Online)> ByOrganisation);

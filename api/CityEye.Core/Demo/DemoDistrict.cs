using CityEye.Core.Domain;

namespace CityEye.Core.Demo;

/// <summary>An organisation of the demo district; the store resolves <paramref name="ParentCode"/> to a parent id.</summary>
/// <param name="Code">12-digit code starting with 310118, unique.</param>
/// <param name="ParentCode">Code of the parent organisation, or null for the bureau.</param>
/// <param name="Name">Display name in Chinese.</param>
/// <param name="Kind">Kind of organisation.</param>
/// <param name="Region">Town or subdistrict served, or null for district-wide units.</param>
public sealed record DemoOrganisation(string Code, string? ParentCode, string Name, OrganisationKind Kind, string? Region);

/// <summary>A demo device and the code of its owning organisation (<see cref="Device.Id"/> and <see cref="Device.OrganisationId"/> are 0).</summary>
public sealed record DemoDevice(string OrganisationCode, Device Device)
{
    /// <summary>Code of the business group the device is filed under.</summary>
    public string BusinessGroupCode { get; init; } = DemoBusinessGroups.RootCode;
}

/// <summary>A business group (业务分组) of the demo district; parents come first.</summary>
public sealed record DemoBusinessGroup(string Code, string? ParentCode, string Name, int Sort);

/// <summary>The generated demo district: organisation tree (parents first) and devices.</summary>
public sealed record DemoDistrict(IReadOnlyList<DemoOrganisation> Organisations, IReadOnlyList<DemoDevice> Devices)
{
    public IReadOnlyList<DemoBusinessGroup> BusinessGroups { get; init; } = DemoBusinessGroups.All;
}

namespace CityEye.Core.Domain;

/// <summary>Kind of node in the organisation tree.</summary>
public enum OrganisationKind
{
    Bureau,
    Station,
    Traffic,
    Fire,
    Unit,
}

/// <summary>A node of the bureau's organisation tree (bureau, police stations, traffic and fire units).</summary>
/// <param name="Id">Store identity; 0 before it is written.</param>
/// <param name="ParentId">Parent organisation, or null for the bureau itself.</param>
/// <param name="Code">Stable business code, unique (for stations the 8-digit GB/T 28181 centre code prefix + suffix).</param>
/// <param name="Name">Display name in Chinese.</param>
/// <param name="Kind">Kind of organisation.</param>
/// <param name="Region">Town or subdistrict the unit serves (行政区划), or null.</param>
public sealed record Organisation(long Id, long? ParentId, string Code, string Name, OrganisationKind Kind, string? Region);

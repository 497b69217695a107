namespace CityEye.Core.Devices;

/// <summary>
/// Which devices a caller may see: every device of the district, or the devices owned by an explicit set of
/// organisations (sub-organisations already expanded). A required value for every device query and every engine
/// interface that returns devices or data about them (search, vectors, analytics), so no query can forget it and
/// leak the whole district. Resolved on the server from the caller's grants, never from the request.
/// </summary>
public sealed record DeviceScope
{
    private DeviceScope(bool isAll, IReadOnlyList<long> organisationIds)
    {
        IsAll = isAll;
        OrganisationIds = organisationIds;
    }

    /// <summary>Every device of the district.</summary>
    public static DeviceScope All { get; } = new(true, []);

    /// <summary>No device at all.</summary>
    public static DeviceScope None { get; } = new(false, []);

    /// <summary>True when the caller may see every device.</summary>
    public bool IsAll { get; }

    /// <summary>Organisations whose devices the caller may see, ascending; empty when <see cref="IsAll"/>.</summary>
    public IReadOnlyList<long> OrganisationIds { get; }

    /// <summary>True when the caller may see no device.</summary>
    public bool IsEmpty => !IsAll && OrganisationIds.Count == 0;

    /// <summary>Devices of exactly these organisations (sub-organisations must be included by the caller).</summary>
    public static DeviceScope Organisations(IEnumerable<long> organisationIds)
    {
        ArgumentNullException.ThrowIfNull(organisationIds);
        var ids = organisationIds.Distinct().Order().ToArray();
        return ids.Length == 0 ? None : new DeviceScope(false, ids);
    }

    /// <summary>True when a device owned by <paramref name="organisationId"/> is inside the scope.</summary>
    public bool Includes(long organisationId) => IsAll || OrganisationIds.Contains(organisationId);

    /// <summary>Two scopes are equal when they reach the same devices.</summary>
    public bool Equals(DeviceScope? other) =>
        other is not null && IsAll == other.IsAll && OrganisationIds.SequenceEqual(other.OrganisationIds);

    public override int GetHashCode() => IsAll ? 1 : OrganisationIds.Aggregate(17, HashCode.Combine);

    public override string ToString() => IsAll ? "all devices" : $"devices of organisations [{string.Join(", ", OrganisationIds)}]";
}

namespace CityEye.Core.Devices;

/// <summary>
/// Which devices a caller may see: every device of the district, or the devices owned by a set of organisations
/// (sub-organisations already expanded) plus an explicit set of devices (from device roles granting business groups,
/// regions or single devices). A required value for every device query and every engine interface that returns
/// devices or data about them (search, vectors, analytics), so no query can forget it and leak the whole district.
/// Resolved on the server from the caller's device roles, never from the request.
/// </summary>
public sealed record DeviceScope
{
    private DeviceScope(bool isAll, IReadOnlyList<long> organisationIds, IReadOnlyList<long> deviceIds)
    {
        IsAll = isAll;
        OrganisationIds = organisationIds;
        DeviceIds = deviceIds;
    }

    /// <summary>Every device of the district.</summary>
    public static DeviceScope All { get; } = new(true, [], []);

    /// <summary>No device at all.</summary>
    public static DeviceScope None { get; } = new(false, [], []);

    /// <summary>True when the caller may see every device.</summary>
    public bool IsAll { get; }

    /// <summary>Organisations whose devices the caller may see, ascending; empty when <see cref="IsAll"/>.</summary>
    public IReadOnlyList<long> OrganisationIds { get; }

    /// <summary>Further single devices the caller may see (outside those organisations), ascending.</summary>
    public IReadOnlyList<long> DeviceIds { get; }

    /// <summary>True when the caller may see no device.</summary>
    public bool IsEmpty => !IsAll && OrganisationIds.Count == 0 && DeviceIds.Count == 0;

    /// <summary>Devices of exactly these organisations (sub-organisations must be included by the caller).</summary>
    public static DeviceScope Organisations(IEnumerable<long> organisationIds) => Of(organisationIds, []);

    /// <summary>Devices of these organisations and these single devices.</summary>
    public static DeviceScope Of(IEnumerable<long> organisationIds, IEnumerable<long> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(organisationIds);
        ArgumentNullException.ThrowIfNull(deviceIds);
        var organisations = organisationIds.Distinct().Order().ToArray();
        var devices = deviceIds.Distinct().Order().ToArray();
        return organisations.Length == 0 && devices.Length == 0 ? None : new DeviceScope(false, organisations, devices);
    }

    /// <summary>
    /// True when every device owned by <paramref name="organisationId"/> is inside the scope (what creating a device
    /// in that organisation, or moving one there, requires).
    /// </summary>
    public bool CoversOrganisation(long organisationId) => IsAll || OrganisationIds.Contains(organisationId);

    /// <summary>True when the device <paramref name="deviceId"/>, owned by <paramref name="organisationId"/>, is inside the scope.</summary>
    public bool Includes(long organisationId, long deviceId) =>
        IsAll || OrganisationIds.Contains(organisationId) || (deviceId > 0 && DeviceIds.Contains(deviceId));

    /// <summary>True when every device this scope reaches is also inside <paramref name="other"/>.</summary>
    public bool IsWithin(DeviceScope other, Func<long, long> organisationOfDevice)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(organisationOfDevice);
        if (other.IsAll)
        {
            return true;
        }

        return !IsAll && OrganisationIds.All(other.CoversOrganisation) && DeviceIds.All(d => other.Includes(organisationOfDevice(d), d));
    }

    /// <summary>Two scopes are equal when they reach the same devices.</summary>
    public bool Equals(DeviceScope? other) =>
        other is not null && IsAll == other.IsAll && OrganisationIds.SequenceEqual(other.OrganisationIds) && DeviceIds.SequenceEqual(other.DeviceIds);

    public override int GetHashCode() => IsAll ? 1 : HashCode.Combine(OrganisationIds.Aggregate(17, HashCode.Combine), DeviceIds.Aggregate(19, HashCode.Combine));

    public override string ToString() => IsAll ? "all devices"
        : $"devices of organisations [{string.Join(", ", OrganisationIds)}]" + (DeviceIds.Count > 0 ? $" and {DeviceIds.Count} further devices" : string.Empty);
}

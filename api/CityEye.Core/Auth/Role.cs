namespace CityEye.Core.Auth;

/// <summary>
/// A shipped role as the seeding writes it once: a function role (permissions), a device role (device grants) or a
/// service role (services an external system may call). After the first start it is an ordinary role.
/// </summary>
public sealed record Role(
    string Name,
    string DisplayName,
    string Description,
    IReadOnlyList<string> Permissions,
    string Kind = RoleKinds.Function,
    IReadOnlyList<DeviceGrant>? DeviceGrants = null,
    IReadOnlyList<string>? Services = null);

/// <summary>The three kinds of role (UM-7).</summary>
public static class RoleKinds
{
    /// <summary>Menus and API functions (<see cref="Auth.Permissions"/>).</summary>
    public const string Function = "function";

    /// <summary>Device sets: organisations, business groups, regions, single devices.</summary>
    public const string Device = "device";

    /// <summary>The APIs an external system may call with a token (<see cref="ServiceCatalog"/>).</summary>
    public const string Service = "service";

    public static IReadOnlyList<string> All { get; } = [Function, Device, Service];
}

/// <summary>
/// One device set a device role grants. <see cref="Kind"/> is one of <see cref="DeviceGrantKinds"/>;
/// <see cref="Value"/> is the organisation, business group or device id, or the region name ("" for all).
/// Organisations and business groups include everything below them in their trees.
/// </summary>
public sealed record DeviceGrant(string Kind, string Value);

/// <summary>Kinds of device grant.</summary>
public static class DeviceGrantKinds
{
    public const string All = "all";
    public const string Organisation = "organisation";
    public const string Group = "group";
    public const string Region = "region";
    public const string Device = "device";

    public static IReadOnlyList<string> Every { get; } = [All, Organisation, Group, Region, Device];
}

namespace CityEye.Core.Auth;

/// <summary>How far a user's device permission reaches (resolved into a <see cref="Devices.DeviceScope"/> per request).</summary>
public enum DeviceReach
{
    /// <summary>Every device of the district.</summary>
    All,

    /// <summary>Only devices owned by the organisations granted to the user (and their sub-organisations).</summary>
    Organisations,
}

namespace CityEye.Core.Domain;

/// <summary>Device type in the tender's mix (REQUIREMENTS.md context).</summary>
public enum DeviceType
{
    SmartBullet,
    HdBullet,
    HdDome,
    HighPoint,
    Drone,
    WirelessEmergency,
    VehicleMounted,
}

/// <summary>Operational state of a device as last reported.</summary>
public enum DeviceStatus
{
    Online,
    Offline,
    Fault,
}

/// <summary>A video device (camera or other video point) of the one-camera-one-file ledger.</summary>
/// <remarks>First device model; the archive issue extends it with location and management attributes.</remarks>
public sealed record Device
{
    public long Id { get; init; }

    /// <summary>20-digit GB/T 28181 code, unique.</summary>
    public required string GbCode { get; init; }

    /// <summary>Display name, e.g. "青浦盈港东路华青路口东北角_智能枪机".</summary>
    public required string Name { get; init; }

    /// <summary>Short number keyed on a video-wall keyboard, unique.</summary>
    public required string KeyboardCode { get; init; }

    public required DeviceType Type { get; init; }

    public required DeviceStatus Status { get; init; }

    /// <summary>Owning organisation (police station or unit).</summary>
    public required long OrganisationId { get; init; }

    /// <summary>Town or subdistrict (行政区划) the device stands in.</summary>
    public required string Region { get; init; }

    public required string IpAddress { get; init; }

    public required string Manufacturer { get; init; }

    public required string Model { get; init; }

    /// <summary>Resolution label such as "1920x1080".</summary>
    public required string Resolution { get; init; }

    /// <summary>WGS-84 longitude.</summary>
    public required double Longitude { get; init; }

    /// <summary>WGS-84 latitude.</summary>
    public required double Latitude { get; init; }

    public string? Address { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

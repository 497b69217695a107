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
/// <remarks>
/// The one-camera-one-file record (一机一档): TG-4 networking fields, GB/T 28181 access fields, location,
/// management, networking level, dynamic information (AR-8, written by the status feed, not versioned) and
/// extensible attributes (AR-10). <see cref="CityEye.Core.Devices.DeviceFields"/> names every field for rules,
/// versions, import and export.
/// </remarks>
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

    /// <summary>Business group (业务分组) the device is filed under.</summary>
    public long? BusinessGroupId { get; init; }

    /// <summary>Function type code (dictionary <c>functionType</c>: vehicle checkpoint, person checkpoint, ...).</summary>
    public string? FunctionType { get; init; }

    /// <summary>Video signal type code (dictionary <c>videoSignalType</c>: digital, analogue).</summary>
    public string? VideoSignalType { get; init; }

    /// <summary>GB/T 28181 signalling port of the device.</summary>
    public int? Port { get; init; }

    /// <summary>GB/T 28181 SIP domain (usually the first 10 digits of the platform code).</summary>
    public string? SipDomain { get; init; }

    /// <summary>20-digit code of the platform the device is registered under.</summary>
    public string? ParentPlatform { get; init; }

    public string? Road { get; init; }

    /// <summary>Crossing road at an intersection.</summary>
    public string? Crossing { get; init; }

    /// <summary>Direction the camera looks or the corner it stands on (dictionary <c>direction</c>).</summary>
    public string? Direction { get; init; }

    /// <summary>Maintenance company.</summary>
    public string? Maintainer { get; init; }

    /// <summary>Maintainer's telephone.</summary>
    public string? MaintainerContact { get; init; }

    /// <summary>Installation date, yyyy-MM-dd.</summary>
    public string? InstalledOn { get; init; }

    /// <summary>Construction project (建设项目) that installed the device.</summary>
    public string? ConstructionProject { get; init; }

    /// <summary>Networking level code (dictionary <c>networkingLevel</c>: none, city, province, ministry).</summary>
    public string NetworkingLevel { get; init; } = "none";

    /// <summary>When the status feed last saw the device come online.</summary>
    public DateTimeOffset? LastOnlineAt { get; init; }

    /// <summary>When the status feed last saw the device go offline.</summary>
    public DateTimeOffset? LastOfflineAt { get; init; }

    /// <summary>Share of the last 7 days covered by recordings, 0..1, from the status feed.</summary>
    public double? RecordingCompleteness { get; init; }

    /// <summary>Extensible attributes (fields defined at run time, e.g. from the city's dictionaries), by field key.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = NoAttributes;

    /// <summary>The shared empty attribute set (so that devices without attributes compare equal).</summary>
    public static IReadOnlyDictionary<string, string> NoAttributes { get; } = new Dictionary<string, string>();

    /// <summary>Optimistic-concurrency version, 1 on creation, incremented by every edit.</summary>
    public int Version { get; init; } = 1;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

using System.Globalization;
using CityEye.Core.Domain;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices;

/// <summary>Section of the device file a field belongs to (the tabs of the device page).</summary>
public static class DeviceSections
{
    public const string Basic = "basic";
    public const string Access = "access";
    public const string Location = "location";
    public const string Management = "management";
    public const string Networking = "networking";
    public const string Dynamic = "dynamic";
    public const string Extended = "extended";
}

/// <summary>Value kinds of device fields.</summary>
public static class FieldDataTypes
{
    public const string Text = "text";
    public const string WholeNumber = "integer";
    public const string Number = "number";
    public const string Date = "date";
    public const string Dictionary = "dictionary";
    public const string Organisation = "organisation";
    public const string BusinessGroup = "businessGroup";
    public const string Time = "time";
}

/// <summary>A field of the device file: built in, or defined at run time (city dictionary adaptation, AR-10).</summary>
public sealed record FieldDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required string LabelEn { get; init; }

    public required string Section { get; init; }

    public required string DataType { get; init; }

    /// <summary>Dictionary whose codes the field takes, for <see cref="FieldDataTypes.Dictionary"/> fields.</summary>
    public string? Dictionary { get; init; }

    public bool BuiltIn { get; init; }

    public int Sort { get; init; }

    /// <summary>Where the definition came from: <c>builtin</c>, or the import that added it.</summary>
    public string Source { get; init; } = "builtin";

    /// <summary>Dynamic fields are written by the status feed, not by users, and are not versioned.</summary>
    public bool ReadOnly => Section == DeviceSections.Dynamic;
}

/// <summary>
/// The built-in fields of the device file and the conversions between a <see cref="Device"/> and its field map
/// (camelCase key to invariant text), which rules, versions, import and export all work on.
/// </summary>
public static class DeviceFields
{
    private static readonly (FieldDefinition Field, Func<Device, string?> Get)[] BuiltIns =
    [
        (F("gbCode", "国标编码", "GB/T 28181 code", DeviceSections.Basic, FieldDataTypes.Text), d => d.GbCode),
        (F("name", "设备名称", "Name", DeviceSections.Basic, FieldDataTypes.Text), d => d.Name),
        (F("keyboardCode", "键盘码", "Keyboard code", DeviceSections.Basic, FieldDataTypes.Text), d => d.KeyboardCode),
        (F("type", "设备类型", "Device type", DeviceSections.Basic, FieldDataTypes.Dictionary, "deviceType"), d => d.Type.ToString()),
        (F("status", "设备状态", "Status", DeviceSections.Basic, FieldDataTypes.Dictionary, "deviceStatus"), d => d.Status.ToString()),
        (F("functionType", "功能类型", "Function type", DeviceSections.Basic, FieldDataTypes.Dictionary, "functionType"), d => d.FunctionType),
        (F("organisationId", "管辖单位", "Owning unit", DeviceSections.Basic, FieldDataTypes.Organisation), d => Text(d.OrganisationId)),
        (F("businessGroupId", "业务分组", "Business group", DeviceSections.Basic, FieldDataTypes.BusinessGroup), d => d.BusinessGroupId is { } g ? Text(g) : null),
        (F("region", "行政区划", "Administrative region", DeviceSections.Basic, FieldDataTypes.Dictionary, "region"), d => d.Region),
        (F("longitude", "经度", "Longitude", DeviceSections.Basic, FieldDataTypes.Number), d => Text(d.Longitude)),
        (F("latitude", "纬度", "Latitude", DeviceSections.Basic, FieldDataTypes.Number), d => Text(d.Latitude)),
        (F("videoSignalType", "视频信号类型", "Video signal type", DeviceSections.Basic, FieldDataTypes.Dictionary, "videoSignalType"), d => d.VideoSignalType),
        (F("resolution", "分辨率", "Resolution", DeviceSections.Basic, FieldDataTypes.Text), d => d.Resolution),
        (F("manufacturer", "厂商", "Manufacturer", DeviceSections.Basic, FieldDataTypes.Dictionary, "manufacturer"), d => d.Manufacturer),
        (F("model", "型号", "Model", DeviceSections.Basic, FieldDataTypes.Text), d => d.Model),
        (F("ipAddress", "IP 地址", "IP address", DeviceSections.Access, FieldDataTypes.Text), d => d.IpAddress),
        (F("port", "端口", "Port", DeviceSections.Access, FieldDataTypes.WholeNumber), d => d.Port is { } p ? Text(p) : null),
        (F("sipDomain", "SIP 域", "SIP domain", DeviceSections.Access, FieldDataTypes.Text), d => d.SipDomain),
        (F("parentPlatform", "上级平台编码", "Parent platform code", DeviceSections.Access, FieldDataTypes.Text), d => d.ParentPlatform),
        (F("address", "安装地址", "Address", DeviceSections.Location, FieldDataTypes.Text), d => d.Address),
        (F("road", "所在道路", "Road", DeviceSections.Location, FieldDataTypes.Text), d => d.Road),
        (F("crossing", "交叉道路", "Crossing", DeviceSections.Location, FieldDataTypes.Text), d => d.Crossing),
        (F("direction", "监视方向", "Direction", DeviceSections.Location, FieldDataTypes.Dictionary, "direction"), d => d.Direction),
        (F("maintainer", "维护单位", "Maintainer", DeviceSections.Management, FieldDataTypes.Text), d => d.Maintainer),
        (F("maintainerContact", "维护电话", "Maintainer contact", DeviceSections.Management, FieldDataTypes.Text), d => d.MaintainerContact),
        (F("installedOn", "安装日期", "Installation date", DeviceSections.Management, FieldDataTypes.Date), d => d.InstalledOn),
        (F("constructionProject", "建设项目", "Construction project", DeviceSections.Management, FieldDataTypes.Text), d => d.ConstructionProject),
        (F("networkingLevel", "联网级别", "Networking level", DeviceSections.Networking, FieldDataTypes.Dictionary, "networkingLevel"), d => d.NetworkingLevel),
        (F("lastOnlineAt", "最近上线时间", "Last online", DeviceSections.Dynamic, FieldDataTypes.Time), d => d.LastOnlineAt?.ToString("O", CultureInfo.InvariantCulture)),
        (F("lastOfflineAt", "最近离线时间", "Last offline", DeviceSections.Dynamic, FieldDataTypes.Time), d => d.LastOfflineAt?.ToString("O", CultureInfo.InvariantCulture)),
        (F("recordingCompleteness", "录像完整率", "Recording completeness", DeviceSections.Dynamic, FieldDataTypes.Number), d => d.RecordingCompleteness is { } r ? Text(r) : null),
    ];

    private static readonly Dictionary<string, Func<Device, string?>> Getters = BuiltIns.ToDictionary(b => b.Field.Key, b => b.Get, StringComparer.Ordinal);

    /// <summary>The built-in fields in display order.</summary>
    public static IReadOnlyList<FieldDefinition> BuiltIn { get; } = [.. BuiltIns.Select((b, i) => b.Field with { Sort = (i + 1) * 10 })];

    public static bool IsBuiltIn(string key) => Getters.ContainsKey(key);

    /// <summary>The editable fields of <paramref name="device"/> (built-in and extended) as invariant text.</summary>
    public static Dictionary<string, string?> ToMap(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (field, get) in BuiltIns)
        {
            if (!field.ReadOnly)
            {
                map[field.Key] = get(device);
            }
        }

        foreach (var (key, value) in device.Attributes)
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>The value of any field (built-in, dynamic or extended) as invariant text.</summary>
    public static string? Get(Device device, string key)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Getters.TryGetValue(key, out var get) ? get(device) : device.Attributes.GetValueOrDefault(key);
    }

    /// <summary>
    /// Builds a device from a field map. Values that do not parse (a longitude that is not a number, an unknown device
    /// type) are reported as violations and left empty in the device; the rules then check the rest. Keys that are not
    /// fields of <paramref name="extendedKeys"/> or built in are reported as unknown fields.
    /// </summary>
    public static (Device Device, List<Violation> Violations) FromMap(IReadOnlyDictionary<string, string?> map, IReadOnlySet<string> extendedKeys)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(extendedKeys);
        var errors = new List<Violation>();
        string? S(string key) => map.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        double D(string key)
        {
            var text = S(key);
            if (text is null)
            {
                return double.NaN;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            errors.Add(new Violation(key, ErrorCodes.Format, new Dictionary<string, object?> { ["value"] = Clip(text) }));
            return double.NaN;
        }

        long? L(string key)
        {
            var text = S(key);
            if (text is null)
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors.Add(new Violation(key, ErrorCodes.Format, new Dictionary<string, object?> { ["value"] = Clip(text) }));
            return null;
        }

        TEnum E<TEnum>(string key)
            where TEnum : struct, Enum
        {
            var text = S(key);
            if (text is not null && !text.All(char.IsAsciiDigit) && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
            {
                return value;
            }

            // Missing values are the "required" rule's to report; present but unknown ones are reported here.
            if (text is not null)
            {
                errors.Add(new Violation(key, ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = Clip(text) }));
            }

            return default;
        }

        foreach (var key in map.Keys)
        {
            if (!IsBuiltIn(key) && !extendedKeys.Contains(key))
            {
                errors.Add(new Violation(key, ErrorCodes.UnknownField, new Dictionary<string, object?> { ["value"] = Clip(key) }));
            }
        }

        var port = L("port");
        if (port is < int.MinValue or > int.MaxValue)
        {
            errors.Add(new Violation("port", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = 65535 }));
            port = null;
        }

        var device = new Device
        {
            GbCode = S("gbCode") ?? string.Empty,
            Name = S("name") ?? string.Empty,
            KeyboardCode = S("keyboardCode") ?? string.Empty,
            Type = E<DeviceType>("type"),
            Status = E<DeviceStatus>("status"),
            OrganisationId = L("organisationId") ?? 0,
            BusinessGroupId = L("businessGroupId"),
            Region = S("region") ?? string.Empty,
            FunctionType = S("functionType"),
            VideoSignalType = S("videoSignalType"),
            Resolution = S("resolution") ?? string.Empty,
            Manufacturer = S("manufacturer") ?? string.Empty,
            Model = S("model") ?? string.Empty,
            Longitude = D("longitude"),
            Latitude = D("latitude"),
            IpAddress = S("ipAddress") ?? string.Empty,
            Port = (int?)port,
            SipDomain = S("sipDomain"),
            ParentPlatform = S("parentPlatform"),
            Address = S("address"),
            Road = S("road"),
            Crossing = S("crossing"),
            Direction = S("direction"),
            Maintainer = S("maintainer"),
            MaintainerContact = S("maintainerContact"),
            InstalledOn = S("installedOn"),
            ConstructionProject = S("constructionProject"),
            NetworkingLevel = S("networkingLevel") ?? "none",
            Attributes = map.Any(p => extendedKeys.Contains(p.Key) && !string.IsNullOrWhiteSpace(p.Value))
                ? map.Where(p => extendedKeys.Contains(p.Key) && !string.IsNullOrWhiteSpace(p.Value)).ToDictionary(p => p.Key, p => p.Value!.Trim(), StringComparer.Ordinal)
                : Device.NoAttributes,
        };
        return (device, errors);
    }

    /// <summary>Field-by-field differences of the editable fields.</summary>
    public static List<FieldChange> Diff(Device before, Device after)
    {
        var a = DeviceFields.ToMap(before);
        var b = DeviceFields.ToMap(after);
        return [.. a.Keys.Union(b.Keys)
            .Select(k => new FieldChange(k, a.GetValueOrDefault(k), b.GetValueOrDefault(k)))
            .Where(c => !string.Equals(c.Before, c.After, StringComparison.Ordinal))];
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static FieldDefinition F(string key, string label, string labelEn, string section, string dataType, string? dictionary = null) => new()
    {
        Key = key,
        Label = label,
        LabelEn = labelEn,
        Section = section,
        DataType = dataType,
        Dictionary = dictionary,
        BuiltIn = true,
    };
}

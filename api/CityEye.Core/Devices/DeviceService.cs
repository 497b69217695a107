using System.Net;
using CityEye.Core.Domain;

namespace CityEye.Core.Devices;

/// <summary>
/// The one path by which devices enter the ledger (UI, import, connectors, demo seeding): field rules, uniqueness
/// inside the batch and against the store, then one transaction with outbox rows. A batch with any problem writes
/// nothing and reports every problem per row and field.
/// </summary>
public sealed class DeviceService(DeviceStore store)
{
    public const int MaxNameLength = 128;
    public const int MaxBatchSize = 20_000;

    /// <summary>Which of <paramref name="gbCodes"/> the ledger already holds.</summary>
    public Task<IReadOnlySet<string>> ExistingAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
        => store.ExistingGbCodesAsync(gbCodes, cancellationToken);

    public async Task<DeviceBatchResult> CreateManyAsync(IReadOnlyList<Device> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count > MaxBatchSize)
        {
            throw new ArgumentException($"At most {MaxBatchSize} devices per batch.", nameof(devices));
        }

        var problems = new List<DeviceRowProblems>();
        var existingGb = await store.ExistingGbCodesAsync(devices.Select(d => d.GbCode), cancellationToken);
        var existingKeyboard = await store.ExistingKeyboardCodesAsync(devices.Select(d => d.KeyboardCode), cancellationToken);
        var seenGb = new HashSet<string>(StringComparer.Ordinal);
        var seenKeyboard = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            var errors = Validate(device);
            if (existingGb.Contains(device.GbCode) || !seenGb.Add(device.GbCode))
            {
                Add(errors, "gbCode", $"国标编码 {device.GbCode} 已存在 (GB/T 28181 code already in use)");
            }

            if (existingKeyboard.Contains(device.KeyboardCode) || !seenKeyboard.Add(device.KeyboardCode))
            {
                Add(errors, "keyboardCode", $"键盘码 {device.KeyboardCode} 已存在 (keyboard code already in use)");
            }

            if (errors.Count > 0)
            {
                problems.Add(new DeviceRowProblems(i + 1, device.GbCode, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal)));
            }
        }

        if (problems.Count > 0)
        {
            return new DeviceBatchResult([], problems);
        }

        var ids = await store.InsertManyAsync(devices, cancellationToken);
        return new DeviceBatchResult(ids, []);
    }

    /// <summary>Field rules of the ledger (AR-3 compliance check), by camelCase field name.</summary>
    public static Dictionary<string, List<string>> Validate(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!GbCode.IsValid(device.GbCode))
        {
            Add(errors, "gbCode", "国标编码须为 20 位有效的 GB/T 28181 编码 (must be a valid 20-digit GB/T 28181 code)");
        }

        Required(errors, "name", device.Name, MaxNameLength);
        if (string.IsNullOrWhiteSpace(device.KeyboardCode) || device.KeyboardCode.Length > 16 || !device.KeyboardCode.All(char.IsAsciiDigit))
        {
            Add(errors, "keyboardCode", "键盘码须为 1-16 位数字 (1-16 digits)");
        }

        if (!Enum.IsDefined(device.Type))
        {
            Add(errors, "type", "未知设备类型 (unknown device type)");
        }

        if (!Enum.IsDefined(device.Status))
        {
            Add(errors, "status", "未知设备状态 (unknown device status)");
        }

        if (device.OrganisationId <= 0)
        {
            Add(errors, "organisationId", "须指定所属单位 (owning organisation required)");
        }

        Required(errors, "region", device.Region, 64);
        if (!IPAddress.TryParse(device.IpAddress, out _))
        {
            Add(errors, "ipAddress", "IP 地址格式错误 (not an IP address)");
        }

        Required(errors, "manufacturer", device.Manufacturer, 64);
        Required(errors, "model", device.Model, 64);
        Required(errors, "resolution", device.Resolution, 32);
        if (device.Longitude is < 73 or > 136 || double.IsNaN(device.Longitude))
        {
            Add(errors, "longitude", "经度须在中国范围内 73-136 (longitude out of range)");
        }

        if (device.Latitude is < 3 or > 54 || double.IsNaN(device.Latitude))
        {
            Add(errors, "latitude", "纬度须在中国范围内 3-54 (latitude out of range)");
        }

        if (device.Address is { Length: > 256 })
        {
            Add(errors, "address", "地址最长 256 字 (at most 256 characters)");
        }

        return errors;
    }

    private static void Required(Dictionary<string, List<string>> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(errors, field, "必填 (required)");
        }
        else if (value.Length > maxLength)
        {
            Add(errors, field, $"最长 {maxLength} 字 (at most {maxLength} characters)");
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }
}

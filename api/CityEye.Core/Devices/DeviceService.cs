using System.Net;
using CityEye.Core.Domain;
using CityEye.Core.Validation;

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
                errors.Add(new Violation("gbCode", ErrorCodes.Unique, Value(device.GbCode)));
            }

            if (existingKeyboard.Contains(device.KeyboardCode) || !seenKeyboard.Add(device.KeyboardCode))
            {
                errors.Add(new Violation("keyboardCode", ErrorCodes.Unique, Value(device.KeyboardCode)));
            }

            if (errors.Count > 0)
            {
                problems.Add(new DeviceRowProblems(i + 1, device.GbCode, errors));
            }
        }

        if (problems.Count > 0)
        {
            return new DeviceBatchResult([], problems);
        }

        var ids = await store.InsertManyAsync(devices, cancellationToken);
        return new DeviceBatchResult(ids, []);
    }

    /// <summary>Field rules of the ledger (AR-3 compliance check), as coded violations of camelCase fields.</summary>
    public static List<Violation> Validate(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var errors = new List<Violation>();
        if (!GbCode.IsValid(device.GbCode))
        {
            errors.Add(new Violation("gbCode", ErrorCodes.Format));
        }

        Required(errors, "name", device.Name, MaxNameLength);
        if (string.IsNullOrWhiteSpace(device.KeyboardCode) || device.KeyboardCode.Length > 16 || !device.KeyboardCode.All(char.IsAsciiDigit))
        {
            errors.Add(new Violation("keyboardCode", ErrorCodes.Format));
        }

        if (!Enum.IsDefined(device.Type))
        {
            errors.Add(new Violation("type", ErrorCodes.UnknownValue, Value(device.Type.ToString())));
        }

        if (!Enum.IsDefined(device.Status))
        {
            errors.Add(new Violation("status", ErrorCodes.UnknownValue, Value(device.Status.ToString())));
        }

        if (device.OrganisationId <= 0)
        {
            errors.Add(new Violation("organisationId", ErrorCodes.Required));
        }

        Required(errors, "region", device.Region, 64);
        if (!IPAddress.TryParse(device.IpAddress, out _))
        {
            errors.Add(new Violation("ipAddress", ErrorCodes.Format));
        }

        Required(errors, "manufacturer", device.Manufacturer, 64);
        Required(errors, "model", device.Model, 64);
        Required(errors, "resolution", device.Resolution, 32);
        if (device.Longitude is < 73 or > 136 || double.IsNaN(device.Longitude))
        {
            errors.Add(new Violation("longitude", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 73, ["max"] = 136 }));
        }

        if (device.Latitude is < 3 or > 54 || double.IsNaN(device.Latitude))
        {
            errors.Add(new Violation("latitude", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 3, ["max"] = 54 }));
        }

        if (device.Address is { Length: > 256 })
        {
            errors.Add(new Violation("address", ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = 0, ["max"] = 256 }));
        }

        return errors;
    }

    private static void Required(List<Violation> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new Violation(field, ErrorCodes.Required));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new Violation(field, ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = 1, ["max"] = maxLength }));
        }
    }

    private static Dictionary<string, object?> Value(string value) => new() { ["value"] = value };
}

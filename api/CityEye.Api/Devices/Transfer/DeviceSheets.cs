using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Domain;

namespace CityEye.Api.Devices.Transfer;

/// <summary>
/// The device ledger as a spreadsheet: one column per editable field, headed by its Chinese label; dictionary fields
/// hold their labels (drop-downs in the template), units and business groups their names. Export, template and
/// import use this one mapping, so an export re-imports unchanged.
/// </summary>
internal sealed class DeviceSheets(IReadOnlyList<FieldDefinition> fields, IReadOnlyList<DictionaryItem> dictionary, IReadOnlyDictionary<long, string> organisations, IReadOnlyDictionary<long, string> groups)
{
    public const string SheetName = "设备档案";

    /// <summary>Editable fields in column order.</summary>
    public IReadOnlyList<FieldDefinition> Columns { get; } = [.. fields.Where(f => !f.ReadOnly).OrderBy(f => f.Sort)];

    public IReadOnlyList<string> Header => [.. Columns.Select(f => f.Label)];

    /// <summary>The cells of one device, in column order.</summary>
    public IReadOnlyList<object?> Row(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return [.. Columns.Select(f => Cell(f, DeviceFields.Get(device, f.Key)))];
    }

    /// <summary>Drop-down lists (dictionary labels, unit names, group names) by column.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> DropDowns()
    {
        var result = new Dictionary<int, IReadOnlyList<string>>();
        for (var i = 0; i < Columns.Count; i++)
        {
            IReadOnlyList<string>? values = Columns[i].DataType switch
            {
                FieldDataTypes.Dictionary => [.. dictionary.Where(d => d.Dictionary == Columns[i].Dictionary && d.Enabled).Select(d => d.Label)],
                FieldDataTypes.Organisation => [.. organisations.Values.Order(StringComparer.Ordinal)],
                FieldDataTypes.BusinessGroup => [.. groups.Values.Order(StringComparer.Ordinal)],
                _ => null,
            };
            if (values is { Count: > 0 })
            {
                result[i] = values;
            }
        }

        return result;
    }

    /// <summary>
    /// Maps a header row to fields: a cell may hold a field's Chinese or English label or its key. Unknown headers
    /// and a missing GB code column are problems of the whole file.
    /// </summary>
    public (Dictionary<int, FieldDefinition> Map, List<string> Unknown, bool HasGbCode) MapHeader(IReadOnlyList<string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var map = new Dictionary<int, FieldDefinition>();
        var unknown = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var text = header[i]?.Trim().TrimEnd('*');
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            var field = Columns.FirstOrDefault(f => f.Label == text || string.Equals(f.LabelEn, text, StringComparison.OrdinalIgnoreCase) || f.Key == text);
            if (field is null || map.ContainsValue(field))
            {
                unknown.Add(text.Length > 40 ? text[..40] + "…" : text);
            }
            else
            {
                map[i] = field;
            }
        }

        return (map, unknown, map.Values.Any(f => f.Key == "gbCode"));
    }

    /// <summary>A cell's text as the field value (labels and names back to codes and ids; Excel dates to yyyy-MM-dd).</summary>
    public string? Value(FieldDefinition field, string? cell)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (string.IsNullOrWhiteSpace(cell))
        {
            return null;
        }

        switch (field.DataType)
        {
            case FieldDataTypes.Dictionary:
                return dictionary.FirstOrDefault(d => d.Dictionary == field.Dictionary && (d.Label == cell || d.Code == cell))?.Code ?? cell;
            case FieldDataTypes.Organisation:
                return organisations.FirstOrDefault(o => o.Value == cell).Key is var o and > 0 ? Text(o) : cell;
            case FieldDataTypes.BusinessGroup:
                return groups.FirstOrDefault(g => g.Value == cell).Key is var g and > 0 ? Text(g) : cell;
            case FieldDataTypes.Date when double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1 and < 100_000:
                return DateOnly.FromDateTime(DateTime.FromOADate(serial)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            default:
                return cell;
        }
    }

    private object? Cell(FieldDefinition field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        return field.DataType switch
        {
            FieldDataTypes.Dictionary => dictionary.FirstOrDefault(d => d.Dictionary == field.Dictionary && d.Code == value)?.Label ?? value,
            FieldDataTypes.Organisation => long.TryParse(value, CultureInfo.InvariantCulture, out var o) ? organisations.GetValueOrDefault(o, value) : value,
            FieldDataTypes.BusinessGroup => long.TryParse(value, CultureInfo.InvariantCulture, out var g) ? groups.GetValueOrDefault(g, value) : value,
            FieldDataTypes.Number when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => value,
        };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The template's example row: a plausible device of the demo district.</summary>
    public IReadOnlyList<object?> Example(long organisationId, long? groupId) => Row(new Device
    {
        GbCode = GbCode.Create("31011801", "00", "132", 0, 999_001),
        Name = "夏阳街道盈港东路华浦路路口东北角_智能枪机",
        KeyboardCode = "119001",
        Type = DeviceType.SmartBullet,
        Status = DeviceStatus.Online,
        OrganisationId = organisationId,
        BusinessGroupId = groupId,
        Region = "夏阳街道",
        FunctionType = "4",
        VideoSignalType = "1",
        IpAddress = "10.101.39.1",
        Port = 5060,
        SipDomain = "3101180100",
        ParentPlatform = GbCode.Create("31011801", "00", "200", 0, 1),
        Manufacturer = "海康威视",
        Model = "iDS-2CD7A46G0/P-IZHSY",
        Resolution = "2560x1440",
        Longitude = 121.1012,
        Latitude = 31.1498,
        Address = "夏阳街道盈港东路1001号",
        Road = "盈港东路",
        Crossing = "华浦路",
        Direction = "东北角",
        Maintainer = "上海青浦智能安防工程有限公司",
        MaintainerContact = "021-59701234",
        InstalledOn = "2024-05-01",
        ConstructionProject = "青浦区城市之眼建设",
        NetworkingLevel = "city",
    });
}

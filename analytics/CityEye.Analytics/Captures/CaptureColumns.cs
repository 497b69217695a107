using System.Globalization;
using CityEye.Core.Captures;

namespace CityEye.Analytics.Captures;

/// <summary>
/// The columns of the <c>captures</c> table, in one order for the DuckDB appender, ClickHouse's JSONEachRow and the
/// readers. Unknown attributes are empty text; the vector is a separate column (half-precision bytes) read only by
/// the index rebuild.
/// </summary>
public static class CaptureColumns
{
    public const string Table = "captures";

    public static IReadOnlyList<string> Names { get; } =
    [
        "id", "type", "source", "source_id", "at_ms", "day", "device_id", "device_code", "box_x", "box_y", "box_w", "box_h",
        "scene_image", "crop_image", "gender", "age_group", "glasses", "mask", "upper_colour", "lower_colour", "backpack",
        "hat", "sleeve_length", "plate_province", "plate_tail", "plate_colour", "vehicle_colour", "vehicle_type", "brand",
        "person_id", "ingested_ms",
    ];

    /// <summary>The columns for SELECT, in <see cref="Names"/> order.</summary>
    public static string List { get; } = string.Join(", ", Names);

    /// <summary>The column of each attribute (camelCase API name to column).</summary>
    public static IReadOnlyDictionary<string, string> AttributeColumns { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gender"] = "gender",
        ["ageGroup"] = "age_group",
        ["glasses"] = "glasses",
        ["mask"] = "mask",
        ["upperColour"] = "upper_colour",
        ["lowerColour"] = "lower_colour",
        ["backpack"] = "backpack",
        ["hat"] = "hat",
        ["sleeveLength"] = "sleeve_length",
        ["plateColour"] = "plate_colour",
        ["vehicleColour"] = "vehicle_colour",
        ["vehicleType"] = "vehicle_type",
        ["brand"] = "brand",
    };

    public static string TypeName(CaptureType type) => type switch
    {
        CaptureType.Face => "face",
        CaptureType.Body => "body",
        CaptureType.Vehicle => "vehicle",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static CaptureType ParseType(string name) => name switch
    {
        "face" => CaptureType.Face,
        "body" => CaptureType.Body,
        "vehicle" => CaptureType.Vehicle,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The values of a capture in <see cref="Names"/> order (long, int, DateOnly or string).</summary>
    public static object[] Values(Capture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var a = capture.Attributes;
        var (province, tail) = a.PlateNumber is { Length: > 0 } plate ? Plates.Split(Plates.Normalise(plate)) : (string.Empty, string.Empty);
        var box = capture.Box ?? new CaptureBox(0, 0, 0, 0);
        var at = capture.Time.ToUnixTimeMilliseconds();
        return
        [
            capture.Id, TypeName(capture.Type), capture.Source, capture.SourceId, at, DayOf(at), capture.DeviceId, capture.DeviceCode,
            box.X, box.Y, box.Width, box.Height, capture.SceneImage ?? string.Empty, capture.CropImage ?? string.Empty,
            a.Gender ?? string.Empty, a.AgeGroup ?? string.Empty, a.Glasses ?? string.Empty, a.Mask ?? string.Empty,
            a.UpperColour ?? string.Empty, a.LowerColour ?? string.Empty, a.Backpack ?? string.Empty, a.Hat ?? string.Empty,
            a.SleeveLength ?? string.Empty, province, tail, a.PlateColour ?? string.Empty, a.VehicleColour ?? string.Empty,
            a.VehicleType ?? string.Empty, a.Brand ?? string.Empty, capture.PersonId, capture.IngestedAt.ToUnixTimeMilliseconds(),
        ];
    }

    /// <summary>A capture from the values of one row in <see cref="Names"/> order.</summary>
    public static Capture FromValues(Func<int, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var boxW = (int)LogColumns.Long(value(10));
        var plate = LogColumns.Text(value(23)) + LogColumns.Text(value(24));
        return new Capture
        {
            Id = LogColumns.Long(value(0)),
            Type = ParseType(LogColumns.Text(value(1))),
            Source = LogColumns.Text(value(2)),
            SourceId = LogColumns.Text(value(3)),
            Time = DateTimeOffset.FromUnixTimeMilliseconds(LogColumns.Long(value(4))),
            DeviceId = LogColumns.Long(value(6)),
            DeviceCode = LogColumns.Text(value(7)),
            Box = boxW == 0 ? null : new CaptureBox((int)LogColumns.Long(value(8)), (int)LogColumns.Long(value(9)), boxW, (int)LogColumns.Long(value(11))),
            SceneImage = Optional(value(12)),
            CropImage = Optional(value(13)),
            Attributes = new CaptureAttributes
            {
                Gender = Optional(value(14)),
                AgeGroup = Optional(value(15)),
                Glasses = Optional(value(16)),
                Mask = Optional(value(17)),
                UpperColour = Optional(value(18)),
                LowerColour = Optional(value(19)),
                Backpack = Optional(value(20)),
                Hat = Optional(value(21)),
                SleeveLength = Optional(value(22)),
                PlateNumber = plate.Length == 0 ? null : plate,
                PlateColour = Optional(value(25)),
                VehicleColour = Optional(value(26)),
                VehicleType = Optional(value(27)),
                Brand = Optional(value(28)),
            },
            PersonId = LogColumns.Long(value(29)),
            IngestedAt = DateTimeOffset.FromUnixTimeMilliseconds(LogColumns.Long(value(30))),
        };
    }

    /// <summary>The UTC day of an epoch-millisecond time.</summary>
    public static DateOnly DayOf(long atMs) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(atMs).UtcDateTime);

    /// <summary>A vector as half-precision little-endian bytes (how the store keeps it).</summary>
    public static byte[] EncodeVector(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var bytes = new byte[vector.Length * 2];
        for (var i = 0; i < vector.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)vector[i]);
        }

        return bytes;
    }

    public static float[] DecodeVector(ReadOnlySpan<byte> bytes)
    {
        var vector = new float[bytes.Length / 2];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
        }

        return vector;
    }

    private static string? Optional(object? value) => LogColumns.Text(value) is { Length: > 0 } text ? text : null;

    internal static string Ids(IEnumerable<long> ids) => string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}

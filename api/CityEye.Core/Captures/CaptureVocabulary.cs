namespace CityEye.Core.Captures;

/// <summary>
/// The closed value sets of capture attributes: what the ingest API accepts, the attribute searches filter by and
/// the SPA translates (<c>captureValues.*</c>).
/// </summary>
public static class CaptureVocabulary
{
    public static IReadOnlyList<string> Genders { get; } = ["male", "female"];

    public static IReadOnlyList<string> AgeGroups { get; } = ["child", "youth", "adult", "middleAged", "elderly"];

    public static IReadOnlyList<string> YesNo { get; } = ["yes", "no"];

    public static IReadOnlyList<string> Colours { get; } =
        ["black", "white", "grey", "red", "orange", "yellow", "green", "blue", "purple", "brown", "pink", "silver", "multi"];

    public static IReadOnlyList<string> SleeveLengths { get; } = ["long", "short"];

    public static IReadOnlyList<string> PlateColours { get; } = ["blue", "yellow", "green", "yellowGreen", "white", "black"];

    public static IReadOnlyList<string> VehicleTypes { get; } = ["car", "suv", "mpv", "van", "bus", "truck", "motorcycle", "tricycle"];

    /// <summary>Which attribute applies to which capture type, with its value set (null: free text).</summary>
    public static IReadOnlyList<(string Name, CaptureType Type, IReadOnlyList<string>? Values)> Attributes { get; } =
    [
        ("gender", CaptureType.Face, Genders),
        ("ageGroup", CaptureType.Face, AgeGroups),
        ("glasses", CaptureType.Face, YesNo),
        ("mask", CaptureType.Face, YesNo),
        ("gender", CaptureType.Body, Genders),
        ("upperColour", CaptureType.Body, Colours),
        ("lowerColour", CaptureType.Body, Colours),
        ("backpack", CaptureType.Body, YesNo),
        ("hat", CaptureType.Body, YesNo),
        ("sleeveLength", CaptureType.Body, SleeveLengths),
        ("plateNumber", CaptureType.Vehicle, null),
        ("plateColour", CaptureType.Vehicle, PlateColours),
        ("vehicleColour", CaptureType.Vehicle, Colours),
        ("vehicleType", CaptureType.Vehicle, VehicleTypes),
        ("brand", CaptureType.Vehicle, null),
    ];

    /// <summary>The value of the attribute called <paramref name="name"/> (camelCase, as in the API).</summary>
    public static string? Get(CaptureAttributes attributes, string name)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return name switch
        {
            "gender" => attributes.Gender,
            "ageGroup" => attributes.AgeGroup,
            "glasses" => attributes.Glasses,
            "mask" => attributes.Mask,
            "upperColour" => attributes.UpperColour,
            "lowerColour" => attributes.LowerColour,
            "backpack" => attributes.Backpack,
            "hat" => attributes.Hat,
            "sleeveLength" => attributes.SleeveLength,
            "plateNumber" => attributes.PlateNumber,
            "plateColour" => attributes.PlateColour,
            "vehicleColour" => attributes.VehicleColour,
            "vehicleType" => attributes.VehicleType,
            "brand" => attributes.Brand,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown capture attribute"),
        };
    }
}

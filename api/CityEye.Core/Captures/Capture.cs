using System.Text.Json.Serialization;

namespace CityEye.Core.Captures;

/// <summary>What a capture shows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaptureType>))]
public enum CaptureType
{
    [JsonStringEnumMemberName("face")]
    Face,

    [JsonStringEnumMemberName("body")]
    Body,

    [JsonStringEnumMemberName("vehicle")]
    Vehicle,
}

/// <summary>The target's box in the scene image, in pixels.</summary>
public sealed record CaptureBox(int X, int Y, int Width, int Height);

/// <summary>
/// Structured attributes of a capture (VC-2, VC-4, VC-5); which apply depends on the type (face: gender, age group,
/// glasses, mask; body: gender, upper and lower colour, backpack, hat, sleeve length; vehicle: plate number and colour,
/// vehicle colour, type, brand). Null is "unknown". Values come from <see cref="CaptureVocabulary"/>, except the plate
/// number and the brand.
/// </summary>
public sealed record CaptureAttributes
{
    public string? Gender { get; init; }

    public string? AgeGroup { get; init; }

    public string? Glasses { get; init; }

    public string? Mask { get; init; }

    public string? UpperColour { get; init; }

    public string? LowerColour { get; init; }

    public string? Backpack { get; init; }

    public string? Hat { get; init; }

    public string? SleeveLength { get; init; }

    public string? PlateNumber { get; init; }

    public string? PlateColour { get; init; }

    public string? VehicleColour { get; init; }

    public string? VehicleType { get; init; }

    public string? Brand { get; init; }

    public static CaptureAttributes None { get; } = new();
}

/// <summary>
/// One face, body or vehicle capture from the intelligent video system (or the demo generator): where and when, the
/// scene image and the target crop (blob references or the source system's URLs), the box, the attributes and the
/// person (cluster of face or body vectors) it was linked to. <see cref="Id"/> is the node's own id (the ingest
/// journal's sequence); <see cref="Source"/> + <see cref="SourceId"/> identify it in the system that sent it.
/// </summary>
public sealed record Capture
{
    public required long Id { get; init; }

    public required CaptureType Type { get; init; }

    public required string Source { get; init; }

    public required string SourceId { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required long DeviceId { get; init; }

    public required string DeviceCode { get; init; }

    public CaptureBox? Box { get; init; }

    /// <summary>Blob reference (<c>blob:…</c>) or URL of the whole scene.</summary>
    public string? SceneImage { get; init; }

    /// <summary>Blob reference (<c>blob:…</c>) or URL of the target crop.</summary>
    public string? CropImage { get; init; }

    public CaptureAttributes Attributes { get; init; } = CaptureAttributes.None;

    /// <summary>The person archive (cluster) the capture was linked to; 0 when not linked.</summary>
    public long PersonId { get; init; }

    public DateTimeOffset IngestedAt { get; init; }
}

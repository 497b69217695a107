using CityEye.Core.Captures;
using SkiaSharp;

namespace CityEye.Vision;

/// <summary>
/// The shipped models together: faces and objects from the model service; body vectors = ResNet18 appearance ⊕ the
/// upper/lower HSV histogram (equal weights, so cosine similarity is the mean of the two); vehicle vectors = ResNet18;
/// plates by PP-OCRv4; colours from pixels. Face vectors are the 1024-d faceres descriptors, unit length.
/// </summary>
public sealed class LocalFeatureExtractor(ModelServiceClient service, ResNetEmbedder resNet, PlateReader plates, VisionOptions options) : IFeatureExtractor
{
    /// <summary>Length of a body vector.</summary>
    public const int BodyDimensions = ResNetEmbedder.Dimensions + Colours.HistogramDimensions;

    /// <summary>Longer side of the photo sent to the model service (its JPEG decoder is slow on large photos).</summary>
    public const int DetectionSide = 1280;

    private static readonly float Half = MathF.Sqrt(0.5f);

    public async Task<IReadOnlyList<DetectedTarget>> DetectAsync(byte[] image, CancellationToken cancellationToken)
    {
        using var bitmap = Images.Decode(image);
        var (jpeg, scale) = Images.EncodeJpeg(bitmap, DetectionSide);
        var found = await service.DetectAsync(jpeg, cancellationToken);
        var targets = new List<DetectedTarget>();
        foreach (var face in found.Faces.Where(f => f.Score >= options.MinFaceScore && f.Embedding is { Length: > 0 } && f.Box is not null))
        {
            targets.Add(new DetectedTarget(CaptureType.Face, Scale(face.Box!, scale), face.Score, FaceAttributes(face), VectorMathLite.Normalised(face.Embedding)));
        }

        foreach (var item in found.Objects.Where(o => o.Score >= options.MinObjectScore))
        {
            var type = item.Label == "person" ? CaptureType.Body : item.Label is "car" or "bus" or "truck" or "motorcycle" ? CaptureType.Vehicle : (CaptureType?)null;
            if (type is null)
            {
                continue;
            }

            var box = Scale(item.Box, scale);
            using var crop = Images.Crop(bitmap, box);
            var (attributes, vector) = type == CaptureType.Body ? Body(crop) : Vehicle(crop, item.Label);
            targets.Add(new DetectedTarget(type.Value, box, item.Score, attributes, vector));
        }

        return targets;
    }

    public async Task<DetectedTarget> DescribeAsync(byte[] image, CaptureType type, CaptureBox? box, CancellationToken cancellationToken)
    {
        using var bitmap = Images.Decode(image);
        var region = box ?? new CaptureBox(0, 0, bitmap.Width, bitmap.Height);
        if (type == CaptureType.Face)
        {
            // A little margin around a drawn face box helps the detector inside the model service.
            var margin = new CaptureBox(region.X - (region.Width / 5), region.Y - (region.Height / 5), region.Width * 7 / 5, region.Height * 7 / 5);
            using var faceCrop = Images.Crop(bitmap, margin);
            var (jpeg, _) = Images.EncodeJpeg(faceCrop, 640);
            var face = await service.EmbedFaceAsync(jpeg, cancellationToken);
            return new DetectedTarget(CaptureType.Face, region, face.Score, FaceAttributes(face), VectorMathLite.Normalised(face.Embedding));
        }

        using var crop = Images.Crop(bitmap, region);
        var (attributes, vector) = type == CaptureType.Body ? Body(crop) : Vehicle(crop, "car");
        return new DetectedTarget(type, region, 1, attributes, vector);
    }

    /// <summary>The body vector and clothing colours of a person crop.</summary>
    public (CaptureAttributes Attributes, float[] Vector) Body(SKBitmap crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        var appearance = resNet.Embed(crop);
        var histogram = Colours.BodyHistogram(crop);
        var vector = new float[BodyDimensions];
        for (var i = 0; i < appearance.Length; i++)
        {
            vector[i] = appearance[i] * Half;
        }

        for (var i = 0; i < histogram.Length; i++)
        {
            vector[appearance.Length + i] = histogram[i] * Half;
        }

        var attributes = new CaptureAttributes { UpperColour = Colours.DominantName(crop, 0.15, 0.5), LowerColour = Colours.DominantName(crop, 0.55, 0.9) };
        return (attributes, vector);
    }

    /// <summary>The vehicle vector, colour, type and plate of a vehicle crop.</summary>
    public (CaptureAttributes Attributes, float[] Vector) Vehicle(SKBitmap crop, string label)
    {
        ArgumentNullException.ThrowIfNull(crop);
        var vector = resNet.Embed(crop);
        var plate = plates.ReadVehicle(crop);
        var attributes = new CaptureAttributes
        {
            VehicleColour = Colours.DominantName(crop, 0.25, 0.75),
            VehicleType = label switch { "bus" => "bus", "truck" => "truck", "motorcycle" => "motorcycle", _ => "car" },
            PlateNumber = plate?.Number,
            PlateColour = plate?.Colour,
        };
        return (attributes, vector);
    }

    private static CaptureAttributes FaceAttributes(ServiceFace face) => new()
    {
        Gender = face.Gender is "male" or "female" && face.GenderScore >= 0.2 ? face.Gender : null,
        AgeGroup = face.Age switch
        {
            <= 0 => null,
            < 14 => "child",
            < 25 => "youth",
            < 45 => "adult",
            < 60 => "middleAged",
            _ => "elderly",
        },
    };

    private static CaptureBox Scale(ServiceBox box, double scale) =>
        new((int)Math.Round(box.X / scale), (int)Math.Round(box.Y / scale), Math.Max(1, (int)Math.Round(box.Width / scale)), Math.Max(1, (int)Math.Round(box.Height / scale)));
}

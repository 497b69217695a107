using CityEye.Core.Captures;

namespace CityEye.Vision;

/// <summary>
/// Finds the faces, persons (bodies) and vehicles in a photo and computes what searches need: the feature vector of
/// each target and its attributes (face: gender, age group; body: upper and lower colour; vehicle: plate, plate
/// colour, vehicle colour, type). The local implementation runs the shipped models (a supervised Node model service
/// for the TensorFlow.js face and object models, ONNX Runtime in-process for ResNet18 and PP-OCRv4); a vendor's
/// algorithm service plugs in behind the same interface through the model service's HTTP contract.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>Every target in the image; an image without a person or vehicle gives none.</summary>
    Task<IReadOnlyList<DetectedTarget>> DetectAsync(byte[] image, CancellationToken cancellationToken);

    /// <summary>
    /// The vector and attributes of one target of <paramref name="type"/> inside <paramref name="box"/> of the image
    /// (the whole image when null): a box the user drew or adjusted, or a stored capture's crop.
    /// </summary>
    Task<DetectedTarget> DescribeAsync(byte[] image, CaptureType type, CaptureBox? box, CancellationToken cancellationToken);
}

/// <summary>A target found in an image: what, where, how sure, its attributes and vector (unit length).</summary>
public sealed record DetectedTarget(CaptureType Type, CaptureBox Box, double Score, CaptureAttributes Attributes, float[] Vector);

/// <summary>The image cannot be used (not JPEG or PNG, or damaged).</summary>
public sealed class UnusableImageException : Exception
{
    public UnusableImageException()
    {
    }

    public UnusableImageException(string message)
        : base(message)
    {
    }

    public UnusableImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The model service cannot be reached or failed.</summary>
public sealed class ModelsUnavailableException : Exception
{
    public ModelsUnavailableException()
    {
    }

    public ModelsUnavailableException(string message)
        : base(message)
    {
    }

    public ModelsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

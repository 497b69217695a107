using CityEye.Core.Captures;

namespace CityEye.VectorSearch;

/// <summary>Configuration section <c>Vectors</c>.</summary>
public sealed class VectorOptions
{
    public const string Section = "Vectors";

    /// <summary><c>USearch</c> (embedded, default) or <c>Milvus</c>.</summary>
    public string Provider { get; set; } = "USearch";

    /// <summary>Vector dimension of face captures (the face model's output).</summary>
    public int FaceDimensions { get; set; } = 1024;

    /// <summary>Vector dimension of body captures (the shipped models: 512 ResNet18 appearance + 80 colour histogram).</summary>
    public int BodyDimensions { get; set; } = 592;

    /// <summary>Vector dimension of vehicle captures.</summary>
    public int VehicleDimensions { get; set; } = 512;

    /// <summary>HNSW graph degree (M).</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>HNSW candidate list size while building (efConstruction).</summary>
    public int ExpansionAdd { get; set; } = 128;

    /// <summary>HNSW candidate list size while searching (ef); raised to the requested hit count when lower.</summary>
    public int ExpansionSearch { get; set; } = 64;

    /// <summary>Embedded index: how vectors are stored (<c>f16</c>, <c>i8</c> or <c>f32</c>).</summary>
    public string Quantisation { get; set; } = "f16";

    /// <summary>
    /// Embedded index: how many UTC days one segment (one HNSW graph) holds, 1 to 31. Each query searches every segment
    /// its time range touches, so larger segments answer long ranges faster; 7 starts each segment on a Monday.
    /// </summary>
    public int SegmentDays { get; set; } = 7;

    /// <summary>Embedded index: how often changed segments are saved.</summary>
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Milvus: the server's RESTful address (e.g. <c>http://milvus:19530</c>).</summary>
    public string? MilvusUrl { get; set; }

    /// <summary>Milvus: <c>user:password</c> or a token, sent as a bearer token when set.</summary>
    public string? MilvusToken { get; set; }

    /// <summary>Milvus: the database.</summary>
    public string MilvusDatabase { get; set; } = "default";

    /// <summary>Milvus: prefix of the collection names (one per capture type).</summary>
    public string MilvusCollectionPrefix { get; set; } = "cityeye_";

    /// <summary>Milvus: consistency level of the collections and searches (Strong, Bounded, Session, Eventually).</summary>
    public string MilvusConsistency { get; set; } = "Bounded";

    public int Dimensions(CaptureType type) => type switch
    {
        CaptureType.Face => FaceDimensions,
        CaptureType.Body => BodyDimensions,
        CaptureType.Vehicle => VehicleDimensions,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

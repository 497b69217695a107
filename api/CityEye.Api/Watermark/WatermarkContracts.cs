using CityEye.Watermark;

namespace CityEye.Api.Watermark;

/// <summary>The watermark style and who changed it last; the placeholders the template may use; this node's number.</summary>
public sealed record WatermarkStyleResponse(WatermarkStyle Style, DateTimeOffset? UpdatedAt, string? UpdatedBy, IReadOnlyList<string> Placeholders, int NodeNumber, string NodeName);

/// <summary>The multipart upload of <c>POST /api/watermark/decode</c>: field <c>image</c>.</summary>
public sealed record WatermarkDecodeUpload(IFormFile Image);

/// <summary>
/// Whose covert watermark an image carries: the user (with the account's current name when it still exists), the
/// minute it was made, the node (its name when it is this node) and the decoder's confidence (a z-score, at least 8).
/// </summary>
public sealed record WatermarkDecodeResponse(long UserId, string? Username, string? DisplayName, DateTimeOffset Time, int Node, string? NodeName, double Confidence, double CellSize);

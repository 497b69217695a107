namespace CityEye.Api.Health;

public sealed record ReadinessResponse(string Status, IReadOnlyDictionary<string, ReadinessCheckResponse> Checks);

namespace CityEye.Api.Health;

/// <summary>Liveness answer.</summary>
public sealed record HealthResponse(string Status);

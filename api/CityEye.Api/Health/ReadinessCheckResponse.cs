using CityEye.Core.Storage;

namespace CityEye.Api.Health;

public sealed record ReadinessCheckResponse(ReadinessState State, string? Detail);

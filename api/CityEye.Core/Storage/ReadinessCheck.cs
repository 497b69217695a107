namespace CityEye.Core.Storage;

/// <summary>One named readiness check.</summary>
public sealed record ReadinessCheck(ReadinessState State, string? Detail);

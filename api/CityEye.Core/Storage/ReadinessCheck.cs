namespace CityEye.Core.Storage;

/// <summary>One named readiness check.</summary>
/// <param name="State">Starting, ready or failed.</param>
/// <param name="Detail">What it is doing or what it reached.</param>
/// <param name="PublicDetail">True when the detail names no path, host or database and anonymous probes may see it.</param>
public sealed record ReadinessCheck(ReadinessState State, string? Detail, bool PublicDetail = false);

namespace CityEye.Core.Auth;

/// <summary>A security-relevant event: sign-in, failure, lockout, sign-out, token use.</summary>
/// <remarks>Init properties: Dapper maps rows straight onto it (the store's one mapping style).</remarks>
public sealed record SecurityEvent
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public string Event { get; init; } = string.Empty;

    public string? Username { get; init; }

    public long? UserId { get; init; }

    public string? IpAddress { get; init; }

    public string? Detail { get; init; }
}

namespace CityEye.Core.Auth;

/// <summary>A security-relevant event: sign-in, failure, lockout, sign-out, token use.</summary>
public sealed record SecurityEvent(long Id, DateTimeOffset At, string Event, string? Username, long? UserId, string? IpAddress, string? Detail);

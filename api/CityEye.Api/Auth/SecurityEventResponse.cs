namespace CityEye.Api.Auth;

public sealed record SecurityEventResponse(long Id, DateTimeOffset At, string Event, string? Username, string? IpAddress, string? Detail);

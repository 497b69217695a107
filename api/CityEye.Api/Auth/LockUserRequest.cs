namespace CityEye.Api.Auth;

/// <summary>An administrator's lock: until a time, or until unlocked when <see cref="Until"/> is null.</summary>
public sealed record LockUserRequest(DateTimeOffset? Until);

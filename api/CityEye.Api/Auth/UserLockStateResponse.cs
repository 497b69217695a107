namespace CityEye.Api.Auth;

/// <summary>What an administrator's lock, unlock, enable or disable did.</summary>
public sealed record UserLockStateResponse(long Id, string Username, bool Enabled, DateTimeOffset? LockedUntil, int AddressLocksCleared);

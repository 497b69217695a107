namespace CityEye.Core.Auth;

/// <summary>An API token's public facts; the secret itself is shown once, at creation.</summary>
public sealed record ApiTokenInfo(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

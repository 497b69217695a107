namespace CityEye.Api.Auth;

public sealed record ApiTokenResponse(
    long Id,
    string Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    IReadOnlyList<string>? Scopes,
    long? ParentId,
    string? CommissioningUnit = null);

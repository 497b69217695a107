namespace CityEye.Core.Auth;

/// <summary>An API token's public facts; the secret itself is shown once, at creation.</summary>
public sealed record ApiTokenInfo
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Space-separated permissions the token is limited to; null: all of its user's permissions.</summary>
    public string? Scopes { get; init; }

    /// <summary>The token that created this one, if a token did.</summary>
    public long? ParentId { get; init; }

    /// <summary>Commissioning unit (委办单位) of the system using the token, for the service-call log.</summary>
    public string? CommissioningUnit { get; init; }
}

namespace CityEye.Core.Auth;

/// <summary>A user of CityEye as the store holds it.</summary>
public sealed record UserAccount
{
    public const int DefaultMaxStreams = 4;

    public const int MaxStreamsLimit = 64;

    public long Id { get; init; }

    /// <summary>Lower-case, unique.</summary>
    public required string Username { get; init; }

    public required string DisplayName { get; init; }

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    public required string PasswordHash { get; init; }

    public bool Enabled { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>Start of the account's validity (UM-2), or null for no start.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>End of the account's validity (UM-2 validity dates), or null for no end.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    public DateTimeOffset? LastLoginAt { get; init; }

    public DateTimeOffset? PasswordChangedAt { get; init; }

    /// <summary>The user must change the password before using anything else (after a reset or expiry).</summary>
    public bool MustChangePassword { get; init; }

    /// <summary>Video streams the user may watch at once (UM-2; enforced by the video centre).</summary>
    public int MaxStreams { get; init; } = DefaultMaxStreams;

    public string? Phone { get; init; }

    /// <summary>Police number (警号).</summary>
    public string? PoliceNumber { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

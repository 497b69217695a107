namespace CityEye.Core.Auth;

/// <summary>A user of CityEye as the store holds it.</summary>
public sealed record UserAccount
{
    public long Id { get; init; }

    /// <summary>Lower-case, unique.</summary>
    public required string Username { get; init; }

    public required string DisplayName { get; init; }

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    public required string PasswordHash { get; init; }

    public bool Enabled { get; init; }

    public DeviceScope DeviceScope { get; init; }

    public int FailedLogins { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>End of the account's validity (UM-2 validity dates), or null for no end.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    public DateTimeOffset? LastLoginAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A role: a named set of function permissions.</summary>
public sealed record Role(string Name, string DisplayName, string Description, IReadOnlyList<string> Permissions, bool BuiltIn = true);

/// <summary>What creating a user needs.</summary>
public sealed record NewUser(
    string Username,
    string DisplayName,
    long OrganisationId,
    string Password,
    IReadOnlyList<string> Roles,
    DeviceScope DeviceScope = DeviceScope.All,
    IReadOnlyList<long>? DeviceOrganisationIds = null,
    bool Enabled = true,
    DateTimeOffset? ValidUntil = null);

/// <summary>A signed-in user as the API sees it: identity, roles, effective permissions and device reach.</summary>
public sealed record UserPrincipalData(
    long UserId,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Permissions,
    DeviceScope DeviceScope);

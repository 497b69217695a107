namespace CityEye.Core.Auth;

/// <summary>A signed-in user as the API sees it: identity, roles, effective permissions and device reach.</summary>
public sealed record UserPrincipalData(
    long UserId,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Permissions,
    DeviceReach DeviceScope,
    bool MustChangePassword = false,
    long? ApiTokenId = null,
    DateTimeOffset? ApiTokenExpiresAt = null);

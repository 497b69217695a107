namespace CityEye.Core.Auth;

/// <summary>
/// A signed-in user as the API sees it: identity, enabled roles, effective function permissions and the services of
/// its enabled service roles. Device reach is resolved per request from the device roles (see DeviceScopeResolver).
/// </summary>
public sealed record UserPrincipalData(
    long UserId,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<string> Services,
    bool MustChangePassword = false,
    long? ApiTokenId = null,
    DateTimeOffset? ApiTokenExpiresAt = null);

namespace CityEye.Api.Auth;

public sealed record MeResponse(
    long Id,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Permissions,
    bool MustChangePassword);

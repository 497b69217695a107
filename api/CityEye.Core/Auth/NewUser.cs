namespace CityEye.Core.Auth;

/// <summary>What creating a user needs.</summary>
public sealed record NewUser(
    string Username,
    string DisplayName,
    long OrganisationId,
    string Password,
    IReadOnlyList<string> Roles,
    DeviceReach DeviceScope = DeviceReach.All,
    IReadOnlyList<long>? DeviceOrganisationIds = null,
    bool Enabled = true,
    DateTimeOffset? ValidUntil = null,
    bool MustChangePassword = false);

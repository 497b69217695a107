namespace CityEye.Core.Auth;

/// <summary>What creating a user needs. <see cref="Roles"/> names function, device and service roles alike.</summary>
public sealed record NewUser(
    string Username,
    string DisplayName,
    long OrganisationId,
    string Password,
    IReadOnlyList<string> Roles,
    bool Enabled = true,
    DateTimeOffset? ValidUntil = null,
    bool MustChangePassword = false,
    DateTimeOffset? ValidFrom = null,
    int MaxStreams = UserAccount.DefaultMaxStreams,
    string? Phone = null,
    string? PoliceNumber = null);

using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;
using CityEye.Core.Validation;

namespace CityEye.Api.Users;

/// <summary>A user search: every filter optional.</summary>
public sealed record UserSearchRequest(
    [property: MaxLength(64)] string? Q = null,
    long? OrganisationId = null,
    long? RoleId = null,
    bool? Enabled = null,
    bool? Valid = null,
    bool? Online = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 20)
{
    internal UserFilter ToFilter() => new(Q, OrganisationId, RoleId, Enabled, Valid, Online);
}

/// <summary>A user in the list.</summary>
public sealed record UserListItemResponse(
    long Id,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    bool Enabled,
    bool Locked,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    bool Valid,
    int MaxStreams,
    string? Phone,
    string? PoliceNumber,
    DateTimeOffset? LastLoginAt,
    bool Online,
    string Roles,
    DateTimeOffset CreatedAt);

/// <summary>A page of users.</summary>
public sealed record UserPage(int Total, IReadOnlyList<UserListItemResponse> Items);

/// <summary>Users by state (UM-5).</summary>
public sealed record UserCountsResponse(int Total, int Online, int Offline, int Enabled, int Disabled, int Valid, int Expired);

/// <summary>One user with its role ids, for the editor.</summary>
public sealed record UserDetailResponse(
    long Id,
    string Username,
    string DisplayName,
    long OrganisationId,
    string OrganisationName,
    bool Enabled,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    int MaxStreams,
    string? Phone,
    string? PoliceNumber,
    bool MustChangePassword,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<long> RoleIds);

/// <summary>
/// The editable fields of a user. <c>roleIds</c> lists function, device and service roles alike; the validity window
/// is optional at both ends; <c>maxStreams</c> is how many videos the user may watch at once (0 = none).
/// </summary>
public record UserFields(
    [property: Required, MinLength(1), MaxLength(64)] string DisplayName,
    long OrganisationId,
    [property: Required, MaxLength(50)] long[] RoleIds,
    bool Enabled = true,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidUntil = null,
    [property: Range(0, UserAccount.MaxStreamsLimit)] int MaxStreams = UserAccount.DefaultMaxStreams,
    [property: MaxLength(20), RegularExpression(@"^[0-9+\- ]*$")] string? Phone = null,
    [property: MaxLength(20), RegularExpression("^[0-9A-Za-z]*$")] string? PoliceNumber = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ValidFrom is { } from && ValidUntil is { } until && until <= from)
        {
            yield return new CodedValidationResult(nameof(ValidUntil), ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = from, ["max"] = null });
        }

        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            yield return new CodedValidationResult(nameof(DisplayName), ErrorCodes.Required);
        }
    }

    internal UserEdit ToEdit() => new(DisplayName.Trim(), OrganisationId, Enabled, ValidFrom, ValidUntil, MaxStreams, Blank(Phone), Blank(PoliceNumber));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>A new user: the editable fields plus a user name and a first password (changed at the first sign-in).</summary>
public sealed record CreateUserRequest(
    [property: Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")] string Username,
    [property: Required, MaxLength(128)] string Password,
    string DisplayName,
    long OrganisationId,
    long[] RoleIds,
    bool Enabled = true,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidUntil = null,
    int MaxStreams = UserAccount.DefaultMaxStreams,
    string? Phone = null,
    string? PoliceNumber = null)
    : UserFields(DisplayName, OrganisationId, RoleIds, Enabled, ValidFrom, ValidUntil, MaxStreams, Phone, PoliceNumber);

/// <summary>Clones a user: the copy gets the same unit, roles, validity and stream limit under a new name.</summary>
public sealed record CloneUserRequest(
    [property: Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")] string Username,
    [property: Required, MinLength(1), MaxLength(64)] string DisplayName,
    [property: Required, MaxLength(128)] string Password);

/// <summary>Grants and revokes roles for many users at once (UM-3).</summary>
public sealed record BatchRolesRequest(
    [property: Required, MinLength(1), MaxLength(1000)] long[] UserIds,
    [property: MaxLength(50)] long[]? Grant = null,
    [property: MaxLength(50)] long[]? Revoke = null);

/// <summary>What a batch grant changed.</summary>
public sealed record BatchRolesResponse(int Users, int Added, int Removed);

/// <summary>Where one permission comes from.</summary>
public sealed record SourcedGrantItem(string Code, string Label, string Module, IReadOnlyList<string> Roles);

/// <summary>A device grant, what it names, the devices it reaches now, and the roles it comes from.</summary>
public sealed record SourcedDeviceGrant(string Kind, string Value, string Label, int Devices, IReadOnlyList<string> Roles);

/// <summary>A role a user holds.</summary>
public sealed record UserRoleResponse(long Id, string Name, string DisplayName, string Kind, bool Enabled);

/// <summary>One user's effective permissions and where each comes from (UM-6).</summary>
public sealed record EffectivePermissionsResponse(
    long UserId,
    string Username,
    string DisplayName,
    string OrganisationName,
    IReadOnlyList<UserRoleResponse> Roles,
    IReadOnlyList<SourcedGrantItem> Functions,
    IReadOnlyList<SourcedDeviceGrant> DeviceGrants,
    bool AllDevices,
    int DeviceCount,
    IReadOnlyList<SourcedGrantItem> Services);

/// <summary>One row of a user import that was refused, with every problem.</summary>
public sealed record UserImportRowProblem(int Row, string? Username, IReadOnlyList<Violation> Problems);

/// <summary>The outcome of a user import: created users and the refused rows (nothing of a refused row is written).</summary>
public sealed record UserImportReport(int Rows, int Created, IReadOnlyList<UserImportRowProblem> Problems);

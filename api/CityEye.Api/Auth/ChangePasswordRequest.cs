using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth;

/// <summary>A user's own password change; the new password must pass the password policy.</summary>
public sealed record ChangePasswordRequest(
    [property: Required, StringLength(PasswordPolicy.MaxLength, MinimumLength = 1)] string CurrentPassword,
    [property: Required, StringLength(PasswordPolicy.MaxLength, MinimumLength = 1)] string NewPassword);

using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth;

/// <summary>An administrator's reset; the user must change the password at the next sign-in.</summary>
public sealed record ResetPasswordRequest(
    [property: Required, StringLength(PasswordPolicy.MaxLength, MinimumLength = 1)] string NewPassword);

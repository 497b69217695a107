using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth;

public sealed record LoginRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Username,
    [property: Required, StringLength(PasswordPolicy.MaxLength, MinimumLength = 1)] string Password);

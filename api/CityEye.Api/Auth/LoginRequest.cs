using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Auth;

public sealed record LoginRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Username,
    [property: Required, StringLength(128, MinimumLength = 1)] string Password);

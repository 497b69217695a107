using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Auth;

public sealed record CreateApiTokenRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Name,
    [property: Range(1, 3650)] int ExpiresInDays = 90);

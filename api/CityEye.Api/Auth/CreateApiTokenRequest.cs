using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;
using CityEye.Core.Validation;

namespace CityEye.Api.Auth;

/// <summary>A new API token: its name, lifetime and the permissions it is limited to (default: all of the caller's).</summary>
public sealed record CreateApiTokenRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Name,
    [property: Range(1, 3650)] int ExpiresInDays = 90,
    [property: MaxLength(64)] IReadOnlyList<string>? Scopes = null,
    [property: MaxLength(64)] string? CommissioningUnit = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var scope in Scopes ?? [])
        {
            if (!Permissions.All.ContainsKey(scope))
            {
                yield return new CodedValidationResult(nameof(Scopes), ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = scope });
            }
        }
    }
}

using System.ComponentModel.DataAnnotations;
using CityEye.Core.Auth;
using CityEye.Core.Validation;

namespace CityEye.Api.Auth;

/// <summary>
/// A password sign-in. The password comes in clear (<see cref="Password"/>) or, as the SPA sends it, SM2-encrypted
/// (C1C3C2, hex) with the site key from <c>POST /api/auth/challenge</c>: <see cref="PasswordCipher"/> over the UTF-8 text
/// "{challengeId}\n{password}" and <see cref="ChallengeId"/>, which is used once.
/// </summary>
public sealed record LoginRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Username,
    [property: StringLength(PasswordPolicy.MaxLength, MinimumLength = 1)] string? Password = null,
    [property: StringLength(4096)] string? PasswordCipher = null,
    [property: StringLength(64)] string? ChallengeId = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Password is null && (PasswordCipher is null || ChallengeId is null))
        {
            yield return new CodedValidationResult(nameof(Password), ErrorCodes.Required);
        }
    }
}

/// <summary>A one-time challenge for a certificate sign-in or an encrypted password: sign <see cref="SignedText"/> with
/// the user's SM2 key (ID 1234567812345678), or encrypt "{challengeId}\n{password}" for <see cref="SitePublicKey"/>.</summary>
public sealed record SignInChallengeResponse(string ChallengeId, string Challenge, string SignedText, DateTimeOffset ExpiresAt, string SitePublicKey, string DistinguishingId);

/// <summary>
/// A certificate sign-in: the challenge answered, the user's certificate (PEM), the SM2 signature of the challenge's
/// signed text (base64, DER or r‖s), and the password (clear or encrypted as in <see cref="LoginRequest"/>) when the
/// user's roles require both.
/// </summary>
public sealed record CertificateLoginRequest(
    [property: Required, StringLength(64)] string? ChallengeId,
    [property: Required, StringLength(16_000)] string? Certificate,
    [property: Required, StringLength(512)] string? Signature,
    [property: StringLength(PasswordPolicy.MaxLength)] string? Password = null,
    [property: StringLength(4096)] string? PasswordCipher = null,
    [property: StringLength(64)] string? PasswordChallengeId = null);

namespace CityEye.Core.Auth;

/// <summary>Why a sign-in did not succeed.</summary>
public enum SignInFailure
{
    /// <summary>
    /// Unknown user, wrong password, or locked (for this address, or by an administrator): never told apart, so the
    /// answer does not reveal which accounts exist or are locked.
    /// </summary>
    InvalidCredentials,

    /// <summary>Told only to someone who knows the password.</summary>
    Disabled,

    /// <summary>Told only to someone who knows the password.</summary>
    Expired,

    /// <summary>The validity window has not begun. Told only to someone who knows the password.</summary>
    NotYetValid,

    /// <summary>The account's access-control data (user row or all its roles) fails its HMAC-SM3 check. Told only to
    /// someone who knows the password.</summary>
    IntegrityFailed,

    /// <summary>A role of the user requires sign-in with a certificate (and the password). Told only to someone who knows the password.</summary>
    CertificateRequired,

    /// <summary>The challenge is unknown, already used (a replay) or expired.</summary>
    ChallengeInvalid,

    /// <summary>The certificate is expired, not yet valid, revoked, untrusted or not for client authentication.</summary>
    CertificateInvalid,

    /// <summary>The certificate is valid but bound to no user of this node.</summary>
    CertificateUnknown,

    /// <summary>The user's roles require the password as well as the certificate, and none was given.</summary>
    PasswordRequired,

    /// <summary>Too many recent failures for this name or from this address: wait <see cref="SignInResult.RetryAfter"/>.</summary>
    Throttled,
}

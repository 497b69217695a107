namespace CityEye.Core.Auth;

/// <summary>Outcome of a sign-in attempt.</summary>
public sealed record SignInResult(UserPrincipalData? Principal, string? SessionKey, SignInFailure? Failure, TimeSpan? RetryAfter = null, string? Detail = null)
{
    public bool Succeeded => Principal is not null;

    public static SignInResult Failed(SignInFailure failure, TimeSpan? retryAfter = null, string? detail = null) => new(null, null, failure, retryAfter, detail);
}

/// <summary>A certificate sign-in: the challenge answered, the certificate (PEM), the SM2 signature of
/// <see cref="SignInChallenge.SignedText"/> (DER or r‖s), and the password when the user's roles require both.</summary>
public sealed record CertificateSignInAttempt(string ChallengeId, string CertificatePem, byte[] Signature, string? Password, string? IpAddress, string? UserAgent, string? ReplacingSessionKey = null);

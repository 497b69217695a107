namespace CityEye.Core.Auth;

/// <summary>Outcome of a sign-in attempt.</summary>
public sealed record SignInResult(UserPrincipalData? Principal, string? SessionKey, SignInFailure? Failure, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Principal is not null;

    public static SignInResult Failed(SignInFailure failure, TimeSpan? retryAfter = null) => new(null, null, failure, retryAfter);
}

namespace CityEye.Core.Auth;

/// <summary>Outcome of a sign-in attempt.</summary>
public sealed record SignInResult(UserPrincipalData? Principal, string? SessionKey, SignInFailure? Failure, DateTimeOffset? LockedUntil)
{
    public bool Succeeded => Principal is not null;
}

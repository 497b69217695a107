namespace CityEye.Core.Auth;

/// <summary>Why a sign-in did not succeed.</summary>
public enum SignInFailure
{
    /// <summary>Unknown user or wrong password; the two are not told apart.</summary>
    InvalidCredentials,
    Disabled,
    Locked,
    Expired,
}

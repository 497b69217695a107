namespace CityEye.Core.Auth;

/// <summary>What a sign-in request brings: credentials, where it came from, and the session it may replace.</summary>
public sealed record SignInAttempt(string Username, string Password, string? IpAddress, string? UserAgent, string? ReplacingSessionKey = null)
{
    /// <summary>The client address used for throttling and lockout ("unknown" when the host gives none).</summary>
    public string Address => string.IsNullOrEmpty(IpAddress) ? "unknown" : IpAddress;
}

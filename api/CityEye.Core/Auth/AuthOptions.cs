using System.ComponentModel.DataAnnotations;

namespace CityEye.Core.Auth;

/// <summary>Sign-in and session settings (MLPS level 3: lockout after repeated failures, idle timeout).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Consecutive failed sign-ins that lock an account.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>A session unused for this long is signed out.</summary>
    [Range(1, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>A session ends after this long whatever its use.</summary>
    [Range(1, 24 * 30)]
    public int SessionLifetimeHours { get; set; } = 12;

    [Range(1_000, 10_000_000)]
    public int PasswordIterations { get; set; } = PasswordHasher.DefaultIterations;

    [Range(1, 3650)]
    public int MaxApiTokenDays { get; set; } = 365;
}

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

    /// <summary>Shortest password accepted.</summary>
    [Range(6, PasswordPolicy.MaxLength)]
    public int PasswordMinLength { get; set; } = 8;

    /// <summary>How many of upper-case, lower-case, digits and symbols a password must use.</summary>
    [Range(1, 4)]
    public int PasswordMinClasses { get; set; } = 3;

    /// <summary>A new password must differ from this many earlier ones.</summary>
    [Range(0, 24)]
    public int PasswordHistory { get; set; } = 5;

    /// <summary>Days after which a password must be changed at the next sign-in; 0 = never.</summary>
    [Range(0, 3650)]
    public int PasswordMaxAgeDays { get; set; } = 90;

    /// <summary>Sessions one user may hold at once; signing in beyond it ends the oldest.</summary>
    [Range(1, 100)]
    public int MaxSessionsPerUser { get; set; } = 3;

    /// <summary>Refuse a password sent in clear: sign-ins must send it SM2-encrypted with the site key
    /// (<c>passwordCipher</c>, as the SPA always does). Off by default so scripts and tests can post a plain password.</summary>
    public bool RequireEncryptedPassword { get; set; }

    /// <summary>Sign-in requests one client address may make per minute (ASP.NET Core rate limiter).</summary>
    [Range(1, 100_000)]
    public int SignInPermitsPerMinute { get; set; } = 30;

    /// <summary>
    /// Failed sign-ins for one account name, or from one client address, before each further attempt must wait
    /// (1 s, 2 s, 4 s, … up to <see cref="ThrottleMaxDelaySeconds"/>).
    /// </summary>
    [Range(1, 1000)]
    public int ThrottleFreeFailures { get; set; } = 5;

    [Range(1, 3600)]
    public int ThrottleMaxDelaySeconds { get; set; } = 60;

    /// <summary>
    /// Password hashes computed at once: PBKDF2 runs on this many dedicated threads, off the request threads.
    /// 0 (default): half the cores, at least one, so a burst of sign-ins always leaves cores to signed-in users.
    /// </summary>
    [Range(0, 64)]
    public int PasswordHashingThreads { get; set; }

    /// <summary>The hashing threads <see cref="PasswordHashingThreads"/> stands for on this machine.</summary>
    public int EffectivePasswordHashingThreads => PasswordHashingThreads > 0 ? PasswordHashingThreads : Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Sign-ins waiting for a hashing thread before more are refused with 429.</summary>
    [Range(1, 10_000)]
    public int PasswordHashingQueue { get; set; } = 64;
}

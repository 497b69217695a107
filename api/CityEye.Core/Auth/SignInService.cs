using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>
/// Checks credentials, applies throttling and the per-address lockout, opens sessions and writes the audit trail.
/// Every attempt that reaches the password check costs one PBKDF2 on the hashing threads, whether the user exists,
/// is locked or not, so status, message and timing are the same for all of them.
/// </summary>
public sealed class SignInService(
    UserStore users,
    SessionStore sessions,
    SignInFailureStore failures,
    SignInThrottle throttle,
    PasswordHashingPool hashing,
    SecurityEventLog events,
    PasswordHasher hasher,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    public async Task<SignInResult> SignInAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var settings = options.Value;
        var address = attempt.Address;
        var wait = throttle.TryAdmit(attempt.Username, address);
        if (wait > TimeSpan.Zero)
        {
            await events.WriteAsync("login.throttled", MaskUnknown(attempt.Username), null, attempt.IpAddress, $"retry after {Math.Ceiling(wait.TotalSeconds)} s", cancellationToken);
            return SignInResult.Failed(SignInFailure.Throttled, wait);
        }

        var now = time.GetUtcNow();
        var user = await users.FindByUsernameAsync(attempt.Username, cancellationToken);
        var lockedForAddress = await failures.LockedUntilAsync(attempt.Username, address, now, cancellationToken);
        var passwordOk = await hashing.VerifyAsync(attempt.Password, user?.PasswordHash, hasher);
        if (user is null || !passwordOk || lockedForAddress is not null || user.LockedUntil > now)
        {
            // Every refused attempt counts the same (throttle, lockout), whether the password was wrong or the
            // account locked: otherwise the right password would show by what it does not count.
            throttle.Failed(attempt.Username, address);
            var locked = await failures.RecordFailureAsync(attempt.Username, address, settings.MaxFailedAttempts, TimeSpan.FromMinutes(settings.LockoutMinutes), now, cancellationToken);
            if (locked is not null)
            {
                await events.WriteAsync("login.lockout", user?.Username ?? MaskUnknown(attempt.Username), user?.Id, attempt.IpAddress, $"address locked out until {locked:O} after {settings.MaxFailedAttempts} failures", cancellationToken);
            }

            var reason = user is null ? "unknown user"
                : !passwordOk ? "wrong password"
                : lockedForAddress is not null ? "locked for this address"
                : "locked by an administrator";
            await events.WriteAsync("login.failed", user?.Username ?? MaskUnknown(attempt.Username), user?.Id, attempt.IpAddress, reason, cancellationToken);
            return SignInResult.Failed(SignInFailure.InvalidCredentials);
        }

        // Disabled and expired are told only to someone who knows the password.
        if (!user.Enabled)
        {
            await events.WriteAsync("login.disabled", user.Username, user.Id, attempt.IpAddress, "account disabled", cancellationToken);
            return SignInResult.Failed(SignInFailure.Disabled);
        }

        if (user.ValidUntil <= now)
        {
            await events.WriteAsync("login.expired", user.Username, user.Id, attempt.IpAddress, "account validity ended", cancellationToken);
            return SignInResult.Failed(SignInFailure.Expired);
        }

        if (user.ValidFrom > now)
        {
            await events.WriteAsync("login.notYetValid", user.Username, user.Id, attempt.IpAddress, "account validity not begun", cancellationToken);
            return SignInResult.Failed(SignInFailure.NotYetValid);
        }

        throttle.Succeeded(attempt.Username, address);
        await failures.ClearAsync(attempt.Username, address, cancellationToken);
        if (!user.MustChangePassword && settings.PasswordMaxAgeDays > 0 && user.PasswordChangedAt is { } changed && changed.AddDays(settings.PasswordMaxAgeDays) <= now)
        {
            await users.RequirePasswordChangeAsync(user.Id, cancellationToken);
            await events.WriteAsync("password.expired", user.Username, user.Id, attempt.IpAddress, $"older than {settings.PasswordMaxAgeDays} days", cancellationToken);
        }

        // The user row and its roles are checked (HMAC-SM3) before a session exists: a row changed in the database does not sign in.
        if (await users.GetPrincipalAsync(user.Id, cancellationToken) is null)
        {
            await events.WriteAsync("login.integrity", user.Username, user.Id, attempt.IpAddress, "the account's access-control data fails its integrity check", cancellationToken);
            return SignInResult.Failed(SignInFailure.IntegrityFailed);
        }

        await users.RecordSuccessfulLoginAsync(user.Id, cancellationToken);
        var key = await sessions.CreateAsync(user.Id, TimeSpan.FromHours(settings.SessionLifetimeHours), attempt.IpAddress, attempt.UserAgent, attempt.ReplacingSessionKey, settings.MaxSessionsPerUser, cancellationToken);
        var principal = await users.GetPrincipalAsync(user.Id, cancellationToken)
            ?? throw new InvalidOperationException($"User {user.Id} vanished during sign-in.");
        await events.WriteAsync("login.succeeded", user.Username, user.Id, attempt.IpAddress, null, cancellationToken);
        return new SignInResult(principal, key, null);
    }

    public async Task SignOutAsync(string sessionKey, UserPrincipalData? principal, string? ipAddress, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(sessionKey, cancellationToken);
        await events.WriteAsync("logout", principal?.Username, principal?.UserId, ipAddress, null, cancellationToken);
    }

    /// <summary>
    /// A name that matches no user may be a password typed into the wrong field: the log keeps its length, first and
    /// last character and a short SHA-256 (to correlate repeated attempts), never the text.
    /// </summary>
    public static string MaskUnknown(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        var hash = SessionStore.HashKey(username)[..8];
        var shown = username.Length switch
        {
            0 => string.Empty,
            <= 2 => new string('*', username.Length),
            _ => $"{username[0]}{new string('*', username.Length - 2)}{username[^1]}",
        };
        return $"?{shown} (len {username.Length}, sha256 {hash})";
    }
}

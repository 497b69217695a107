using Microsoft.Extensions.Options;

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

/// <summary>Outcome of a sign-in attempt.</summary>
public sealed record SignInResult(UserPrincipalData? Principal, string? SessionKey, SignInFailure? Failure, DateTimeOffset? LockedUntil)
{
    public bool Succeeded => Principal is not null;
}

/// <summary>Checks credentials, applies lockout, opens sessions and writes the audit trail.</summary>
public sealed class SignInService(
    UserStore users,
    SessionStore sessions,
    SecurityEventLog events,
    PasswordHasher hasher,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    public async Task<SignInResult> SignInAsync(string username, string password, string? ipAddress, string? userAgent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var user = await users.FindByUsernameAsync(username, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            hasher.VerifyNothing(password);
            await events.WriteAsync("login.failed", username, null, ipAddress, "unknown user", cancellationToken).ConfigureAwait(false);
            return new SignInResult(null, null, SignInFailure.InvalidCredentials, null);
        }

        // A locked account is refused before the password is checked, so guessing during the lock gains nothing.
        if (user.LockedUntil > now)
        {
            await events.WriteAsync("login.locked", user.Username, user.Id, ipAddress, "account locked", cancellationToken).ConfigureAwait(false);
            return new SignInResult(null, null, SignInFailure.Locked, user.LockedUntil);
        }

        if (!PasswordHasher.Verify(password, user.PasswordHash))
        {
            var lockedUntil = await users.RecordFailedLoginAsync(user.Id, settings.MaxFailedAttempts, now.AddMinutes(settings.LockoutMinutes), cancellationToken).ConfigureAwait(false);
            if (lockedUntil is not null)
            {
                await events.WriteAsync("login.lockout", user.Username, user.Id, ipAddress, $"locked after {settings.MaxFailedAttempts} failed attempts", cancellationToken).ConfigureAwait(false);
                return new SignInResult(null, null, SignInFailure.Locked, lockedUntil);
            }

            await events.WriteAsync("login.failed", user.Username, user.Id, ipAddress, "wrong password", cancellationToken).ConfigureAwait(false);
            return new SignInResult(null, null, SignInFailure.InvalidCredentials, null);
        }

        // Disabled and expired are told only to someone who knows the password.
        if (!user.Enabled)
        {
            await events.WriteAsync("login.disabled", user.Username, user.Id, ipAddress, "account disabled", cancellationToken).ConfigureAwait(false);
            return new SignInResult(null, null, SignInFailure.Disabled, null);
        }

        if (user.ValidUntil <= now)
        {
            await events.WriteAsync("login.expired", user.Username, user.Id, ipAddress, "account validity ended", cancellationToken).ConfigureAwait(false);
            return new SignInResult(null, null, SignInFailure.Expired, null);
        }

        await users.RecordSuccessfulLoginAsync(user.Id, cancellationToken).ConfigureAwait(false);
        var key = await sessions.CreateAsync(user.Id, TimeSpan.FromHours(settings.SessionLifetimeHours), ipAddress, userAgent, cancellationToken).ConfigureAwait(false);
        var principal = await users.GetPrincipalAsync(user.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"User {user.Id} vanished during sign-in.");
        await events.WriteAsync("login.succeeded", user.Username, user.Id, ipAddress, null, cancellationToken).ConfigureAwait(false);
        return new SignInResult(principal, key, null, null);
    }

    public async Task SignOutAsync(string sessionKey, UserPrincipalData? principal, string? ipAddress, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(sessionKey, cancellationToken).ConfigureAwait(false);
        await events.WriteAsync("logout", principal?.Username, principal?.UserId, ipAddress, null, cancellationToken).ConfigureAwait(false);
    }
}

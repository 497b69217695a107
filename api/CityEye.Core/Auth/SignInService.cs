using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

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
        var user = await users.FindByUsernameAsync(username, cancellationToken);
        if (user is null)
        {
            hasher.VerifyNothing(password);
            await events.WriteAsync("login.failed", username, null, ipAddress, "unknown user", cancellationToken);
            return new SignInResult(null, null, SignInFailure.InvalidCredentials, null);
        }

        // A locked account is refused before the password is checked, so guessing during the lock gains nothing.
        if (user.LockedUntil > now)
        {
            await events.WriteAsync("login.locked", user.Username, user.Id, ipAddress, "account locked", cancellationToken);
            return new SignInResult(null, null, SignInFailure.Locked, user.LockedUntil);
        }

        if (!PasswordHasher.Verify(password, user.PasswordHash))
        {
            var lockedUntil = await users.RecordFailedLoginAsync(user.Id, settings.MaxFailedAttempts, now.AddMinutes(settings.LockoutMinutes), cancellationToken);
            if (lockedUntil is not null)
            {
                await events.WriteAsync("login.lockout", user.Username, user.Id, ipAddress, $"locked after {settings.MaxFailedAttempts} failed attempts", cancellationToken);
                return new SignInResult(null, null, SignInFailure.Locked, lockedUntil);
            }

            await events.WriteAsync("login.failed", user.Username, user.Id, ipAddress, "wrong password", cancellationToken);
            return new SignInResult(null, null, SignInFailure.InvalidCredentials, null);
        }

        // Disabled and expired are told only to someone who knows the password.
        if (!user.Enabled)
        {
            await events.WriteAsync("login.disabled", user.Username, user.Id, ipAddress, "account disabled", cancellationToken);
            return new SignInResult(null, null, SignInFailure.Disabled, null);
        }

        if (user.ValidUntil <= now)
        {
            await events.WriteAsync("login.expired", user.Username, user.Id, ipAddress, "account validity ended", cancellationToken);
            return new SignInResult(null, null, SignInFailure.Expired, null);
        }

        await users.RecordSuccessfulLoginAsync(user.Id, cancellationToken);
        var key = await sessions.CreateAsync(user.Id, TimeSpan.FromHours(settings.SessionLifetimeHours), ipAddress, userAgent, cancellationToken);
        var principal = await users.GetPrincipalAsync(user.Id, cancellationToken)
            ?? throw new InvalidOperationException($"User {user.Id} vanished during sign-in.");
        await events.WriteAsync("login.succeeded", user.Username, user.Id, ipAddress, null, cancellationToken);
        return new SignInResult(principal, key, null, null);
    }

    public async Task SignOutAsync(string sessionKey, UserPrincipalData? principal, string? ipAddress, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(sessionKey, cancellationToken);
        await events.WriteAsync("logout", principal?.Username, principal?.UserId, ipAddress, null, cancellationToken);
    }
}

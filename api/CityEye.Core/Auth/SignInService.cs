using CityEye.Core.Keys;
using CityEye.Crypto;
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
    TimeProvider time,
    CertificateAuthority? certificates = null,
    SignInChallenges? challenges = null)
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

        // A role that requires a certificate turns away a password alone (told only to someone who knows the password).
        if (await users.RequiresCertificateAsync(user.Id, cancellationToken))
        {
            await events.WriteAsync("login.certificateRequired", user.Username, user.Id, attempt.IpAddress, "a role of the user requires certificate sign-in", cancellationToken);
            return SignInResult.Failed(SignInFailure.CertificateRequired);
        }

        return await CompleteAsync(user, attempt.Username, address, attempt.IpAddress, attempt.UserAgent, attempt.ReplacingSessionKey, "password", cancellationToken);
    }

    /// <summary>
    /// Certificate sign-in (CR-3): the challenge is taken once, the SM2 signature over it must verify with the
    /// certificate's key, the certificate must chain to a trusted CA, be in force, not revoked and for clientAuth, and
    /// be registered to a user; a user whose roles require it must also give the password. Then as a password sign-in.
    /// </summary>
    public async Task<SignInResult> SignInWithCertificateAsync(CertificateSignInAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (certificates is null || challenges is null)
        {
            throw new InvalidOperationException("Certificate sign-in needs the certificate authority and the challenge store.");
        }

        var settings = options.Value;
        var address = SignInAttempt.AddressKey(attempt.IpAddress);
        const string certificateName = "#certificate";
        var wait = throttle.TryAdmit(certificateName, address);
        if (wait > TimeSpan.Zero)
        {
            await events.WriteAsync("login.throttled", null, null, attempt.IpAddress, $"certificate sign-in, retry after {Math.Ceiling(wait.TotalSeconds)} s", cancellationToken);
            return SignInResult.Failed(SignInFailure.Throttled, wait);
        }

        var challenge = await challenges.TakeAsync(attempt.ChallengeId, cancellationToken);
        if (challenge is null)
        {
            throttle.Failed(certificateName, address);
            await events.WriteAsync("login.challengeInvalid", null, null, attempt.IpAddress, "unknown, used (replayed) or expired challenge", cancellationToken);
            return SignInResult.Failed(SignInFailure.ChallengeInvalid);
        }

        var certificate = Sm2Certificate.Parse(attempt.CertificatePem);
        var encoding = attempt.Signature.Length == 64 ? Sm2SignatureEncoding.Raw : Sm2SignatureEncoding.Der;
        if (!Sm2.Verify(certificate.PublicKey, System.Text.Encoding.UTF8.GetBytes(challenge.SignedText), attempt.Signature, encoding: encoding))
        {
            throttle.Failed(certificateName, address);
            await events.WriteAsync("login.failed", certificate.CommonName, null, attempt.IpAddress, $"certificate {certificate.SerialNumber}: the signature does not match the challenge", cancellationToken);
            return SignInResult.Failed(SignInFailure.InvalidCredentials);
        }

        var validation = await certificates.ValidateAsync(certificate, "clientAuth", cancellationToken);
        if (!validation.IsValid)
        {
            throttle.Failed(certificateName, address);
            await events.WriteAsync("login.certificateInvalid", certificate.CommonName, null, attempt.IpAddress, $"certificate {certificate.SerialNumber}: {validation.Reason}", cancellationToken);
            return SignInResult.Failed(SignInFailure.CertificateInvalid, detail: validation.Reason);
        }

        var record = await certificates.FindAsync(certificate.Fingerprint(), cancellationToken);
        var user = record is { Kind: CertificateKinds.User, UserId: { } userId, RevokedAt: null } ? await users.GetAsync(userId, cancellationToken) : null;
        if (user is null)
        {
            throttle.Failed(certificateName, address);
            await events.WriteAsync("login.certificateUnknown", certificate.CommonName, null, attempt.IpAddress, $"certificate {certificate.SerialNumber} is bound to no user", cancellationToken);
            return SignInResult.Failed(SignInFailure.CertificateUnknown);
        }

        var now = time.GetUtcNow();
        var lockedForAddress = await failures.LockedUntilAsync(user.Username, address, now, cancellationToken);
        if (lockedForAddress is not null || user.LockedUntil > now)
        {
            await events.WriteAsync("login.failed", user.Username, user.Id, attempt.IpAddress, "certificate sign-in while locked", cancellationToken);
            return SignInResult.Failed(SignInFailure.InvalidCredentials);
        }

        if (await users.RequiresCertificateAsync(user.Id, cancellationToken))
        {
            if (string.IsNullOrEmpty(attempt.Password))
            {
                return SignInResult.Failed(SignInFailure.PasswordRequired);
            }

            if (!await hashing.VerifyAsync(attempt.Password, user.PasswordHash, hasher))
            {
                throttle.Failed(user.Username, address);
                var locked = await failures.RecordFailureAsync(user.Username, address, settings.MaxFailedAttempts, TimeSpan.FromMinutes(settings.LockoutMinutes), now, cancellationToken);
                if (locked is not null)
                {
                    await events.WriteAsync("login.lockout", user.Username, user.Id, attempt.IpAddress, $"address locked out until {locked:O} after {settings.MaxFailedAttempts} failures", cancellationToken);
                }

                await events.WriteAsync("login.failed", user.Username, user.Id, attempt.IpAddress, "wrong password with a certificate", cancellationToken);
                return SignInResult.Failed(SignInFailure.InvalidCredentials);
            }
        }

        throttle.Succeeded(certificateName, address);
        return await CompleteAsync(user, user.Username, address, attempt.IpAddress, attempt.UserAgent, attempt.ReplacingSessionKey, $"certificate {certificate.SerialNumber}", cancellationToken);
    }

    /// <summary>What every successful credential check leads to: state and validity, the integrity check, the session.</summary>
    private async Task<SignInResult> CompleteAsync(UserAccount user, string attemptedName, string address, string? ipAddress, string? userAgent, string? replacingSessionKey, string method, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();

        // Disabled and expired are told only to someone who knows the password.
        if (!user.Enabled)
        {
            await events.WriteAsync("login.disabled", user.Username, user.Id, ipAddress, "account disabled", cancellationToken);
            return SignInResult.Failed(SignInFailure.Disabled);
        }

        if (user.ValidUntil <= now)
        {
            await events.WriteAsync("login.expired", user.Username, user.Id, ipAddress, "account validity ended", cancellationToken);
            return SignInResult.Failed(SignInFailure.Expired);
        }

        if (user.ValidFrom > now)
        {
            await events.WriteAsync("login.notYetValid", user.Username, user.Id, ipAddress, "account validity not begun", cancellationToken);
            return SignInResult.Failed(SignInFailure.NotYetValid);
        }

        throttle.Succeeded(attemptedName, address);
        await failures.ClearAsync(attemptedName, address, cancellationToken);
        if (!user.MustChangePassword && settings.PasswordMaxAgeDays > 0 && user.PasswordChangedAt is { } changed && changed.AddDays(settings.PasswordMaxAgeDays) <= now)
        {
            await users.RequirePasswordChangeAsync(user.Id, cancellationToken);
            await events.WriteAsync("password.expired", user.Username, user.Id, ipAddress, $"older than {settings.PasswordMaxAgeDays} days", cancellationToken);
        }

        // The user row and its roles are checked (HMAC-SM3) before a session exists: a row changed in the database does not sign in.
        if (await users.GetPrincipalAsync(user.Id, cancellationToken) is null)
        {
            await events.WriteAsync("login.integrity", user.Username, user.Id, ipAddress, "the account's access-control data fails its integrity check", cancellationToken);
            return SignInResult.Failed(SignInFailure.IntegrityFailed);
        }

        await users.RecordSuccessfulLoginAsync(user.Id, cancellationToken);
        var key = await sessions.CreateAsync(user.Id, TimeSpan.FromHours(settings.SessionLifetimeHours), ipAddress, userAgent, replacingSessionKey, settings.MaxSessionsPerUser, cancellationToken);
        var principal = await users.GetPrincipalAsync(user.Id, cancellationToken)
            ?? throw new InvalidOperationException($"User {user.Id} vanished during sign-in.");
        await events.WriteAsync("login.succeeded", user.Username, user.Id, ipAddress, method == "password" ? null : method, cancellationToken);
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

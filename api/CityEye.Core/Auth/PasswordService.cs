using CityEye.Core.Validation;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>Changing and resetting passwords under the <see cref="PasswordPolicy"/>, with the audit trail.</summary>
public sealed class PasswordService(UserStore users, PasswordHashingPool hashing, PasswordHasher hasher, SecurityEventLog events, IOptions<AuthOptions> options)
{
    /// <summary>A user's own change: the current password must be right, the new one must pass the policy.</summary>
    /// <returns>The broken rules; empty when the password was changed.</returns>
    public async Task<IReadOnlyList<Violation>> ChangeAsync(long userId, string currentPassword, string newPassword, string? keepSessionHash, string? ipAddress, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(userId, cancellationToken) ?? throw new InvalidOperationException($"User {userId} does not exist.");
        if (!await hashing.VerifyAsync(currentPassword, user.PasswordHash, hasher))
        {
            await events.WriteAsync("password.change.failed", user.Username, user.Id, ipAddress, "wrong current password", cancellationToken);
            return [new Violation("currentPassword", ErrorCodes.PasswordWrong)];
        }

        var violations = await CheckAsync(user, newPassword, cancellationToken);
        if (violations.Count > 0)
        {
            return violations;
        }

        await users.SetPasswordAsync(user.Id, await hashing.HashAsync(newPassword, hasher), mustChange: false, keepSessionHash, options.Value.PasswordHistory, cancellationToken);
        await events.WriteAsync("password.changed", user.Username, user.Id, ipAddress, null, cancellationToken);
        return [];
    }

    /// <summary>An administrator's reset: the user must change it at the next sign-in; all sessions end.</summary>
    public async Task<IReadOnlyList<Violation>> ResetAsync(long userId, string newPassword, UserPrincipalData administrator, string? ipAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(administrator);
        var user = await users.GetAsync(userId, cancellationToken) ?? throw new InvalidOperationException($"User {userId} does not exist.");
        var violations = await CheckAsync(user, newPassword, cancellationToken);
        if (violations.Count > 0)
        {
            return violations;
        }

        await users.SetPasswordAsync(user.Id, await hashing.HashAsync(newPassword, hasher), mustChange: true, keepSessionHash: null, options.Value.PasswordHistory, cancellationToken);
        await events.WriteAsync("password.reset", user.Username, user.Id, ipAddress, $"by {administrator.Username}", cancellationToken);
        return [];
    }

    private async Task<IReadOnlyList<Violation>> CheckAsync(UserAccount user, string newPassword, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var policy = new PasswordPolicy(settings);
        var violations = policy.Check(user.Username, newPassword);
        if (violations.Count > 0 || settings.PasswordHistory == 0)
        {
            return violations;
        }

        // The history check is PBKDF2 per old password: on the hashing threads, like sign-in.
        foreach (var hash in await users.PasswordHashesAsync(user.Id, settings.PasswordHistory, cancellationToken))
        {
            if (await hashing.VerifyAsync(newPassword, hash, hasher))
            {
                return [policy.Reused()];
            }
        }

        return [];
    }
}

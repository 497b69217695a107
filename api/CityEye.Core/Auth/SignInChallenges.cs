using System.Security.Cryptography;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>A one-time sign-in challenge: its id and 32 random bytes (base64), valid until <see cref="ExpiresAt"/>.</summary>
public sealed record SignInChallenge(string Id, string Challenge, DateTimeOffset ExpiresAt)
{
    /// <summary>What the user's SM2 key signs for a certificate sign-in (UTF-8).</summary>
    public string SignedText => $"cityeye-sign-in:{Id}:{Challenge}";
}

/// <summary>
/// One-time challenges in the system of record (so any node of a cluster can check them): issued to a browser,
/// taken once by the sign-in that answers them; an expired or used challenge is refused (replay).
/// </summary>
public sealed class SignInChallenges(Database database, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public async Task<SignInChallenge> IssueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var challenge = new SignInChallenge(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now + Lifetime);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM sign_in_challenges WHERE expires_at < @now", new { now }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sign_in_challenges (id, challenge, created_at, expires_at) VALUES (@Id, @Challenge, @now, @ExpiresAt)",
            new { challenge.Id, challenge.Challenge, now, challenge.ExpiresAt }, cancellationToken: cancellationToken));
        return challenge;
    }

    /// <summary>Takes a challenge once: null when it is unknown, already used or expired.</summary>
    public async Task<SignInChallenge?> TakeAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ChallengeRow>(new CommandDefinition(
            "DELETE FROM sign_in_challenges WHERE id = @id RETURNING id, challenge, expires_at", new { id }, cancellationToken: cancellationToken));
        return row is not null && row.ExpiresAt > time.GetUtcNow() ? new SignInChallenge(row.Id, row.Challenge, row.ExpiresAt) : null;
    }

    private sealed record ChallengeRow
    {
        public string Id { get; init; } = "";
        public string Challenge { get; init; } = "";
        public DateTimeOffset ExpiresAt { get; init; }
    }
}

using System.Security.Cryptography;
using System.Text;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Server-side sign-in sessions. The browser holds only a random 256-bit session key; the store keeps its SHA-256,
/// so a leaked database does not leak usable sessions, and sign-out or disabling a user ends sessions at once.
/// </summary>
public sealed class SessionStore(Database database, TimeProvider time, AccessIntegrity? integrity = null)
{
    /// <summary>Last-seen times are written at most this often, so reads don't all become writes.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens a session. The session the browser already held (<paramref name="replacingKey"/>) ends, and so do the
    /// user's oldest sessions beyond <paramref name="maxSessions"/>, in the same transaction.
    /// </summary>
    public async Task<string> CreateAsync(long userId, TimeSpan lifetime, string? ipAddress, string? userAgent, string? replacingKey, int maxSessions, CancellationToken cancellationToken)
    {
        var key = NewKey();
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (!string.IsNullOrEmpty(replacingKey))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE sessions SET revoked_at = @now WHERE id_hash = @hash AND revoked_at IS NULL",
                    new { now, hash = HashKey(replacingKey) },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip_address, user_agent)
                VALUES (@hash, @userId, @now, @now, @expires, @ipAddress, @userAgent)
                """,
                new { hash = HashKey(key), userId, now, expires = now + lifetime, ipAddress, userAgent = Truncate(userAgent, 512) },
                transaction,
                cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE sessions SET revoked_at = @now
                WHERE user_id = @userId AND revoked_at IS NULL AND id_hash NOT IN (
                    SELECT id_hash FROM sessions WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @now
                    ORDER BY created_at DESC, id_hash LIMIT @maxSessions)
                """,
                new { userId, now, maxSessions },
                transaction,
                cancellationToken: cancellationToken));
        }, cancellationToken);
        return key;
    }

    /// <summary>
    /// The principal of a live session: not revoked, not past its lifetime, used within <paramref name="idleTimeout"/>,
    /// and its user enabled, not locked by an administrator and within validity. Null otherwise.
    /// </summary>
    /// <param name="key">The session key from the cookie.</param>
    /// <param name="idleTimeout">How long a session may go unused.</param>
    /// <param name="userActivity">
    /// False for the SPA's background polling: it proves the tab is open, not that someone is at it, so it must not
    /// keep an unattended session alive past the idle timeout.
    /// </param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    public async Task<UserPrincipalData?> ValidateAsync(string key, TimeSpan idleTimeout, bool userActivity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = HashKey(key);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var session = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            """
            SELECT s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, u.enabled, u.valid_from, u.valid_until, u.locked_until
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = @hash
            """,
            new { hash },
            cancellationToken: cancellationToken));
        if (session is null || session.RevokedAt is not null || session.ExpiresAt <= now || session.LastSeenAt + idleTimeout <= now
            || !session.Enabled || session.ValidUntil <= now || session.ValidFrom > now || session.LockedUntil > now)
        {
            return null;
        }

        if (userActivity && now - session.LastSeenAt >= TouchInterval)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE sessions SET last_seen_at = @now WHERE id_hash = @hash",
                new { now, hash },
                cancellationToken: cancellationToken));
        }

        return await UserStore.GetPrincipalAsync(connection, session.UserId, integrity, cancellationToken);
    }

    public async Task RevokeAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET revoked_at = @now WHERE id_hash = @hash AND revoked_at IS NULL",
            new { now = time.GetUtcNow(), hash = HashKey(key) },
            cancellationToken: cancellationToken));
    }

    public async Task<int> RevokeAllAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
            new { now = time.GetUtcNow(), userId },
            cancellationToken: cancellationToken));
    }

    internal static string NewKey() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a session key or token (SHA-256, hex).</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private sealed class SessionRow
    {
        public long UserId { get; set; }

        public DateTimeOffset LastSeenAt { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public bool Enabled { get; set; }

        public DateTimeOffset? ValidFrom { get; set; }

        public DateTimeOffset? ValidUntil { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}

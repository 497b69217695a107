using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Bearer tokens for external systems (the city bureau, third-party ledgers). A token acts as its user with at most
/// its scopes (a subset of the user's permissions, checked again on every use, so a role taken from the user is
/// taken from the token too). A token made by another token is its child: it never outlives its parent and dies
/// with it. Only the SHA-256 of a token is stored.
/// </summary>
public sealed class ApiTokenStore(Database database, TimeProvider time)
{
    public const string Prefix = "cey_";

    /// <summary>How often a token's use is written to its record and to the security log.</summary>
    public static readonly TimeSpan UseLogInterval = TimeSpan.FromMinutes(1);

    public async Task<(ApiTokenInfo Info, string Token)> CreateAsync(long userId, string name, DateTimeOffset expiresAt, IReadOnlyList<string>? scopes, long? parentId, CancellationToken cancellationToken)
    {
        var token = Prefix + SessionStore.NewKey();
        var now = time.GetUtcNow();
        var scopeText = scopes is null ? null : string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, scopes, parent_id)
            VALUES (@userId, @name, @hash, @now, @expiresAt, @scopeText, @parentId)
            RETURNING id
            """,
            new { userId, name, hash = SessionStore.HashKey(token), now, expiresAt, scopeText, parentId },
            cancellationToken: cancellationToken));
        return (new ApiTokenInfo { Id = id, Name = name, CreatedAt = now, ExpiresAt = expiresAt, Scopes = scopeText, ParentId = parentId }, token);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiTokenInfo>(new CommandDefinition(
            "SELECT id, name, created_at, expires_at, revoked_at, last_used_at, scopes, parent_id FROM api_tokens WHERE user_id = @userId ORDER BY id DESC",
            new { userId },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Revokes one of the user's tokens and every token made from it.</summary>
    /// <returns>False when the user has no such live token.</returns>
    public async Task<bool> RevokeAsync(long userId, long tokenId, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                WITH RECURSIVE family (id) AS (
                    SELECT id FROM api_tokens WHERE id = @tokenId AND user_id = @userId AND revoked_at IS NULL
                    UNION
                    SELECT t.id FROM api_tokens t JOIN family f ON t.parent_id = f.id
                )
                UPDATE api_tokens SET revoked_at = @now WHERE id IN (SELECT id FROM family) AND revoked_at IS NULL
                """,
                new { now = time.GetUtcNow(), tokenId, userId },
                transaction,
                cancellationToken: cancellationToken));
            return changed > 0;
        }, cancellationToken);
    }

    /// <summary>
    /// The principal a live token acts as, or null: unknown, revoked or expired, an ancestor revoked or expired, or its
    /// user disabled, expired or locked. Its permissions are the user's current ones limited to the token's scopes.
    /// </summary>
    /// <returns>The principal and whether this use should be logged (at most once per <see cref="UseLogInterval"/>).</returns>
    public async Task<(UserPrincipalData? Principal, bool LogUse)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (null, false);
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenUserRow>(new CommandDefinition(
            """
            SELECT t.id, t.user_id, t.expires_at, t.revoked_at, t.last_used_at, t.scopes, t.parent_id,
                   u.enabled, u.valid_until, u.locked_until
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash
            """,
            new { hash = SessionStore.HashKey(token) },
            cancellationToken: cancellationToken));
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now || !row.Enabled || row.ValidUntil <= now || row.LockedUntil > now)
        {
            return (null, false);
        }

        if (row.ParentId is not null)
        {
            // Any revoked or expired ancestor ends the token (revocation also cascades; this covers expiry).
            var deadAncestors = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                WITH RECURSIVE ancestors (id, parent_id, revoked_at, expires_at) AS (
                    SELECT id, parent_id, revoked_at, expires_at FROM api_tokens WHERE id = @parentId
                    UNION
                    SELECT t.id, t.parent_id, t.revoked_at, t.expires_at FROM api_tokens t JOIN ancestors a ON t.id = a.parent_id
                )
                SELECT COUNT(*) FROM ancestors WHERE revoked_at IS NOT NULL OR expires_at <= @now
                """,
                new { parentId = row.ParentId, now },
                cancellationToken: cancellationToken));
            if (deadAncestors > 0)
            {
                return (null, false);
            }
        }

        var logUse = row.LastUsedAt is null || now - row.LastUsedAt.Value >= UseLogInterval;
        if (logUse)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET last_used_at = @now WHERE id = @id",
                new { now, id = row.Id },
                cancellationToken: cancellationToken));
        }

        var user = await UserStore.GetPrincipalAsync(connection, row.UserId, cancellationToken);
        if (user is null)
        {
            return (null, false);
        }

        var permissions = row.Scopes is null
            ? user.Permissions
            : user.Permissions.Intersect(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal).ToList();
        return (user with { Permissions = permissions, ApiTokenId = row.Id, ApiTokenExpiresAt = row.ExpiresAt, MustChangePassword = false }, logUse);
    }

    private sealed class TokenUserRow
    {
        public long Id { get; set; }

        public long UserId { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public DateTimeOffset? LastUsedAt { get; set; }

        public string? Scopes { get; set; }

        public long? ParentId { get; set; }

        public bool Enabled { get; set; }

        public DateTimeOffset? ValidUntil { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}

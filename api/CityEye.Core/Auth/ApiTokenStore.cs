using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Bearer tokens for external systems (the city bureau, third-party ledgers). A token acts as its user with at most
/// its scopes (a subset of the user's permissions, checked again on every use, so a role taken from the user is
/// taken from the token too). A token made by another token is its child: it never outlives its parent and dies
/// with it. Only the SHA-256 of a token is stored.
/// </summary>
public sealed class ApiTokenStore(Database database, TimeProvider time, AccessIntegrity? integrity = null)
{
    public const string Prefix = "cey_";

    /// <summary>A token and every token made from it (recursively), for <c>@familyOf</c>.</summary>
    private const string FamilyOf = """
        WITH RECURSIVE family (id) AS (
            SELECT id FROM api_tokens WHERE id = @familyOf
            UNION
            SELECT t.id FROM api_tokens t JOIN family f ON t.parent_id = f.id
        )
        """;

    /// <summary>How often a token's use is written to its record and to the security log.</summary>
    public static readonly TimeSpan UseLogInterval = TimeSpan.FromMinutes(1);

    public async Task<(ApiTokenInfo Info, string Token)> CreateAsync(long userId, string name, DateTimeOffset expiresAt, IReadOnlyList<string>? scopes, long? parentId, CancellationToken cancellationToken, string? commissioningUnit = null)
    {
        var token = Prefix + SessionStore.NewKey();
        var now = time.GetUtcNow();
        var scopeText = scopes is null ? null : string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, scopes, parent_id, commissioning_unit)
            VALUES (@userId, @name, @hash, @now, @expiresAt, @scopeText, @parentId, @commissioningUnit)
            RETURNING id
            """,
            new { userId, name, hash = SessionStore.HashKey(token), now, expiresAt, scopeText, parentId, commissioningUnit },
            cancellationToken: cancellationToken));
        return (new ApiTokenInfo { Id = id, Name = name, CreatedAt = now, ExpiresAt = expiresAt, Scopes = scopeText, ParentId = parentId, CommissioningUnit = commissioningUnit }, token);
    }

    /// <summary>
    /// The user's tokens, newest first; when <paramref name="familyOf"/> is given (a token is asking), only that token
    /// and the tokens made from it, so a child cannot see or touch its parent and siblings.
    /// </summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(long userId, long? familyOf, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiTokenInfo>(new CommandDefinition(
            $"""
            {FamilyOf}
            SELECT id, name, created_at, expires_at, revoked_at, last_used_at, scopes, parent_id, commissioning_unit FROM api_tokens
            WHERE user_id = @userId AND (@familyOf IS NULL OR id IN (SELECT id FROM family))
            ORDER BY id DESC
            """,
            new { userId, familyOf },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Revokes one of the user's tokens and every token made from it; when <paramref name="familyOf"/> is given (a
    /// token is asking), only within that token's family.
    /// </summary>
    /// <returns>False when the user has no such live token (within the family).</returns>
    public async Task<bool> RevokeAsync(long userId, long tokenId, long? familyOf, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH RECURSIVE family (id) AS (
                SELECT id FROM api_tokens WHERE id = COALESCE(@familyOf, @tokenId)
                UNION
                SELECT t.id FROM api_tokens t JOIN family f ON t.parent_id = f.id
            ),
            revoked (id) AS (
                SELECT id FROM api_tokens WHERE id = @tokenId AND user_id = @userId AND revoked_at IS NULL
                    AND id IN (SELECT id FROM family)
                UNION
                SELECT t.id FROM api_tokens t JOIN revoked r ON t.parent_id = r.id
            )
            UPDATE api_tokens SET revoked_at = @now WHERE id IN (SELECT id FROM revoked) AND revoked_at IS NULL
            """,
            new { now = time.GetUtcNow(), tokenId, userId, familyOf },
            cancellationToken: cancellationToken));
        return changed > 0;
    }

    /// <summary>
    /// The principal a live token acts as, or null: unknown, revoked or expired, or its user disabled, expired or
    /// locked. (A child never outlives its parent, which creation checks, and revoking a parent revokes its children.) Its permissions are the user's current ones limited to the token's scopes.
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
                   u.enabled, u.valid_from, u.valid_until, u.locked_until
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash
            """,
            new { hash = SessionStore.HashKey(token) },
            cancellationToken: cancellationToken));
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now || !row.Enabled || row.ValidUntil <= now || row.ValidFrom > now || row.LockedUntil > now)
        {
            return (null, false);
        }

        var logUse = row.LastUsedAt is null || now - row.LastUsedAt.Value >= UseLogInterval;
        if (logUse)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET last_used_at = @now WHERE id = @id",
                new { now, id = row.Id },
                cancellationToken: cancellationToken));
        }

        var user = await UserStore.GetPrincipalAsync(connection, row.UserId, integrity, cancellationToken);
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

        public DateTimeOffset? ValidFrom { get; set; }

        public DateTimeOffset? ValidUntil { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}

using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Bearer tokens for external systems (the city bureau, third-party ledgers). A token acts as its user, with that
/// user's permissions; only its SHA-256 is stored.
/// </summary>
public sealed class ApiTokenStore(Database database, TimeProvider time)
{
    public const string Prefix = "cey_";

    public async Task<(ApiTokenInfo Info, string Token)> CreateAsync(long userId, string name, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = Prefix + SessionStore.NewKey();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
            VALUES (@userId, @name, @hash, @now, @expires)
            RETURNING id
            """,
            new { userId, name, hash = SessionStore.HashKey(token), now, expires = now + lifetime },
            cancellationToken: cancellationToken));
        return (new ApiTokenInfo(id, name, now, now + lifetime, null, null), token);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(
            "SELECT id, name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE user_id = @userId ORDER BY id DESC",
            new { userId },
            cancellationToken: cancellationToken));
        return rows.Select(r => new ApiTokenInfo(r.Id, r.Name, r.CreatedAt, r.ExpiresAt, r.RevokedAt, r.LastUsedAt)).ToList();
    }

    /// <returns>False when the user has no such live token.</returns>
    public async Task<bool> RevokeAsync(long userId, long tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE id = @tokenId AND user_id = @userId AND revoked_at IS NULL",
            new { now = time.GetUtcNow(), tokenId, userId },
            cancellationToken: cancellationToken));
        return changed == 1;
    }

    /// <summary>The principal a live token acts as, or null (unknown, revoked, expired, or its user disabled).</summary>
    public async Task<UserPrincipalData?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenUserRow>(new CommandDefinition(
            """
            SELECT t.id, t.user_id, t.expires_at, t.revoked_at, t.last_used_at, u.enabled, u.valid_until
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash
            """,
            new { hash = SessionStore.HashKey(token) },
            cancellationToken: cancellationToken));
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now || !row.Enabled || row.ValidUntil <= now)
        {
            return null;
        }

        if (row.LastUsedAt is null || now - row.LastUsedAt.Value >= TimeSpan.FromMinutes(1))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET last_used_at = @now WHERE id = @id",
                new { now, id = row.Id },
                cancellationToken: cancellationToken));
        }

        return await UserStore.GetPrincipalAsync(connection, row.UserId, cancellationToken);
    }

    private sealed class TokenRow
    {
        public long Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public DateTimeOffset? LastUsedAt { get; set; }
    }

    private sealed class TokenUserRow
    {
        public long Id { get; set; }

        public long UserId { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public DateTimeOffset? LastUsedAt { get; set; }

        public bool Enabled { get; set; }

        public DateTimeOffset? ValidUntil { get; set; }
    }
}

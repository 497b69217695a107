using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using CityEye.Core.Storage;
using CityEye.Crypto;
using Dapper;

namespace CityEye.Core.Keys;

/// <summary>What a stored key is for.</summary>
public static class KeyPurposes
{
    /// <summary>SM4-CBC + HMAC-SM3 keys (32 bytes) for personal data and secrets at rest; rotated, old versions kept.</summary>
    public const string Data = "data";
    /// <summary>HMAC-SM3 key for the blind indexes of encrypted identifiers.</summary>
    public const string BlindIndex = "blind-index";
    /// <summary>HMAC-SM3 key for the integrity of access-control records.</summary>
    public const string Integrity = "integrity";
    /// <summary>The SM2 key of the node's root certificate authority.</summary>
    public const string Authority = "ca";
    /// <summary>The SM2 key of the site certificate (signing for the integrity tool, log checkpoints, password encryption).</summary>
    public const string Site = "site";

    /// <summary>The symmetric purposes and whether a rotation is offered for each.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Symmetric = new Dictionary<string, bool>
    {
        [Data] = true,
        [BlindIndex] = false,
        [Integrity] = false,
    };

    public static bool IsSm2(string purpose) => purpose is Authority or Site;
}

/// <summary>A stored key's metadata (never its material).</summary>
public sealed record KeyInfo
{
    public long Id { get; init; }
    public string Purpose { get; init; } = "";
    public int Version { get; init; }
    public string Algorithm { get; init; } = "";
    public string State { get; init; } = "";
    public string MasterKeyId { get; init; } = "";
    public string? PublicKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>An unwrapped symmetric key of a purpose and version.</summary>
public sealed record SymmetricKey(string Purpose, int Version, byte[] Material);

/// <summary>The master key in configuration or the file is not the one that wrapped the stored keys.</summary>
public sealed class MasterKeyMismatchException(string message) : Exception(message);

/// <summary>
/// The key store: data keys and SM2 private keys, each wrapped by the <see cref="IMasterKey"/> (the label
/// "purpose:version" is bound into the wrapping), one active version per purpose; a rotation adds the next version
/// and retires the old one, which stays for decryption. Unwrapped keys are cached in memory.
/// </summary>
public sealed class KeyStore(Database database, IMasterKey master, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Purpose, int Version), byte[]> _material = new();
    private readonly ConcurrentDictionary<string, int> _active = new();

    /// <summary>The master key in use.</summary>
    public IMasterKey Master => master;

    /// <summary>Refuses to go on when any stored key was wrapped by another master key.</summary>
    public async Task CheckMasterKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var others = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT master_key_id FROM crypto_keys WHERE master_key_id <> @id", new { id = master.Id }, cancellationToken: cancellationToken))).ToList();
        if (others.Count > 0)
        {
            throw new MasterKeyMismatchException(
                $"The master key ({master.Id}, {master.Source}) is not the one that wrapped the stored keys ({string.Join(", ", others)}); configure the original Crypto:MasterKey or key file.");
        }
    }

    /// <summary>Every stored key's metadata, by purpose and version.</summary>
    public async Task<IReadOnlyList<KeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<KeyInfo>(new CommandDefinition(
            "SELECT id, purpose, version, algorithm, state, master_key_id, public_key, created_at, created_by, retired_at FROM crypto_keys ORDER BY purpose, version DESC",
            cancellationToken: cancellationToken))];
    }

    /// <summary>The active key of a symmetric purpose, created on first use.</summary>
    public async Task<SymmetricKey> ActiveAsync(string purpose, CancellationToken cancellationToken)
    {
        RequireSymmetric(purpose);
        if (_active.TryGetValue(purpose, out var cached) && _material.TryGetValue((purpose, cached), out var known))
        {
            return new SymmetricKey(purpose, cached, known);
        }

        var row = await ActiveRowAsync(purpose, cancellationToken)
            ?? await CreateFirstAsync(purpose, () => (RandomNumberGenerator.GetBytes(32), null), "system", cancellationToken);
        var material = Unwrap(row);
        _active[purpose] = row.Version;
        return new SymmetricKey(purpose, row.Version, material);
    }

    /// <summary>A given version of a symmetric purpose (for decrypting what an older version encrypted).</summary>
    public async Task<SymmetricKey> VersionAsync(string purpose, int version, CancellationToken cancellationToken)
    {
        RequireSymmetric(purpose);
        if (_material.TryGetValue((purpose, version), out var known))
        {
            return new SymmetricKey(purpose, version, known);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT purpose, version, wrapped FROM crypto_keys WHERE purpose = @purpose AND version = @version", new { purpose, version }, cancellationToken: cancellationToken))
            ?? throw new CryptoException(CryptoErrors.DecryptFailed, $"No {purpose} key of version {version} is stored.");
        return new SymmetricKey(purpose, version, Unwrap(row));
    }

    /// <summary>The active SM2 private key of an SM2 purpose, created on first use.</summary>
    public async Task<Sm2PrivateKey> Sm2Async(string purpose, CancellationToken cancellationToken)
    {
        if (!KeyPurposes.IsSm2(purpose))
        {
            throw new ArgumentException($"{purpose} is not an SM2 key purpose.", nameof(purpose));
        }

        var row = await ActiveRowAsync(purpose, cancellationToken)
            ?? await CreateFirstAsync(purpose, () =>
            {
                var pair = Sm2.GenerateKeyPair();
                return (pair.PrivateKey.ToBytes(), pair.PublicKey.ToPem());
            }, "system", cancellationToken);
        return Sm2PrivateKey.FromBytes(Unwrap(row));
    }

    /// <summary>Adds the next version of a symmetric purpose and retires the current one (kept for decryption).</summary>
    public async Task<KeyInfo> RotateAsync(string purpose, string actor, CancellationToken cancellationToken)
    {
        RequireSymmetric(purpose);
        if (!KeyPurposes.Symmetric[purpose])
        {
            throw new InvalidOperationException($"The {purpose} key is not rotated (its values would have to be recomputed).");
        }

        await ActiveAsync(purpose, cancellationToken);
        var now = clock.GetUtcNow();
        var info = await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (connection is Npgsql.NpgsqlConnection)
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = RotationLockKey }, transaction, cancellationToken: cancellationToken));
            }

            var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM crypto_keys WHERE purpose = @purpose", new { purpose }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crypto_keys SET state = 'retired', retired_at = @now WHERE purpose = @purpose AND state = 'active'", new { purpose, now }, transaction, cancellationToken: cancellationToken));
            var material = RandomNumberGenerator.GetBytes(32);
            await InsertAsync(connection, transaction, purpose, version, material, null, actor, now, cancellationToken);
            _material[(purpose, version)] = material;
            return await connection.QuerySingleAsync<KeyInfo>(new CommandDefinition(
                "SELECT id, purpose, version, algorithm, state, master_key_id, public_key, created_at, created_by, retired_at FROM crypto_keys WHERE purpose = @purpose AND version = @version",
                new { purpose, version }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
        _active[purpose] = info.Version;
        return info;
    }

    /// <summary>Forgets the cached active versions (another node may have rotated).</summary>
    public void Refresh() => _active.Clear();

    private async Task<KeyRow?> ActiveRowAsync(string purpose, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT purpose, version, wrapped FROM crypto_keys WHERE purpose = @purpose AND state = 'active' ORDER BY version DESC LIMIT 1",
            new { purpose }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates version 1; when another node or request created it first, theirs wins.</summary>
    private async Task<KeyRow> CreateFirstAsync(string purpose, Func<(byte[] Material, string? PublicKey)> generate, string actor, CancellationToken cancellationToken)
    {
        var (material, publicKey) = generate();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await InsertAsync(connection, null, purpose, 1, material, publicKey, actor, clock.GetUtcNow(), cancellationToken, ignoreConflict: true);
        }

        return await ActiveRowAsync(purpose, cancellationToken)
            ?? throw new InvalidOperationException($"The {purpose} key could not be created.");
    }

    private async Task InsertAsync(DbConnection connection, DbTransaction? transaction, string purpose, int version, byte[] material, string? publicKey, string actor, DateTimeOffset now, CancellationToken cancellationToken, bool ignoreConflict = false)
    {
        var wrapped = Convert.ToBase64String(master.Wrap(material, Label(purpose, version)));
        var algorithm = KeyPurposes.IsSm2(purpose) ? "SM2" : purpose == KeyPurposes.Data ? "SM4-CBC+HMAC-SM3" : "HMAC-SM3";
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO crypto_keys (purpose, version, algorithm, wrapped, public_key, master_key_id, state, created_at, created_by) " +
            "VALUES (@purpose, @version, @algorithm, @wrapped, @publicKey, @masterKeyId, 'active', @now, @actor)" +
            (ignoreConflict ? " ON CONFLICT (purpose, version) DO NOTHING" : string.Empty),
            new { purpose, version, algorithm, wrapped, publicKey, masterKeyId = master.Id, now, actor }, transaction, cancellationToken: cancellationToken));
    }

    private byte[] Unwrap(KeyRow row) =>
        _material.GetOrAdd((row.Purpose, row.Version), _ => master.Unwrap(Convert.FromBase64String(row.Wrapped), Label(row.Purpose, row.Version)));

    private static string Label(string purpose, int version) => $"cityeye-key:{purpose}:{version}";

    private static void RequireSymmetric(string purpose)
    {
        if (!KeyPurposes.Symmetric.ContainsKey(purpose))
        {
            throw new ArgumentException($"{purpose} is not a symmetric key purpose.", nameof(purpose));
        }
    }

    private const long RotationLockKey = 0x4B_65_79_52_6F_74;

    private sealed record KeyRow
    {
        public string Purpose { get; init; } = "";
        public int Version { get; init; }
        public string Wrapped { get; init; } = "";
    }
}

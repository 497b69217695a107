using System.Globalization;
using System.Text;
using CityEye.Crypto;

namespace CityEye.Core.Keys;

/// <summary>
/// Encryption of important data at rest (CR-3): a field value is sealed with SM4-CBC + HMAC-SM3 under the active data
/// key and stored as <c>sm4:v{version}:{base64}</c>, bound to its place (table and column) as associated data, so a
/// value copied into another column does not open. Older key versions stay readable; <see cref="IsCurrentAsync"/> tells
/// the re-encryption job what to rewrite. Searchable identifiers get a keyed SM3 blind index beside the ciphertext.
/// </summary>
public sealed class FieldProtector(KeyStore keys)
{
    private const string Prefix = "sm4:v";

    /// <summary>Encrypts <paramref name="value"/> for the column <paramref name="place"/> (e.g. "person_library.id_number").</summary>
    public async Task<string> ProtectAsync(string value, string place, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = await keys.ActiveAsync(KeyPurposes.Data, cancellationToken);
        var sealedValue = Sm4Cipher.Seal(key.Material, Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(place));
        return $"{Prefix}{key.Version.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(sealedValue)}";
    }

    /// <summary>Decrypts a stored value of <paramref name="place"/>; a value that predates encryption (no prefix) is
    /// returned as it is. A changed, moved or truncated value throws <see cref="CryptoException"/>.</summary>
    public async Task<string> UnprotectAsync(string stored, string place, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!TryParse(stored, out var version, out var body))
        {
            return stored;
        }

        var key = await keys.VersionAsync(KeyPurposes.Data, version, cancellationToken);
        return Encoding.UTF8.GetString(Sm4Cipher.Open(key.Material, body, Encoding.UTF8.GetBytes(place)));
    }

    /// <summary>Whether a stored value is encrypted under the active data key version (false for plaintext).</summary>
    public async Task<bool> IsCurrentAsync(string stored, CancellationToken cancellationToken) =>
        TryParse(stored, out var version, out _) && version == (await keys.ActiveAsync(KeyPurposes.Data, cancellationToken)).Version;

    /// <summary>
    /// The blind index of an identifier of a kind (e.g. "id-number", "phone"): HMAC-SM3 under the blind-index key over
    /// the kind and the value with spaces removed and letters upper-cased, 32 hex characters. Equal values give equal
    /// indexes, so an exact search or a unique constraint works without the plaintext.
    /// </summary>
    public async Task<string> BlindIndexAsync(string value, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = await keys.ActiveAsync(KeyPurposes.BlindIndex, cancellationToken);
        var normal = string.Concat(value.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        return Convert.ToHexStringLower(Sm3Hash.Hmac(key.Material, Encoding.UTF8.GetBytes(kind + "\u001f" + normal)))[..32];
    }

    private static bool TryParse(string stored, out int version, out byte[] body)
    {
        version = 0;
        body = [];
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var colon = stored.IndexOf(':', Prefix.Length);
        if (colon < 0 || !int.TryParse(stored.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw new CryptoException(CryptoErrors.Malformed, "The stored value has an sm4 prefix but no key version.");
        }

        try
        {
            body = Convert.FromBase64String(stored[(colon + 1)..]);
        }
        catch (FormatException ex)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The stored ciphertext is not base64.", ex);
        }

        return true;
    }
}

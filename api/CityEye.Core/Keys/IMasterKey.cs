using System.Security.Cryptography;
using CityEye.Crypto;

namespace CityEye.Core.Keys;

/// <summary>
/// The top of the key hierarchy: wraps and unwraps the data keys and SM2 private keys the key store keeps. The
/// software implementation holds an SM4 key from configuration or a file; a cryptographic machine implements the same
/// two calls with its internal key-encryption key (GM/T 0018: SDF_Encrypt / SDF_Decrypt with an internal key index,
/// or SDF_ImportKeyWithKEK), so the master key never leaves the device (docs/crypto.md, "Master key").
/// </summary>
public interface IMasterKey
{
    /// <summary>A stable identifier of this master key (not secret), stored beside each wrapped key.</summary>
    string Id { get; }

    /// <summary>Where the key lives, for /readyz and the key page (e.g. "configuration", "file /data/keys/master.key").</summary>
    string Source { get; }

    /// <summary>Wraps key material; <paramref name="label"/> binds it to its purpose and version.</summary>
    byte[] Wrap(ReadOnlySpan<byte> key, string label);

    /// <summary>Unwraps; a wrong master key or label throws <see cref="CryptoException"/>.</summary>
    byte[] Unwrap(ReadOnlySpan<byte> wrapped, string label);
}

/// <summary>An SM4 master key held in memory (SM4-GCM wrapping, the label as associated data).</summary>
public sealed class SoftwareMasterKey : IMasterKey
{
    private readonly byte[] _key;

    public SoftwareMasterKey(ReadOnlySpan<byte> key, string source)
    {
        if (key.Length != Sm4Cipher.KeyLength)
        {
            throw new ArgumentException("The master key is a 128-bit SM4 key.", nameof(key));
        }

        _key = key.ToArray();
        Source = source;
        Id = Convert.ToHexStringLower(Sm3Hash.Hmac(_key, "cityeye master key id"u8))[..16];
    }

    public string Id { get; }

    public string Source { get; }

    public byte[] Wrap(ReadOnlySpan<byte> key, string label) => Sm4Cipher.GcmEncrypt(_key, key, System.Text.Encoding.UTF8.GetBytes(label));

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string label) => Sm4Cipher.GcmDecrypt(_key, wrapped, System.Text.Encoding.UTF8.GetBytes(label));

    /// <summary>
    /// The master key from <see cref="CryptoOptions.MasterKey"/>, else from the key file, which is created (mode 0600)
    /// with a fresh random key when missing.
    /// </summary>
    public static SoftwareMasterKey Load(CryptoOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            return new SoftwareMasterKey(Convert.FromHexString(options.MasterKey), "configuration (Crypto:MasterKey)");
        }

        var path = Path.GetFullPath(options.MasterKeyFile ?? Path.Combine(dataDirectory, "keys", "master.key"));
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Sm4Cipher.KeyLength));
            PrivateFile.WriteNew(path, fresh);
        }

        var text = File.ReadAllText(path).Trim();
        if (text.Length != 32 || !text.All(Uri.IsHexDigit))
        {
            throw new InvalidOperationException($"The master key file {path} does not hold 32 hex characters.");
        }

        return new SoftwareMasterKey(Convert.FromHexString(text), $"file {path}");
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityEye.Crypto;

/// <summary>
/// SM4 (GB/T 32907-2016) with random IVs: GCM (nonce 12 bytes, tag 16 bytes; output nonce||ciphertext||tag), and
/// CBC with PKCS#7 padding plus HMAC-SM3 over the IV and ciphertext, encrypt-then-MAC (output iv||ciphertext||mac).
/// Both take associated data that is authenticated but not stored, binding a ciphertext to its place (a table, a
/// column, a row). The CBC form is the one browsers can compute too (the SPA's SM library has no GCM).
/// </summary>
public static class Sm4Cipher
{
    /// <summary>SM4 key length in bytes.</summary>
    public const int KeyLength = 16;
    /// <summary>Key length of the CBC + HMAC-SM3 form: 16 bytes of SM4 key, then 16 bytes of MAC key.</summary>
    public const int SealKeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int BlockLength = 16;

    /// <summary>Encrypts one 16-byte block with no mode (for the standard's test vector only).</summary>
    public static byte[] EncryptBlock(ReadOnlySpan<byte> key, ReadOnlySpan<byte> block)
    {
        RequireLength(key, KeyLength);
        if (block.Length != BlockLength)
        {
            throw new CryptoException(CryptoErrors.Malformed, "An SM4 block is 16 bytes.");
        }

        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var output = new byte[BlockLength];
        engine.ProcessBlock(block, output);
        return output;
    }

    /// <summary>SM4-GCM with a random 12-byte nonce.</summary>
    public static byte[] GcmEncrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        RequireLength(key, KeyLength);
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var gcm = new GcmBlockCipher(new SM4Engine());
        gcm.Init(true, new AeadParameters(new KeyParameter(key), TagLength * 8, nonce, associatedData.ToArray()));
        var output = new byte[NonceLength + gcm.GetOutputSize(plaintext.Length)];
        nonce.CopyTo(output, 0);
        var written = gcm.ProcessBytes(plaintext, output.AsSpan(NonceLength));
        gcm.DoFinal(output.AsSpan(NonceLength + written));
        return output;
    }

    /// <summary>Decrypts <see cref="GcmEncrypt"/>'s output; a truncated or altered input or another key throws.</summary>
    public static byte[] GcmDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData = default)
    {
        RequireLength(key, KeyLength);
        if (sealedData.Length < NonceLength + TagLength)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM4-GCM ciphertext is truncated.");
        }

        var gcm = new GcmBlockCipher(new SM4Engine());
        gcm.Init(false, new AeadParameters(new KeyParameter(key), TagLength * 8, sealedData[..NonceLength].ToArray(), associatedData.ToArray()));
        var body = sealedData[NonceLength..];
        var output = new byte[gcm.GetOutputSize(body.Length)];
        try
        {
            var written = gcm.ProcessBytes(body, output);
            written += gcm.DoFinal(output.AsSpan(written));
            return output[..written];
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM4-GCM ciphertext was altered or made with another key.", ex);
        }
    }

    /// <summary>SM4-CBC (random IV, PKCS#7 padding) then HMAC-SM3 over the associated data, IV and ciphertext.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        RequireLength(key, SealKeyLength);
        var iv = RandomNumberGenerator.GetBytes(BlockLength);
        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new SM4Engine()), new Pkcs7Padding());
        cipher.Init(true, new ParametersWithIV(new KeyParameter(key[..KeyLength]), iv));
        var body = new byte[cipher.GetOutputSize(plaintext.Length)];
        var written = cipher.ProcessBytes(plaintext, body);
        written += cipher.DoFinal(body.AsSpan(written));
        var output = new byte[BlockLength + written + Sm3Hash.Length];
        iv.CopyTo(output, 0);
        body.AsSpan(0, written).CopyTo(output.AsSpan(BlockLength));
        SealMac(key[KeyLength..], associatedData, output.AsSpan(0, BlockLength + written)).CopyTo(output, BlockLength + written);
        return output;
    }

    /// <summary>Checks the HMAC-SM3 (in constant time) and decrypts <see cref="Seal"/>'s output.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData = default)
    {
        RequireLength(key, SealKeyLength);
        var bodyLength = sealedData.Length - BlockLength - Sm3Hash.Length;
        if (bodyLength < BlockLength || bodyLength % BlockLength != 0)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM4-CBC ciphertext is truncated.");
        }

        var signedPart = sealedData[..(BlockLength + bodyLength)];
        var expected = SealMac(key[KeyLength..], associatedData, signedPart);
        if (!CryptographicOperations.FixedTimeEquals(expected, sealedData[(BlockLength + bodyLength)..]))
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The HMAC-SM3 does not match: the ciphertext was altered, moved or made with another key.");
        }

        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new SM4Engine()), new Pkcs7Padding());
        cipher.Init(false, new ParametersWithIV(new KeyParameter(key[..KeyLength]), sealedData[..BlockLength].ToArray()));
        var output = new byte[cipher.GetOutputSize(bodyLength)];
        try
        {
            var written = cipher.ProcessBytes(sealedData.Slice(BlockLength, bodyLength), output);
            written += cipher.DoFinal(output.AsSpan(written));
            return output[..written];
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM4-CBC padding is invalid.", ex);
        }
    }

    private static byte[] SealMac(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ivAndCiphertext)
    {
        var mac = Sm3Hash.CreateHmac(macKey);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)associatedData.Length);
        mac.Append(length);
        mac.Append(associatedData);
        mac.Append(ivAndCiphertext);
        return mac.Finish();
    }

    private static void RequireLength(ReadOnlySpan<byte> key, int length)
    {
        if (key.Length != length)
        {
            throw new CryptoException(CryptoErrors.KeyLength, $"The key must be {length} bytes.");
        }
    }
}

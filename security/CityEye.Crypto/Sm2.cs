using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace CityEye.Crypto;

/// <summary>How an SM2 signature is encoded.</summary>
public enum Sm2SignatureEncoding
{
    /// <summary>DER SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009; what OpenSSL writes; the "PKCS#1" form of the tender).</summary>
    Der,
    /// <summary>r||s, 32 bytes each (USB keys and browser libraries).</summary>
    Raw,
}

/// <summary>How an SM2 ciphertext is encoded.</summary>
public enum Sm2CiphertextEncoding
{
    /// <summary>04||C1.x||C1.y||C3||C2 (GB/T 32918.4 order C1C3C2).</summary>
    C1C3C2,
    /// <summary>DER SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING } (GM/T 0009; OpenSSL).</summary>
    Asn1,
}

/// <summary>An SM2 key pair.</summary>
public sealed record Sm2KeyPair(Sm2PrivateKey PrivateKey, Sm2PublicKey PublicKey);

/// <summary>
/// SM2 (GB/T 32918) signatures with SM3 over Z_A||M, where Z_A binds the signer's distinguishing ID and public key
/// (default ID "1234567812345678", GM/T 0009), and public-key encryption in C1C3C2 order.
/// </summary>
public static class Sm2
{
    /// <summary>The default distinguishing ID of GM/T 0009.</summary>
    public const string DefaultId = "1234567812345678";

    private static readonly SecureRandom Random = new();

    /// <summary>A new key pair from the system's cryptographic random generator.</summary>
    public static Sm2KeyPair GenerateKeyPair()
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(Sm2Curve.Oid, Random));
        var pair = generator.GenerateKeyPair();
        var privateKey = new Sm2PrivateKey((ECPrivateKeyParameters)pair.Private);
        return new Sm2KeyPair(privateKey, privateKey.PublicKey);
    }

    /// <summary>Signs <paramref name="data"/> (SM3 over Z_A||M).</summary>
    public static byte[] Sign(Sm2PrivateKey key, ReadOnlySpan<byte> data, string? id = null, Sm2SignatureEncoding encoding = Sm2SignatureEncoding.Der)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SignWith(key, data, id, encoding, Random);
    }

    /// <summary>Signs a stream read to its end.</summary>
    public static async Task<byte[]> SignAsync(Sm2PrivateKey key, Stream data, string? id = null, Sm2SignatureEncoding encoding = Sm2SignatureEncoding.Der, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signer = CreateSigner(encoding);
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key.Parameters, Random), IdBytes(id)));
        await FeedAsync(signer, data, cancellationToken).ConfigureAwait(false);
        return signer.GenerateSignature();
    }

    /// <summary>Signs with a given random source (the standard's fixed-k test vectors).</summary>
    internal static byte[] SignWith(Sm2PrivateKey key, ReadOnlySpan<byte> data, string? id, Sm2SignatureEncoding encoding, SecureRandom random)
    {
        var signer = CreateSigner(encoding);
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key.Parameters, random), IdBytes(id)));
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    /// <summary>Signs with a fixed k (the standard's test vector; never for real signatures).</summary>
    internal static byte[] SignWithFixedK(Sm2PrivateKey key, ReadOnlySpan<byte> data, string? id, byte[] k) =>
        SignWith(key, data, id, Sm2SignatureEncoding.Raw, new FixedRandom(k));

    /// <summary>Encrypts with a fixed k (the standard's test vector; never for real ciphertexts).</summary>
    internal static byte[] EncryptWithFixedK(Sm2PublicKey key, ReadOnlySpan<byte> plaintext, byte[] k) =>
        EncryptWith(key, plaintext, Sm2CiphertextEncoding.C1C3C2, new FixedRandom(k));

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/>; a signature that
    /// cannot be decoded in the given encoding is simply not valid.</summary>
    public static bool Verify(Sm2PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, string? id = null, Sm2SignatureEncoding encoding = Sm2SignatureEncoding.Der)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signer = CreateSigner(encoding);
        signer.Init(false, new ParametersWithID(key.Parameters, IdBytes(id)));
        signer.BlockUpdate(data);
        return VerifyQuietly(signer, signature);
    }

    /// <summary>Verifies a signature over a stream read to its end.</summary>
    public static async Task<bool> VerifyAsync(Sm2PublicKey key, Stream data, byte[] signature, string? id = null, Sm2SignatureEncoding encoding = Sm2SignatureEncoding.Der, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        var signer = CreateSigner(encoding);
        signer.Init(false, new ParametersWithID(key.Parameters, IdBytes(id)));
        await FeedAsync(signer, data, cancellationToken).ConfigureAwait(false);
        return VerifyQuietly(signer, signature);
    }

    /// <summary>Converts a signature between DER and r||s.</summary>
    public static byte[] ConvertSignature(ReadOnlySpan<byte> signature, Sm2SignatureEncoding from, Sm2SignatureEncoding to)
    {
        if (from == to)
        {
            return signature.ToArray();
        }

        var n = Sm2Curve.X9.N;
        try
        {
            var rs = (from == Sm2SignatureEncoding.Der ? StandardDsaEncoding.Instance : (IDsaEncoding)PlainDsaEncoding.Instance).Decode(n, signature.ToArray());
            return (to == Sm2SignatureEncoding.Der ? StandardDsaEncoding.Instance : (IDsaEncoding)PlainDsaEncoding.Instance).Encode(n, rs[0], rs[1]);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
        {
            throw new CryptoException(CryptoErrors.Malformed, $"The signature is not a valid {(from == Sm2SignatureEncoding.Der ? "DER" : "r||s")} SM2 signature.", ex);
        }
    }

    /// <summary>Encrypts for <paramref name="key"/> (GB/T 32918.4).</summary>
    public static byte[] Encrypt(Sm2PublicKey key, ReadOnlySpan<byte> plaintext, Sm2CiphertextEncoding encoding = Sm2CiphertextEncoding.C1C3C2)
    {
        ArgumentNullException.ThrowIfNull(key);
        return EncryptWith(key, plaintext, encoding, Random);
    }

    internal static byte[] EncryptWith(Sm2PublicKey key, ReadOnlySpan<byte> plaintext, Sm2CiphertextEncoding encoding, SecureRandom random)
    {
        if (plaintext.IsEmpty)
        {
            throw new CryptoException(CryptoErrors.Malformed, "SM2 cannot encrypt an empty message.");
        }

        var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.Init(true, new ParametersWithRandom(key.Parameters, random));
        var raw = engine.ProcessBlock(plaintext.ToArray(), 0, plaintext.Length);
        return encoding == Sm2CiphertextEncoding.C1C3C2 ? raw : RawToAsn1(raw);
    }

    /// <summary>Decrypts; a truncated or altered ciphertext, or one for another key, throws <see cref="CryptoException"/>.</summary>
    public static byte[] Decrypt(Sm2PrivateKey key, ReadOnlySpan<byte> ciphertext, Sm2CiphertextEncoding encoding = Sm2CiphertextEncoding.C1C3C2)
    {
        ArgumentNullException.ThrowIfNull(key);
        var raw = encoding == Sm2CiphertextEncoding.C1C3C2 ? ciphertext.ToArray() : Asn1ToRaw(ciphertext);
        if (raw.Length < 1 + 64 + 32 + 1 || raw[0] != 0x04)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM2 ciphertext is truncated or does not start with an uncompressed point (04).");
        }

        var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.Init(false, key.Parameters);
        try
        {
            return engine.ProcessBlock(raw, 0, raw.Length);
        }
        catch (Exception ex) when (ex is InvalidCipherTextException or ArgumentException or InvalidOperationException)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM2 ciphertext was altered or made for another key.", ex);
        }
    }

    private static byte[] RawToAsn1(byte[] raw)
    {
        var x = new BigInteger(1, raw, 1, 32);
        var y = new BigInteger(1, raw, 33, 32);
        return new DerSequence(
            new DerInteger(x),
            new DerInteger(y),
            new DerOctetString(raw.AsSpan(65, 32).ToArray()),
            new DerOctetString(raw.AsSpan(97).ToArray())).GetDerEncoded();
    }

    private static byte[] Asn1ToRaw(ReadOnlySpan<byte> der)
    {
        try
        {
            var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
            if (sequence.Count != 4)
            {
                throw new CryptoException(CryptoErrors.DecryptFailed, "The SM2 ciphertext is not SEQUENCE { x, y, hash, ciphertext }.");
            }

            var x = DerInteger.GetInstance(sequence[0]).PositiveValue.ToByteArrayUnsigned();
            var y = DerInteger.GetInstance(sequence[1]).PositiveValue.ToByteArrayUnsigned();
            var hash = Asn1OctetString.GetInstance(sequence[2]).GetOctets();
            var body = Asn1OctetString.GetInstance(sequence[3]).GetOctets();
            if (x.Length > 32 || y.Length > 32 || hash.Length != 32)
            {
                throw new CryptoException(CryptoErrors.DecryptFailed, "The SM2 ciphertext's point or hash has the wrong length.");
            }

            return [0x04, .. x.PadLeft(32), .. y.PadLeft(32), .. hash, .. body];
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
        {
            throw new CryptoException(CryptoErrors.DecryptFailed, "The SM2 ciphertext is not valid DER.", ex);
        }
    }

    private static SM2Signer CreateSigner(Sm2SignatureEncoding encoding) =>
        encoding == Sm2SignatureEncoding.Raw ? new SM2Signer(PlainDsaEncoding.Instance) : new SM2Signer();

    internal static byte[] IdBytes(string? id) => Encoding.UTF8.GetBytes(id ?? DefaultId);

    private static bool VerifyQuietly(SM2Signer signer, ReadOnlySpan<byte> signature)
    {
        try
        {
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task FeedAsync(SM2Signer signer, Stream data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var buffer = new byte[81920];
        int read;
        while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            signer.BlockUpdate(buffer, 0, read);
        }
    }
}

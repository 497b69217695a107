using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace CityEye.Crypto;

/// <summary>The SM2 curve (GB/T 32918.5, sm2p256v1) and key encodings shared by the SM2 types.</summary>
internal static class Sm2Curve
{
    public static readonly DerObjectIdentifier Oid = GMObjectIdentifiers.sm2p256v1;
    public static readonly X9ECParameters X9 = GMNamedCurves.GetByOid(Oid);
    public static readonly ECNamedDomainParameters Domain = new(Oid, X9);

    /// <summary>Whether <paramref name="parameters"/> are the SM2 curve and base point.</summary>
    public static bool IsSm2(ECDomainParameters parameters) =>
        parameters.Curve.Equals(X9.Curve) && parameters.G.Equals(X9.G) && parameters.N.Equals(X9.N);

    public static ECPublicKeyParameters PublicFromPoint(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var point = X9.Curve.DecodePoint(encoded.ToArray());
            return new ECPublicKeyParameters("EC", point, Oid);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The SM2 public key is not a point on the SM2 curve.", ex);
        }
    }
}

/// <summary>An SM2 public key (GB/T 32918). Encodes as SubjectPublicKeyInfo (PEM/DER, as OpenSSL 3 writes it) or as the
/// uncompressed point 04||x||y in hex (as browser SM2 libraries and USB keys use it).</summary>
public sealed class Sm2PublicKey : IEquatable<Sm2PublicKey>
{
    internal Sm2PublicKey(ECPublicKeyParameters parameters) => Parameters = parameters;

    internal ECPublicKeyParameters Parameters { get; }

    /// <summary>SubjectPublicKeyInfo DER (id-ecPublicKey with the sm2p256v1 named curve).</summary>
    public byte[] ToDer() => SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Parameters).GetDerEncoded();

    /// <summary>PEM "PUBLIC KEY".</summary>
    public string ToPem() => Pem.Write("PUBLIC KEY", ToDer());

    /// <summary>The uncompressed point 04||x||y (65 bytes).</summary>
    public byte[] ToPoint() => Parameters.Q.GetEncoded(false);

    /// <summary>The uncompressed point as lower-case hex (130 characters, starting 04).</summary>
    public string ToHex() => Convert.ToHexStringLower(ToPoint());

    /// <summary>SM3 of the SubjectPublicKeyInfo DER, lower-case hex: a stable identifier of the key.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(Sm3Hash.Compute(ToDer()));

    /// <summary>Reads a PEM "PUBLIC KEY", SubjectPublicKeyInfo DER, or a hex point (04||x||y, or x||y).</summary>
    public static Sm2PublicKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            return FromDer(Pem.Read(trimmed, "PUBLIC KEY"));
        }

        var bytes = Hex.Decode(trimmed, "public key");
        return FromPoint(bytes.Length == 64 ? [0x04, .. bytes] : bytes);
    }

    /// <summary>Reads an encoded point (04||x||y or compressed).</summary>
    public static Sm2PublicKey FromPoint(ReadOnlySpan<byte> point) => new(Sm2Curve.PublicFromPoint(point));

    /// <summary>Reads SubjectPublicKeyInfo DER; refuses keys on other curves.</summary>
    public static Sm2PublicKey FromDer(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        AsymmetricKeyParameter key;
        try
        {
            key = PublicKeyFactory.CreateKey(der);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or SecurityUtilityException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The public key is not valid SubjectPublicKeyInfo DER.", ex);
        }

        return FromParameters(key);
    }

    internal static Sm2PublicKey FromParameters(AsymmetricKeyParameter key)
    {
        if (key is not ECPublicKeyParameters ec)
        {
            throw new CryptoException(CryptoErrors.WrongCurve, "The key is not an elliptic-curve (SM2) key.");
        }

        if (!Sm2Curve.IsSm2(ec.Parameters))
        {
            throw new CryptoException(CryptoErrors.WrongCurve, "The key is on another curve, not SM2 (sm2p256v1).");
        }

        return new Sm2PublicKey(new ECPublicKeyParameters("EC", ec.Q, Sm2Curve.Oid));
    }

    public bool Equals(Sm2PublicKey? other) => other is not null && Parameters.Q.Equals(other.Parameters.Q);

    public override bool Equals(object? obj) => Equals(obj as Sm2PublicKey);

    public override int GetHashCode() => Parameters.Q.GetHashCode();
}

/// <summary>An SM2 private key. Encodes as unencrypted PKCS#8 (PEM "PRIVATE KEY", readable by OpenSSL 3) or as the 32-byte
/// scalar in hex. Keep it wrapped (<c>KeyStore</c>) at rest.</summary>
public sealed class Sm2PrivateKey
{
    internal Sm2PrivateKey(ECPrivateKeyParameters parameters)
    {
        Parameters = parameters;
        var q = Sm2Curve.X9.G.Multiply(parameters.D).Normalize();
        PublicKey = new Sm2PublicKey(new ECPublicKeyParameters("EC", q, Sm2Curve.Oid));
    }

    internal ECPrivateKeyParameters Parameters { get; }

    /// <summary>The public half.</summary>
    public Sm2PublicKey PublicKey { get; }

    /// <summary>PKCS#8 DER.</summary>
    public byte[] ToDer() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(Parameters).GetDerEncoded();

    /// <summary>PEM "PRIVATE KEY" (PKCS#8, unencrypted).</summary>
    public string ToPem() => Pem.Write("PRIVATE KEY", ToDer());

    /// <summary>The private scalar, 32 bytes big-endian, as lower-case hex.</summary>
    public string ToHex() => Convert.ToHexStringLower(Parameters.D.ToByteArrayUnsigned().PadLeft(32));

    /// <summary>The private scalar as 32 bytes (for wrapping under a master key).</summary>
    public byte[] ToBytes() => Parameters.D.ToByteArrayUnsigned().PadLeft(32);

    /// <summary>Reads PEM "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1), PKCS#8 DER or a 32-byte hex scalar.</summary>
    public static Sm2PrivateKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            var (label, der) = Pem.ReadAny(trimmed);
            return label switch
            {
                "PRIVATE KEY" => FromDer(der),
                "EC PRIVATE KEY" => FromSec1(der),
                _ => throw new CryptoException(CryptoErrors.Malformed, $"Expected a PEM PRIVATE KEY, found {label}."),
            };
        }

        return FromBytes(Hex.Decode(trimmed, "private key"));
    }

    /// <summary>Reads the 32-byte scalar.</summary>
    public static Sm2PrivateKey FromBytes(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != 32)
        {
            throw new CryptoException(CryptoErrors.KeyLength, "An SM2 private key is 32 bytes.");
        }

        var d = new BigInteger(1, scalar.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Sm2Curve.X9.N.Subtract(BigInteger.One)) >= 0)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The SM2 private key is out of range.");
        }

        return new Sm2PrivateKey(new ECPrivateKeyParameters("EC", d, Sm2Curve.Oid));
    }

    /// <summary>Reads PKCS#8 DER; refuses keys on other curves.</summary>
    public static Sm2PrivateKey FromDer(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        AsymmetricKeyParameter key;
        try
        {
            key = PrivateKeyFactory.CreateKey(der);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or SecurityUtilityException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The private key is not valid PKCS#8 DER.", ex);
        }

        return FromParameters(key);
    }

    private static Sm2PrivateKey FromSec1(byte[] der)
    {
        try
        {
            var sec1 = Org.BouncyCastle.Asn1.Sec.ECPrivateKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
            var parameters = sec1.Parameters is null ? null : X962Parameters.GetInstance(sec1.Parameters);
            if (parameters is { IsNamedCurve: true } && !Sm2Curve.Oid.Equals(parameters.Parameters))
            {
                throw new CryptoException(CryptoErrors.WrongCurve, "The key is on another curve, not SM2 (sm2p256v1).");
            }

            return FromBytes(sec1.GetKey().ToByteArrayUnsigned().PadLeft(32));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The private key is not valid SEC1 DER.", ex);
        }
    }

    private static Sm2PrivateKey FromParameters(AsymmetricKeyParameter key)
    {
        if (key is not ECPrivateKeyParameters ec)
        {
            throw new CryptoException(CryptoErrors.WrongCurve, "The key is not an elliptic-curve (SM2) key.");
        }

        if (!Sm2Curve.IsSm2(ec.Parameters))
        {
            throw new CryptoException(CryptoErrors.WrongCurve, "The key is on another curve, not SM2 (sm2p256v1).");
        }

        return new Sm2PrivateKey(new ECPrivateKeyParameters("EC", ec.D, Sm2Curve.Oid));
    }
}

/// <summary>Small helpers for PEM, hex and fixed-width big-endian integers.</summary>
internal static class Pem
{
    public static string Write(string label, byte[] der) => new string(PemEncoding.Write(label, der)) + "\n";

    public static byte[] Read(string text, string label)
    {
        var (found, der) = ReadAny(text);
        return found == label ? der : throw new CryptoException(CryptoErrors.Malformed, $"Expected PEM {label}, found {found}.");
    }

    public static (string Label, byte[] Der) ReadAny(string text)
    {
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new CryptoException(CryptoErrors.Malformed, "The PEM text has no complete BEGIN/END block.");
        }

        var label = text[fields.Label];
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written))
        {
            throw new CryptoException(CryptoErrors.Malformed, "The PEM block is not valid base64.");
        }

        return (label, der[..written]);
    }
}

internal static class Hex
{
    public static byte[] Decode(string text, string what)
    {
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException ex)
        {
            throw new CryptoException(CryptoErrors.Malformed, $"The {what} is neither PEM nor hex.", ex);
        }
    }

    public static byte[] PadLeft(this byte[] bytes, int length) =>
        bytes.Length >= length ? bytes : [.. new byte[length - bytes.Length], .. bytes];
}

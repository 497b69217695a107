using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;

namespace CityEye.Crypto;

/// <summary>A PKCS#10 certificate signing request with an SM2 key (what a USB key or OpenSSL produces for enrolment).</summary>
public sealed class Sm2CertificateRequest
{
    private Sm2CertificateRequest(Pkcs10CertificationRequest request, Sm2PublicKey publicKey)
    {
        Inner = request;
        PublicKey = publicKey;
    }

    internal Pkcs10CertificationRequest Inner { get; }

    /// <summary>The key to certify.</summary>
    public Sm2PublicKey PublicKey { get; }

    /// <summary>The requested subject.</summary>
    public string Subject => Inner.GetCertificationRequestInfo().Subject.ToString();

    /// <summary>The requested common name, or empty.</summary>
    public string CommonName => Inner.GetCertificationRequestInfo().Subject.GetValueList(X509Name.CN).FirstOrDefault() ?? string.Empty;

    /// <summary>Whether the request is signed by the key it asks to certify (proof of possession).</summary>
    public bool IsSelfSigned()
    {
        return Sm2Operators.FirstValid(PublicKey, Inner.Verify) is not null;
    }

    /// <summary>PEM "CERTIFICATE REQUEST".</summary>
    public string ToPem() => Pem.Write("CERTIFICATE REQUEST", Inner.GetDerEncoded());

    /// <summary>A request for <paramref name="subject"/>, signed with <paramref name="key"/>.</summary>
    public static Sm2CertificateRequest Create(Sm2PrivateKey key, DistinguishedName subject)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(subject);
        var request = new Pkcs10CertificationRequest(
            Sm2Operators.Signer(key),
            subject.ToX509Name(),
            key.PublicKey.Parameters,
            null);
        return new Sm2CertificateRequest(request, key.PublicKey);
    }

    /// <summary>Reads PEM "CERTIFICATE REQUEST" (or "NEW CERTIFICATE REQUEST").</summary>
    public static Sm2CertificateRequest Parse(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var (label, der) = Pem.ReadAny(pem);
        if (label is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
        {
            throw new CryptoException(CryptoErrors.Malformed, $"Expected a PEM CERTIFICATE REQUEST, found {label}.");
        }

        Pkcs10CertificationRequest request;
        try
        {
            request = new Pkcs10CertificationRequest(der);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The certificate request is not valid PKCS#10 DER.", ex);
        }

        if (!GMObjectIdentifiers.sm2sign_with_sm3.Equals(request.SignatureAlgorithm.Algorithm))
        {
            throw new CryptoException(CryptoErrors.WrongAlgorithm, "The certificate request is not signed with SM2 with SM3.");
        }

        Sm2PublicKey key;
        try
        {
            key = Sm2PublicKey.FromParameters(request.GetPublicKey());
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The certificate request's public key cannot be read.", ex);
        }

        return new Sm2CertificateRequest(request, key);
    }
}

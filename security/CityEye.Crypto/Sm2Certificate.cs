using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security.Certificates;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace CityEye.Crypto;

/// <summary>An X.509 certificate with an SM2 key, signed with SM2/SM3 (OID 1.2.156.10197.1.501).</summary>
public sealed class Sm2Certificate
{
    internal Sm2Certificate(X509Certificate certificate, Sm2PublicKey publicKey)
    {
        Inner = certificate;
        PublicKey = publicKey;
    }

    internal X509Certificate Inner { get; }

    /// <summary>The subject's SM2 public key.</summary>
    public Sm2PublicKey PublicKey { get; }

    /// <summary>Serial number, lower-case hex.</summary>
    public string SerialNumber => Inner.SerialNumber.ToString(16);

    /// <summary>Subject distinguished name (RFC 4514-like, as BouncyCastle writes it).</summary>
    public string Subject => Inner.SubjectDN.ToString();

    /// <summary>Issuer distinguished name.</summary>
    public string Issuer => Inner.IssuerDN.ToString();

    /// <summary>The subject's common name (CN), or empty.</summary>
    public string CommonName => Inner.SubjectDN.GetValueList(X509Name.CN).FirstOrDefault() ?? string.Empty;

    public DateTimeOffset NotBefore => new(DateTime.SpecifyKind(Inner.NotBefore, DateTimeKind.Utc));

    public DateTimeOffset NotAfter => new(DateTime.SpecifyKind(Inner.NotAfter, DateTimeKind.Utc));

    /// <summary>Whether the certificate may issue certificates (basicConstraints cA).</summary>
    public bool IsCertificateAuthority => Inner.GetBasicConstraints() >= 0;

    /// <summary>Whether the certificate may sign certificates: a CA whose keyUsage, when present, includes keyCertSign (RFC 5280 4.2.1.3).</summary>
    public bool MaySignCertificates => IsCertificateAuthority && (Inner.GetKeyUsage() is not { } usage || (usage.Length > 5 && usage[5]));

    /// <summary>Whether subject and issuer are the same name (a root).</summary>
    public bool IsSelfIssued => Inner.SubjectDN.Equivalent(Inner.IssuerDN);

    /// <summary>The DNS names and IP addresses of the subjectAltName extension.</summary>
    public IReadOnlyList<string> DnsNames =>
        Inner.GetSubjectAlternativeNameExtension() is { } names
            ? names.GetNames().Select(n => n.TagNo switch
            {
                GeneralName.DnsName => n.Name.ToString()!,
                GeneralName.IPAddress => new System.Net.IPAddress(Asn1OctetString.GetInstance(n.Name).GetOctets()).ToString(),
                _ => null,
            }).OfType<string>().ToList()
            : [];

    /// <summary>The extended key usages, by name (serverAuth, clientAuth, codeSigning, emailProtection) or OID.</summary>
    public IReadOnlyList<string> ExtendedKeyUsages =>
        Inner.GetExtendedKeyUsage()?.Select(oid => oid.Id switch
        {
            "1.3.6.1.5.5.7.3.1" => "serverAuth",
            "1.3.6.1.5.5.7.3.2" => "clientAuth",
            "1.3.6.1.5.5.7.3.3" => "codeSigning",
            "1.3.6.1.5.5.7.3.4" => "emailProtection",
            var other => other,
        }).ToList() ?? [];

    /// <summary>DER.</summary>
    public byte[] ToDer() => Inner.GetEncoded();

    /// <summary>PEM "CERTIFICATE".</summary>
    public string ToPem() => Pem.Write("CERTIFICATE", ToDer());

    /// <summary>SM3 of the DER, lower-case hex.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(Sm3Hash.Compute(ToDer()));

    /// <summary>Whether <paramref name="issuer"/>'s key made this certificate's signature.</summary>
    public bool IsSignedBy(Sm2PublicKey issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return Sm2Operators.FirstValid(issuer, Inner.IsSignatureValid) is not null;
    }

    /// <summary>Reads PEM "CERTIFICATE" or DER; refuses non-SM2 keys and signature algorithms other than SM2/SM3.</summary>
    public static Sm2Certificate Parse(string pem) => FromDer(Pem.Read(pem ?? throw new ArgumentNullException(nameof(pem)), "CERTIFICATE"));

    /// <summary>Reads every certificate of a PEM bundle.</summary>
    public static IReadOnlyList<Sm2Certificate> ParseBundle(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var result = new List<Sm2Certificate>();
        var rest = pem.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
        {
            result.Add(Parse(rest[fields.Location].ToString()));
            rest = rest[fields.Location.End..];
        }

        return result.Count > 0 ? result : throw new CryptoException(CryptoErrors.Malformed, "The PEM text holds no certificate.");
    }

    /// <summary>Reads DER.</summary>
    public static Sm2Certificate FromDer(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        X509Certificate certificate;
        try
        {
            certificate = new X509Certificate(X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der)));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or CertificateException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The certificate is not valid X.509 DER.", ex);
        }

        if (!GMObjectIdentifiers.sm2sign_with_sm3.Id.Equals(certificate.SigAlgOid, StringComparison.Ordinal))
        {
            throw new CryptoException(CryptoErrors.WrongAlgorithm, $"The certificate is signed with {certificate.SigAlgName}, not SM2 with SM3.");
        }

        Sm2PublicKey key;
        try
        {
            key = Sm2PublicKey.FromParameters(certificate.GetPublicKey());
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or CertificateException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The certificate's public key cannot be read.", ex);
        }

        return new Sm2Certificate(certificate, key);
    }

    internal SubjectKeyIdentifier SubjectKeyIdentifier() =>
        X509ExtensionUtilities.CreateSubjectKeyIdentifier(Inner.GetPublicKey());
}

using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace CityEye.Crypto;

/// <summary>What a certificate is for; decides its extensions.</summary>
public enum CertificateProfile
{
    /// <summary>A root certificate authority (self-signed; keyCertSign, cRLSign).</summary>
    RootAuthority,
    /// <summary>A site (server) certificate: serverAuth, the node's DNS names.</summary>
    Site,
    /// <summary>A device certificate (a camera, a platform, an access gateway): clientAuth and serverAuth.</summary>
    Device,
    /// <summary>A user certificate: clientAuth, digitalSignature and nonRepudiation (sign-in, signing).</summary>
    User,
    /// <summary>A release-signing certificate: codeSigning (the manifest of shipped files).</summary>
    CodeSigning,
}

/// <summary>What to put in a new certificate.</summary>
public sealed record CertificateSpec(DistinguishedName Subject, CertificateProfile Profile, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>subjectAltName DNS names (sites) or IP addresses.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Serial number; a random 128-bit one when null.</summary>
    public byte[]? SerialNumber { get; init; }
}

/// <summary>Issues SM2 certificates and revocation lists (the node's small certificate authority).</summary>
public static class Sm2CertificateIssuer
{
    /// <summary>A self-signed root certificate for <paramref name="key"/>.</summary>
    public static Sm2Certificate CreateRoot(Sm2PrivateKey key, CertificateSpec spec)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Profile != CertificateProfile.RootAuthority)
        {
            throw new ArgumentException("A root uses the RootAuthority profile.", nameof(spec));
        }

        return Build(spec, key.PublicKey, issuerName: spec.Subject.ToX509Name(), issuerCertificate: null, issuerKey: key);
    }

    /// <summary>A self-signed certificate of any profile: a signer pinned by its fingerprint (e.g. a release-signing certificate).</summary>
    public static Sm2Certificate CreateSelfSigned(Sm2PrivateKey key, CertificateSpec spec)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(spec);
        return Build(spec, key.PublicKey, spec.Subject.ToX509Name(), issuerCertificate: null, issuerKey: key);
    }

    /// <summary>A certificate for <paramref name="subjectKey"/> signed by <paramref name="issuer"/>.</summary>
    public static Sm2Certificate Issue(CertificateSpec spec, Sm2PublicKey subjectKey, Sm2Certificate issuer, Sm2PrivateKey issuerKey)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(subjectKey);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(issuerKey);
        if (!issuer.IsCertificateAuthority)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The issuer certificate is not a certificate authority.");
        }

        if (!issuer.PublicKey.Equals(issuerKey.PublicKey))
        {
            throw new CryptoException(CryptoErrors.Malformed, "The issuer key does not belong to the issuer certificate.");
        }

        return Build(spec, subjectKey, issuer.Inner.SubjectDN, issuer, issuerKey);
    }

    /// <summary>A revocation list signed by <paramref name="issuer"/>.</summary>
    public static Sm2RevocationList CreateRevocationList(Sm2Certificate issuer, Sm2PrivateKey issuerKey, IEnumerable<RevokedCertificate> revoked, long number, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(issuerKey);
        ArgumentNullException.ThrowIfNull(revoked);
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(issuer.Inner.SubjectDN);
        generator.SetThisUpdate(thisUpdate.UtcDateTime);
        generator.SetNextUpdate(nextUpdate.UtcDateTime);
        foreach (var entry in revoked)
        {
            generator.AddCrlEntry(new BigInteger(entry.SerialNumber, 16), entry.RevokedAt.UtcDateTime, (int)entry.Reason);
        }

        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(number)));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false,
            X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer.Inner.GetPublicKey()));
        var crl = generator.Generate(Sm2Operators.Signer(issuerKey));
        return new Sm2RevocationList(crl);
    }

    private static Sm2Certificate Build(CertificateSpec spec, Sm2PublicKey subjectKey, X509Name issuerName, Sm2Certificate? issuerCertificate, Sm2PrivateKey issuerKey)
    {
        if (spec.NotAfter <= spec.NotBefore)
        {
            throw new CryptoException(CryptoErrors.Malformed, "A certificate's end of validity must be after its start.");
        }

        var serial = spec.SerialNumber ?? RandomNumberGenerator.GetBytes(16);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(1, serial));
        generator.SetIssuerDN(issuerName);
        generator.SetSubjectDN(spec.Subject.ToX509Name());
        generator.SetNotBefore(spec.NotBefore.UtcDateTime);
        generator.SetNotAfter(spec.NotAfter.UtcDateTime);
        generator.SetPublicKey(subjectKey.Parameters);
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(subjectKey.Parameters));
        if (issuerCertificate is not null)
        {
            generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false,
                X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuerCertificate.Inner.GetPublicKey()));
        }

        switch (spec.Profile)
        {
            case CertificateProfile.RootAuthority:
                generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
                generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature));
                break;
            case CertificateProfile.Site:
                generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
                generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment | KeyUsage.KeyAgreement));
                generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_serverAuth, KeyPurposeID.id_kp_clientAuth));
                break;
            case CertificateProfile.Device:
                generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
                generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment));
                generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth, KeyPurposeID.id_kp_serverAuth));
                break;
            case CertificateProfile.User:
                generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
                generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
                generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth, KeyPurposeID.id_kp_emailProtection));
                break;
            case CertificateProfile.CodeSigning:
                generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
                generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
                generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_codeSigning));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Profile, "Unknown certificate profile.");
        }

        if (spec.DnsNames.Count > 0)
        {
            var names = spec.DnsNames.Select(n => System.Net.IPAddress.TryParse(n, out _)
                ? new GeneralName(GeneralName.IPAddress, n)
                : new GeneralName(GeneralName.DnsName, n)).ToArray();
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names));
        }

        var certificate = generator.Generate(Sm2Operators.Signer(issuerKey));
        return new Sm2Certificate(certificate, subjectKey);
    }
}

/// <summary>Why a certificate was revoked (RFC 5280 CRLReason).</summary>
public enum RevocationReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
}

/// <summary>One entry of a revocation list.</summary>
public sealed record RevokedCertificate(string SerialNumber, DateTimeOffset RevokedAt, RevocationReason Reason);

/// <summary>An X.509 v2 certificate revocation list signed with SM2/SM3.</summary>
public sealed class Sm2RevocationList
{
    internal Sm2RevocationList(X509Crl crl) => Inner = crl;

    internal X509Crl Inner { get; }

    public string Issuer => Inner.IssuerDN.ToString();

    public DateTimeOffset ThisUpdate => new(DateTime.SpecifyKind(Inner.ThisUpdate, DateTimeKind.Utc));

    public DateTimeOffset? NextUpdate => Inner.NextUpdate is { } next ? new(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;

    /// <summary>The serial numbers (lower-case hex) it revokes.</summary>
    public IReadOnlyList<string> RevokedSerialNumbers =>
        Inner.GetRevokedCertificates()?.Select(e => e.SerialNumber.ToString(16)).ToList() ?? [];

    /// <summary>Whether it lists <paramref name="certificate"/>.</summary>
    public bool Revokes(Sm2Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Inner.IssuerDN.Equivalent(certificate.Inner.IssuerDN) && Inner.GetRevokedCertificate(certificate.Inner.SerialNumber) is not null;
    }

    /// <summary>Whether <paramref name="issuer"/>'s key signed it.</summary>
    public bool IsSignedBy(Sm2PublicKey issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return Sm2Operators.FirstValid(issuer, Inner.IsSignatureValid) is not null;
    }

    public byte[] ToDer() => Inner.GetEncoded();

    public string ToPem() => Pem.Write("X509 CRL", ToDer());

    /// <summary>Reads PEM "X509 CRL" or DER.</summary>
    public static Sm2RevocationList Parse(byte[] derOrPem)
    {
        ArgumentNullException.ThrowIfNull(derOrPem);
        var der = derOrPem.Length > 0 && derOrPem[0] == (byte)'-'
            ? Pem.Read(System.Text.Encoding.ASCII.GetString(derOrPem), "X509 CRL")
            : derOrPem;
        try
        {
            return new Sm2RevocationList(new X509Crl(CertificateList.GetInstance(Asn1Object.FromByteArray(der))));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The revocation list is not valid X.509 CRL DER.", ex);
        }
    }
}

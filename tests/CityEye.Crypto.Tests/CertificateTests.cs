using System.Text;

namespace CityEye.Crypto.Tests;

/// <summary>The node's small certificate authority: root, site, device and user certificates, revocation, chain checks.</summary>
public sealed class CertificateTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    internal sealed record Authority(Sm2Certificate Root, Sm2PrivateKey RootKey);

    internal static Authority NewAuthority(string name = "青浦分局测试根证书")
    {
        var key = Sm2.GenerateKeyPair().PrivateKey;
        var root = Sm2CertificateIssuer.CreateRoot(key, new CertificateSpec(
            new DistinguishedName(name, "上海市公安局青浦分局", "科技信息化科"), CertificateProfile.RootAuthority, Now.AddDays(-1), Now.AddYears(10)));
        return new Authority(root, key);
    }

    internal static (Sm2Certificate Certificate, Sm2PrivateKey Key) Issue(Authority authority, string commonName, CertificateProfile profile, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, params string[] dnsNames)
    {
        var key = Sm2.GenerateKeyPair().PrivateKey;
        var certificate = Sm2CertificateIssuer.Issue(
            new CertificateSpec(new DistinguishedName(commonName, "上海市公安局青浦分局"), profile, notBefore ?? Now.AddHours(-1), notAfter ?? Now.AddYears(1)) { DnsNames = dnsNames },
            key.PublicKey, authority.Root, authority.RootKey);
        return (certificate, key);
    }

    [Fact]
    public void Issued_certificates_carry_the_subject_key_profile_and_names()
    {
        var authority = NewAuthority();
        var (site, siteKey) = Issue(authority, "cityeye.qp.sh.gov", CertificateProfile.Site, dnsNames: ["cityeye.qp.sh.gov", "127.0.0.1"]);

        Assert.True(authority.Root.IsCertificateAuthority);
        Assert.True(authority.Root.IsSelfIssued);
        Assert.True(authority.Root.IsSignedBy(authority.Root.PublicKey));
        Assert.False(site.IsCertificateAuthority);
        Assert.Equal(siteKey.PublicKey, site.PublicKey);
        Assert.Equal("cityeye.qp.sh.gov", site.CommonName);
        Assert.Contains("cityeye.qp.sh.gov", site.DnsNames);
        Assert.Contains("serverAuth", site.ExtendedKeyUsages);
        Assert.Contains("O=上海市公安局青浦分局", site.Subject, StringComparison.Ordinal);
        Assert.Equal(authority.Root.Subject, site.Issuer);
        Assert.True(site.IsSignedBy(authority.Root.PublicKey));
        Assert.False(site.IsSignedBy(siteKey.PublicKey));
        var parsed = Sm2Certificate.Parse(site.ToPem());
        Assert.Equal(site.Fingerprint(), parsed.Fingerprint());
        Assert.Equal(site.SerialNumber, parsed.SerialNumber);
        Assert.Equal(2, Sm2Certificate.ParseBundle(site.ToPem() + authority.Root.ToPem()).Count);
    }

    [Fact]
    public void A_subject_with_a_comma_stays_one_attribute()
    {
        var authority = NewAuthority();
        var (user, _) = Issue(authority, "zhang,O=evil", CertificateProfile.User);
        Assert.Equal("zhang,O=evil", user.CommonName);
        Assert.DoesNotContain("O=evil,", user.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_accepts_a_good_chain_and_names_each_failure()
    {
        var authority = NewAuthority();
        var (user, _) = Issue(authority, "investigator", CertificateProfile.User);
        var anchors = new[] { authority.Root };
        bool NotRevoked(Sm2Certificate _) => false;

        var ok = Sm2CertificateValidator.Validate(user, anchors, [], NotRevoked, Now, "clientAuth");
        Assert.True(ok.IsValid, ok.Reason);
        Assert.Equal(2, ok.Chain.Count);

        Assert.Equal(CertificateStatus.Expired, Sm2CertificateValidator.Validate(user, anchors, [], NotRevoked, Now.AddYears(2)).Status);
        Assert.Equal(CertificateStatus.NotYetValid, Sm2CertificateValidator.Validate(user, anchors, [], NotRevoked, Now.AddDays(-2)).Status);
        Assert.Equal(CertificateStatus.Revoked, Sm2CertificateValidator.Validate(user, anchors, [], c => c.SerialNumber == user.SerialNumber, Now).Status);
        Assert.Equal(CertificateStatus.WrongUsage, Sm2CertificateValidator.Validate(user, anchors, [], NotRevoked, Now, "serverAuth").Status);

        // Another authority with the very same name: the names match, the signature does not.
        var impostor = NewAuthority();
        var forged = Sm2CertificateValidator.Validate(user, [impostor.Root], [], NotRevoked, Now);
        Assert.Equal(CertificateStatus.Untrusted, forged.Status);
        Assert.Contains("does not verify", forged.Reason, StringComparison.Ordinal);
        Assert.Equal(CertificateStatus.Untrusted, Sm2CertificateValidator.Validate(user, [NewAuthority("别的根证书").Root], [], NotRevoked, Now).Status);
    }

    [Fact]
    public void Only_a_certificate_authority_allowed_to_sign_certificates_is_an_issuer()
    {
        // A self-signed code-signing certificate (no CA flag, keyUsage without keyCertSign) named like the root.
        var key = Sm2.GenerateKeyPair().PrivateKey;
        var signer = Sm2CertificateIssuer.CreateSelfSigned(key, new CertificateSpec(
            new DistinguishedName("not a CA"), CertificateProfile.CodeSigning, Now.AddDays(-1), Now.AddYears(1)));
        Assert.False(signer.MaySignCertificates);
        var authority = NewAuthority();
        Assert.True(authority.Root.MaySignCertificates);
        var (user, _) = Issue(authority, "someone", CertificateProfile.User);
        Assert.True(Sm2CertificateValidator.Validate(user, [authority.Root], [], _ => false, Now).IsValid);
        // Offered as the anchor instead of the root, it does not make a chain for the root's user certificate.
        var impostorKey = Sm2.GenerateKeyPair().PrivateKey;
        var impostor = Sm2CertificateIssuer.CreateSelfSigned(impostorKey, new CertificateSpec(
            new DistinguishedName("青浦分局测试根证书", "上海市公安局青浦分局", "科技信息化科"), CertificateProfile.CodeSigning, Now.AddDays(-1), Now.AddYears(1)));
        Assert.Equal(CertificateStatus.Untrusted, Sm2CertificateValidator.Validate(user, [impostor], [], _ => false, Now).Status);
    }

    [Fact]
    public void A_non_authority_cannot_issue_and_a_mismatched_issuer_key_is_refused()
    {
        var authority = NewAuthority();
        var (site, siteKey) = Issue(authority, "site", CertificateProfile.Site);
        var spec = new CertificateSpec(new DistinguishedName("x"), CertificateProfile.User, Now, Now.AddDays(1));
        Assert.Throws<CryptoException>(() => Sm2CertificateIssuer.Issue(spec, Sm2.GenerateKeyPair().PublicKey, site, siteKey));
        Assert.Throws<CryptoException>(() => Sm2CertificateIssuer.Issue(spec, Sm2.GenerateKeyPair().PublicKey, authority.Root, siteKey));
        Assert.Throws<CryptoException>(() => Sm2CertificateIssuer.Issue(spec with { NotAfter = Now }, Sm2.GenerateKeyPair().PublicKey, authority.Root, authority.RootKey));
    }

    [Fact]
    public void Revocation_lists_are_signed_by_the_authority_and_list_the_serials()
    {
        var authority = NewAuthority();
        var (revoked, _) = Issue(authority, "lost-usb-key", CertificateProfile.User);
        var (kept, _) = Issue(authority, "kept", CertificateProfile.User);
        var crl = Sm2CertificateIssuer.CreateRevocationList(authority.Root, authority.RootKey,
            [new RevokedCertificate(revoked.SerialNumber, Now, RevocationReason.KeyCompromise)], 7, Now, Now.AddDays(1));

        var parsed = Sm2RevocationList.Parse(Encoding.ASCII.GetBytes(crl.ToPem()));
        Assert.True(parsed.IsSignedBy(authority.Root.PublicKey));
        Assert.False(parsed.IsSignedBy(NewAuthority().Root.PublicKey));
        Assert.True(parsed.Revokes(revoked));
        Assert.False(parsed.Revokes(kept));
        Assert.Equal([revoked.SerialNumber], parsed.RevokedSerialNumbers);
    }

    [Fact]
    public void Certificate_requests_prove_possession_of_their_key()
    {
        var key = Sm2.GenerateKeyPair().PrivateKey;
        var request = Sm2CertificateRequest.Create(key, new DistinguishedName("station", "夏阳派出所"));
        var parsed = Sm2CertificateRequest.Parse(request.ToPem());
        Assert.True(parsed.IsSelfSigned());
        Assert.Equal(key.PublicKey, parsed.PublicKey);
        Assert.Equal("station", parsed.CommonName);
    }

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIBszCCAVigAwIBAgIQ\n-----END CERTIFICATE-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----")]
    [InlineData("not a certificate")]
    public void Malformed_certificates_are_refused(string pem) =>
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2Certificate.Parse(pem)).Code);
}

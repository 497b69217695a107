using System.Text;

namespace CityEye.Crypto.Tests;

/// <summary>
/// Interoperability with OpenSSL 3 (Debian's openssl command), both directions, wherever OpenSSL supports the form:
/// keys, raw SM2 signatures with the distinguishing ID, SM2 encryption, HMAC-SM3, SM4-CBC, certificates, requests,
/// revocation lists and CMS signatures.
/// </summary>
public sealed class OpenSslInteropTests
{
    private const string DistId = "-pkeyopt distid:1234567812345678";
    private static readonly TimeProvider Clock = TimeProvider.System;
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("青浦分局 CityEye 完整性保护 " + new string('x', 3000));

    [Fact]
    public void Keys_written_by_either_side_are_read_by_the_other()
    {
        using var openssl = new OpenSsl();
        openssl.Ok("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out theirs.pem");
        openssl.Ok("pkey -in theirs.pem -pubout -out theirs.pub");
        var theirs = Sm2PrivateKey.Parse(openssl.ReadText("theirs.pem"));
        Assert.Equal(theirs.PublicKey, Sm2PublicKey.Parse(openssl.ReadText("theirs.pub")));

        var ours = Sm2.GenerateKeyPair();
        openssl.Write("ours.pem", ours.PrivateKey.ToPem());
        openssl.Write("ours.pub", ours.PublicKey.ToPem());
        Assert.Contains("SM2", openssl.Ok("pkey -in ours.pem -noout -text"), StringComparison.Ordinal);
        openssl.Ok("pkey -in ours.pem -pubout -out derived.pub");
        Assert.Equal(ours.PublicKey, Sm2PublicKey.Parse(openssl.ReadText("derived.pub")));
    }

    [Fact]
    public void Raw_signatures_with_the_distinguishing_id_verify_both_ways()
    {
        using var openssl = new OpenSsl();
        openssl.Write("data.bin", Data);
        openssl.Ok("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out k.pem");
        openssl.Ok("pkey -in k.pem -pubout -out k.pub");

        // OpenSSL signs, CityEye verifies.
        openssl.Ok($"pkeyutl -sign -rawin -digest sm3 -inkey k.pem {DistId} -in data.bin -out theirs.sig");
        var key = Sm2PublicKey.Parse(openssl.ReadText("k.pub"));
        Assert.True(Sm2.Verify(key, Data, openssl.Read("theirs.sig")));
        Assert.False(Sm2.Verify(key, [.. Data, 1], openssl.Read("theirs.sig")));

        // Without distid OpenSSL uses an empty ID: a different Z, so the signature does not verify with the default ID.
        openssl.Ok("pkeyutl -sign -rawin -digest sm3 -inkey k.pem -in data.bin -out empty-id.sig");
        Assert.False(Sm2.Verify(key, Data, openssl.Read("empty-id.sig")));
        Assert.True(Sm2.Verify(key, Data, openssl.Read("empty-id.sig"), id: ""));

        // CityEye signs, OpenSSL verifies.
        var ours = Sm2.GenerateKeyPair();
        openssl.Write("ours.pub", ours.PublicKey.ToPem());
        openssl.Write("ours.sig", Sm2.Sign(ours.PrivateKey, Data));
        Assert.Contains("Signature Verified Successfully", openssl.Ok($"pkeyutl -verify -rawin -digest sm3 -pubin -inkey ours.pub {DistId} -in data.bin -sigfile ours.sig"), StringComparison.Ordinal);
        openssl.Write("other.bin", [.. Data, 1]);
        Assert.NotEqual(0, openssl.Run($"pkeyutl -verify -rawin -digest sm3 -pubin -inkey ours.pub {DistId} -in other.bin -sigfile ours.sig").ExitCode);
    }

    [Fact]
    public void Sm2_ciphertexts_decrypt_both_ways()
    {
        using var openssl = new OpenSsl();
        var secret = Encoding.UTF8.GetBytes("Admin#2026 会话密钥");
        openssl.Write("secret.bin", secret);
        openssl.Ok("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out k.pem");
        openssl.Ok("pkey -in k.pem -pubout -out k.pub");
        openssl.Ok("pkeyutl -encrypt -pubin -inkey k.pub -in secret.bin -out theirs.ct");
        var key = Sm2PrivateKey.Parse(openssl.ReadText("k.pem"));
        Assert.Equal(secret, Sm2.Decrypt(key, openssl.Read("theirs.ct"), Sm2CiphertextEncoding.Asn1));

        openssl.Write("ours.ct", Sm2.Encrypt(key.PublicKey, secret, Sm2CiphertextEncoding.Asn1));
        openssl.Ok("pkeyutl -decrypt -inkey k.pem -in ours.ct -out ours.pt");
        Assert.Equal(secret, openssl.Read("ours.pt"));
    }

    [Fact]
    public void Hmac_sm3_and_sm4_cbc_equal_openssl()
    {
        using var openssl = new OpenSsl();
        openssl.Write("data.bin", Data);
        var macKey = Convert.FromHexString("00112233445566778899aabbccddeeff0123");
        var theirs = openssl.Ok($"mac -digest SM3 -macopt hexkey:{Convert.ToHexStringLower(macKey)} -in data.bin HMAC").Trim();
        Assert.Equal(theirs, Convert.ToHexString(Sm3Hash.Hmac(macKey, Data)));

        var key = new byte[32];
        Random.Shared.NextBytes(key);
        var sealedData = Sm4Cipher.Seal(key, Data);
        openssl.Write("body.bin", sealedData[16..^32]);
        openssl.Ok($"enc -d -sm4-cbc -K {Convert.ToHexStringLower(key[..16])} -iv {Convert.ToHexStringLower(sealedData[..16])} -in body.bin -out plain.bin");
        Assert.Equal(Data, openssl.Read("plain.bin"));
    }

    [Fact]
    public void Certificate_chains_and_revocation_lists_verify_both_ways()
    {
        using var openssl = new OpenSsl();
        var authority = CertificateTests.NewAuthority();
        var (site, _) = CertificateTests.Issue(authority, "cityeye.qp", CertificateProfile.Site, Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddYears(1), "cityeye.qp");
        var (revoked, _) = CertificateTests.Issue(authority, "revoked-user", CertificateProfile.User, Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddYears(1));
        openssl.Write("root.pem", authority.Root.ToPem());
        openssl.Write("site.pem", site.ToPem());
        openssl.Write("revoked.pem", revoked.ToPem());
        // OpenSSL 3.0 applies distid to the certificate checked; CityEye signs certificates with the standard ID.
        Assert.Contains("site.pem: OK", openssl.Ok("verify -vfyopt distid:1234567812345678 -CAfile root.pem site.pem"), StringComparison.Ordinal);
        Assert.NotEqual(0, openssl.Run("verify -vfyopt distid:1234567812345678 -CAfile site.pem revoked.pem").ExitCode);

        // OpenSSL 3.0 checks CRL signatures with an empty ID only, so it cannot check a GM/T 0015 CRL; it reads it.
        var crl = Sm2CertificateIssuer.CreateRevocationList(authority.Root, authority.RootKey,
            [new RevokedCertificate(revoked.SerialNumber, Clock.GetUtcNow().AddMinutes(-5), RevocationReason.KeyCompromise)], 1, Clock.GetUtcNow().AddMinutes(-5), Clock.GetUtcNow().AddDays(1));
        openssl.Write("crl.pem", crl.ToPem());
        var text = openssl.Ok("crl -in crl.pem -noout -text");
        Assert.Contains(revoked.SerialNumber.ToUpperInvariant().TrimStart('0'), text.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal);
        Assert.Contains("Key Compromise", text, StringComparison.Ordinal);

        // OpenSSL's own SM2 root and leaf, read and checked by CityEye.
        openssl.Ok("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out ca.key");
        openssl.Ok("req -new -x509 -key ca.key -sm3 -sigopt distid:1234567812345678 -subj /C=CN/O=Bureau/CN=Bureau-CA -days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem");
        openssl.Ok("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out user.key");
        openssl.Ok("req -new -key user.key -sm3 -sigopt distid:1234567812345678 -subj /C=CN/CN=user-from-bureau -out user.csr");
        openssl.Ok("x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sm3 -sigopt distid:1234567812345678 -vfyopt distid:1234567812345678 -days 10 -out user.pem");
        var bureauRoot = Sm2Certificate.Parse(openssl.ReadText("ca.pem"));
        var bureauUser = Sm2Certificate.Parse(openssl.ReadText("user.pem"));
        var validation = Sm2CertificateValidator.Validate(bureauUser, [bureauRoot], [], _ => false, Clock.GetUtcNow());
        Assert.True(validation.IsValid, validation.Reason);
        var request = Sm2CertificateRequest.Parse(openssl.ReadText("user.csr"));
        Assert.True(request.IsSelfSigned());
        Assert.Equal("user-from-bureau", request.CommonName);
    }

    [Fact]
    public void Certificate_requests_made_by_CityEye_verify_in_openssl()
    {
        using var openssl = new OpenSsl();
        var key = Sm2.GenerateKeyPair().PrivateKey;
        openssl.Write("ours.csr", Sm2CertificateRequest.Create(key, new DistinguishedName("device-31011800001320000001", "青浦分局")).ToPem());
        var output = openssl.Ok("req -in ours.csr -noout -verify -vfyopt distid:1234567812345678");
        Assert.Contains("verify OK", output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// OpenSSL 3.0.19 cannot make SM2 CMS signatures at all ("illegal zero content": its SignerInfo gets no signature
    /// algorithm for SM2 keys), so only CityEye → OpenSSL can be tested. Its <c>cms -verify</c> checks the SM2 signature
    /// with an empty ID (it has no distid option), so a signature meant for it is made with the ID "".
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cms_signatures_by_CityEye_verify_in_openssl(bool detached)
    {
        using var openssl = new OpenSsl();
        openssl.Write("data.bin", Data);
        var authority = CertificateTests.NewAuthority();
        var (signer, key) = CertificateTests.Issue(authority, "cityeye-signer", CertificateProfile.Site, Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddYears(1));
        openssl.Write("root.pem", authority.Root.ToPem());
        openssl.Write("signer.pem", signer.ToPem());

        var signature = Sm2Cms.Sign(Data, signer, key, detached, id: string.Empty);
        openssl.Write("ours.p7s", signature);
        var content = detached ? "-content data.bin " : string.Empty;
        // -noverify: the signer certificate's chain is checked apart, with the standard ID (OpenSSL would use "").
        Assert.Contains("Verification successful", openssl.Ok($"cms -verify -binary -inform DER -in ours.p7s {content}-noverify -out verified.bin"), StringComparison.Ordinal);
        Assert.Equal(Data, openssl.Read("verified.bin"));
        openssl.Ok("verify -vfyopt distid:1234567812345678 -CAfile root.pem signer.pem");

        openssl.Write("other.bin", [.. Data, 1]);
        if (detached)
        {
            Assert.NotEqual(0, openssl.Run("cms -verify -binary -inform DER -in ours.p7s -content other.bin -noverify -out /dev/null").ExitCode);
        }

        // CityEye reads it back and names the ID it verified under.
        var result = Sm2Cms.Verify(signature, detached ? Data : null);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(string.Empty, result.DistinguishingId);
    }

    [Fact]
    public void Keys_and_certificates_on_another_curve_are_refused()
    {
        using var openssl = new OpenSsl();
        openssl.Ok("ecparam -name prime256v1 -genkey -noout -out p256.pem");
        openssl.Ok("pkey -in p256.pem -pubout -out p256.pub");
        openssl.Ok("pkcs8 -topk8 -nocrypt -in p256.pem -out p256.p8");
        openssl.Ok("req -new -x509 -key p256.pem -subj /CN=p256 -days 1 -out p256.crt");
        Assert.Equal(CryptoErrors.WrongCurve, Assert.Throws<CryptoException>(() => Sm2PublicKey.Parse(openssl.ReadText("p256.pub"))).Code);
        Assert.Equal(CryptoErrors.WrongCurve, Assert.Throws<CryptoException>(() => Sm2PrivateKey.Parse(openssl.ReadText("p256.p8"))).Code);
        Assert.Equal(CryptoErrors.WrongCurve, Assert.Throws<CryptoException>(() => Sm2PrivateKey.Parse(openssl.ReadText("p256.pem"))).Code);
        Assert.Equal(CryptoErrors.WrongAlgorithm, Assert.Throws<CryptoException>(() => Sm2Certificate.Parse(openssl.ReadText("p256.crt"))).Code);
    }
}

using System.Text;

namespace CityEye.Crypto.Tests;

public sealed class CmsTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\"kind\":\"devices\",\"batch\":42}");

    [Fact]
    public void Detached_and_attached_signatures_verify_and_carry_the_signer()
    {
        var authority = CertificateTests.NewAuthority();
        var (signer, key) = CertificateTests.Issue(authority, "cityeye-site", CertificateProfile.Site);

        var detached = Sm2Cms.Sign(Data, signer, key, detached: true);
        var result = Sm2Cms.Verify(detached, Data);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(signer.Fingerprint(), result.Signer!.Fingerprint());
        Assert.NotNull(result.SigningTime);

        var attached = Sm2Cms.Sign(Data, signer, key, detached: false, chain: [authority.Root]);
        var attachedResult = Sm2Cms.Verify(attached);
        Assert.True(attachedResult.Valid, attachedResult.Reason);
        Assert.Equal(Data, attachedResult.Content);
        Assert.True(attached.Length > detached.Length + Data.Length);
    }

    [Fact]
    public void Other_data_a_missing_content_and_garbage_are_told_apart()
    {
        var authority = CertificateTests.NewAuthority();
        var (signer, key) = CertificateTests.Issue(authority, "cityeye-site", CertificateProfile.Site);
        var detached = Sm2Cms.Sign(Data, signer, key, detached: true);

        var other = Sm2Cms.Verify(detached, [.. Data, (byte)' ']);
        Assert.False(other.Valid);
        Assert.Equal("The signature does not match the data.", other.Reason);
        var missing = Sm2Cms.Verify(detached);
        Assert.False(missing.Valid);
        Assert.Contains("detached", missing.Reason, StringComparison.Ordinal);
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2Cms.Verify([0x30, 0x80, 0x01])).Code);
        Assert.Throws<CryptoException>(() => Sm2Cms.Sign(Data, signer, authority.RootKey, detached: true));
    }
}

using System.Text;
using CityEye.Core.Keys;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Validation;
using CityEye.Crypto;
using Dapper;

namespace CityEye.Core.Tests.Keys;

/// <summary>The node's SM2 certificate authority on SQLite and PostgreSQL.</summary>
public sealed class CertificateAuthorityTests
{
    private static CertificateAuthority NewAuthority(TestStore store, KeyStore keys, CryptoOptions? options = null) =>
        new(store.Database, keys, options ?? new CryptoOptions { SiteName = "cityeye.test", SiteDnsNames = ["cityeye.test", "127.0.0.1"] }, store.Time);

    private static async Task<long> UserAsync(TestStore store, CancellationToken ct)
    {
        await using var connection = await store.Database.OpenConnectionAsync(ct);
        var organisation = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO organisations (code, name, kind, created_at) VALUES ('310118000000', '青浦分局', 'Bureau', @now) RETURNING id", new { now = store.Time.GetUtcNow() }, cancellationToken: ct));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO users (username, display_name, organisation_id, password_hash, enabled, created_at, updated_at) VALUES ('zhang', '张三', @organisation, 'x', @enabled, @now, @now) RETURNING id",
            new { organisation, enabled = true, now = store.Time.GetUtcNow() }, cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_root_and_site_certificate_are_made_once_and_the_site_one_follows_the_configuration(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var keys = new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time);
        var authority = NewAuthority(store, keys);
        await authority.EnsureAsync(ct);
        var (root, _) = await authority.RootAsync(ct);
        var (site, siteKey) = await authority.SiteAsync(ct);
        Assert.Equal("cityeye.test", site.CommonName);
        Assert.Equal(["cityeye.test", "127.0.0.1"], site.DnsNames);
        Assert.True((await authority.ValidateAsync(site, "serverAuth", ct)).IsValid);
        Assert.Equal(siteKey.PublicKey, (await keys.Sm2Async(KeyPurposes.Site, ct)).PublicKey);

        // A restart keeps both; a new host name gets a new site certificate from the same root and key.
        var restarted = NewAuthority(store, keys);
        await restarted.EnsureAsync(ct);
        Assert.Equal(site.Fingerprint(), (await restarted.SiteAsync(ct)).Certificate.Fingerprint());
        var renamed = NewAuthority(store, keys, new CryptoOptions { SiteName = "cityeye.qp.sh", SiteDnsNames = ["cityeye.qp.sh"] });
        await renamed.EnsureAsync(ct);
        var (newSite, _) = await renamed.SiteAsync(ct);
        Assert.Equal("cityeye.qp.sh", newSite.CommonName);
        Assert.Equal(root.Fingerprint(), (await renamed.RootAsync(ct)).Certificate.Fingerprint());
        Assert.Equal(2, (await renamed.ListAsync(CertificateKinds.Site, null, null, 0, 10, ct)).Total);
        Assert.Equal(1, (await renamed.ListAsync(CertificateKinds.Root, null, null, 0, 10, ct)).Total);

        // A site certificate close to its end is renewed at start.
        store.Time.Advance(TimeSpan.FromDays(800));
        await renamed.EnsureAsync(ct);
        Assert.NotEqual(newSite.Fingerprint(), (await renamed.SiteAsync(ct)).Certificate.Fingerprint());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Issued_certificates_validate_until_revoked_and_the_crl_lists_them(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var keys = new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time);
        var authority = NewAuthority(store, keys);
        var userId = await UserAsync(store, ct);

        var generated = await authority.IssueAsync(CertificateKinds.User, "zhang", userId, null, null, "admin", ct);
        Assert.NotNull(generated.PrivateKeyPem);
        var certificate = Sm2Certificate.Parse(generated.Record.Certificate);
        Assert.Equal(Sm2PrivateKey.Parse(generated.PrivateKeyPem!).PublicKey, certificate.PublicKey);
        Assert.Equal(userId, generated.Record.UserId);
        Assert.True((await authority.ValidateAsync(certificate, "clientAuth", ct)).IsValid);

        var deviceKey = Sm2.GenerateKeyPair().PrivateKey;
        var request = Sm2CertificateRequest.Create(deviceKey, new DistinguishedName("31011800001320000001"));
        var device = await authority.IssueAsync(CertificateKinds.Device, "31011800001320000001", null, "31011800001320000001", request.ToPem(), "admin", ct);
        Assert.Null(device.PrivateKeyPem);
        Assert.Equal(deviceKey.PublicKey, Sm2Certificate.Parse(device.Record.Certificate).PublicKey);

        var malformed = await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.IssueAsync(CertificateKinds.Device, "x", null, null, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "admin", ct));
        Assert.Equal(("request", ErrorCodes.CryptoMalformed), (malformed.Field, malformed.Code));
        Assert.Equal("kind", (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.IssueAsync(CertificateKinds.Root, "x", null, null, null, "admin", ct))).Field);

        var revoked = await authority.RevokeAsync(generated.Record.Id, RevocationReason.KeyCompromise, "admin", ct);
        Assert.Equal("KeyCompromise", revoked!.RevocationReason);
        Assert.Equal(CertificateStatus.Revoked, (await authority.ValidateAsync(certificate, "clientAuth", ct)).Status);
        Assert.Equal(ErrorCodes.CryptoAlreadyRevoked, (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.RevokeAsync(generated.Record.Id, RevocationReason.Unspecified, "admin", ct))).Code);
        var rootRecord = (await authority.ListAsync(CertificateKinds.Root, null, null, 0, 1, ct)).Items.Single();
        Assert.Equal(ErrorCodes.CryptoRootNotRevocable, (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.RevokeAsync(rootRecord.Id, RevocationReason.Unspecified, "admin", ct))).Code);
        Assert.Null(await authority.RevokeAsync(999_999, RevocationReason.Unspecified, "admin", ct));

        var crl = await authority.RevocationListAsync(ct);
        Assert.True(crl.IsSignedBy((await authority.RootAsync(ct)).Certificate.PublicKey));
        Assert.Equal([certificate.SerialNumber], crl.RevokedSerialNumbers);
        Assert.True(Sm2RevocationList.Parse(Encoding.ASCII.GetBytes(crl.ToPem())).Revokes(certificate));

        // Revoking the site certificate replaces it at once.
        var site = (await authority.ListAsync(CertificateKinds.Site, null, null, 0, 1, ct)).Items.Single();
        await authority.RevokeAsync(site.Id, RevocationReason.Superseded, "admin", ct);
        Assert.NotEqual(site.Fingerprint, (await authority.SiteAsync(ct)).Certificate.Fingerprint());
        Assert.Equal(2, (await authority.ListAsync(null, null, null, 0, 100, ct)).Items.Count(c => c.Kind == CertificateKinds.Site));
        Assert.Single((await authority.ListAsync(null, null, "zhang", 0, 100, ct)).Items);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Certificates_of_the_bureau_are_trusted_only_after_their_authority_is_imported(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var authority = NewAuthority(store, new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time));
        var userId = await UserAsync(store, ct);
        var now = store.Time.GetUtcNow();

        var bureauKey = Sm2.GenerateKeyPair().PrivateKey;
        var bureauRoot = Sm2CertificateIssuer.CreateRoot(bureauKey, new CertificateSpec(new DistinguishedName("上海市公安局 CA"), CertificateProfile.RootAuthority, now.AddDays(-1), now.AddYears(5)));
        var userKey = Sm2.GenerateKeyPair().PrivateKey;
        var bureauUser = Sm2CertificateIssuer.Issue(new CertificateSpec(new DistinguishedName("zhang"), CertificateProfile.User, now.AddDays(-1), now.AddYears(1)), userKey.PublicKey, bureauRoot, bureauKey);

        var untrusted = await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.ImportAsync(CertificateKinds.User, bureauUser.ToPem(), userId, "admin", ct));
        Assert.Equal(ErrorCodes.CryptoCertificateInvalid, untrusted.Code);
        Assert.Contains("not a trusted certificate authority", (string)untrusted.Args!["reason"]!, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.CryptoNotAuthority, (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.ImportAsync(CertificateKinds.TrustedAuthority, bureauUser.ToPem(), null, "admin", ct))).Code);

        await authority.ImportAsync(CertificateKinds.TrustedAuthority, bureauRoot.ToPem(), null, "admin", ct);
        var imported = await authority.ImportAsync(CertificateKinds.User, bureauUser.ToPem(), userId, "admin", ct);
        Assert.Equal(("imported", userId), (imported.Origin, imported.UserId));
        Assert.True((await authority.ValidateAsync(bureauUser, "clientAuth", ct)).IsValid);
        Assert.Equal(imported.Id, (await authority.FindAsync(bureauUser.Fingerprint(), ct))!.Id);
        Assert.Equal(ErrorCodes.CryptoCertificateInUse, (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.ImportAsync(CertificateKinds.User, bureauUser.ToPem(), userId, "admin", ct))).Code);
        Assert.Equal(ErrorCodes.CryptoMalformed, (await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.ImportAsync(CertificateKinds.User, "garbage", userId, "admin", ct))).Code);

        // Revoking the imported authority withdraws the trust in everything below it.
        var trusted = (await authority.ListAsync(CertificateKinds.TrustedAuthority, null, null, 0, 1, ct)).Items.Single();
        await authority.RevokeAsync(trusted.Id, RevocationReason.CaCompromise, "admin", ct);
        Assert.False((await authority.ValidateAsync(bureauUser, "clientAuth", ct)).IsValid);
    }
}

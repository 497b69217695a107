using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Crypto;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Crypto;

/// <summary>
/// The integrity tool and the certificate authority through the real node: the three signature forms round-trip and
/// verify with the node's published site certificate; altered data, revoked or foreign certificates and malformed
/// input are told apart (200 valid=false with an outcome, or 400 with a crypto.* code), and each lands in the security log.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class CryptoEndpointsTests(ApiFactory factory)
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("青浦分局 · 完整性保护 · " + new string('x', 500));

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(Url(path), body, ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private async Task<IReadOnlyList<SecurityEvent>> EventsAsync(CancellationToken ct) =>
        await factory.Services.GetRequiredService<SecurityEventLog>().RecentAsync(200, ct);

    [Fact]
    public async Task The_three_forms_sign_and_verify_with_the_published_site_certificate()
    {
        var ct = TestContext.Current.CancellationToken;
        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        using var anonymous = factory.CreateClient();
        var site = await anonymous.GetFromJsonAsync<JsonElement>(Url("/api/crypto/site"), ct);
        var siteCertificate = Sm2Certificate.Parse(site.GetProperty("siteCertificate").GetString()!);
        var root = Sm2Certificate.Parse(site.GetProperty("rootCertificate").GetString()!);
        Assert.True(siteCertificate.IsSignedBy(root.PublicKey));
        Assert.Equal(siteCertificate.PublicKey.ToHex(), site.GetProperty("publicKey").GetString());

        foreach (var form in new[] { "raw", "pkcs7-detached", "pkcs7-attached" })
        {
            var signed = await PostAsync(auditor, "/api/crypto/sign", new { data = Convert.ToBase64String(Data), form }, ct);
            var signature = Convert.FromBase64String(signed.GetProperty("signature").GetString()!);
            Assert.Equal(siteCertificate.Fingerprint(), signed.GetProperty("certificateFingerprint").GetString());
            Assert.Equal("1234567812345678", signed.GetProperty("distinguishingId").GetString());

            // The signature checks out offline too, with nothing but the published certificate.
            if (form == "raw")
            {
                Assert.True(Sm2.Verify(siteCertificate.PublicKey, Data, signature));
            }
            else
            {
                var cms = Sm2Cms.Verify(signature, form == "pkcs7-detached" ? Data : null);
                Assert.True(cms.Valid, cms.Reason);
                Assert.Equal(Data, cms.Content);
            }

            var verified = await PostAsync(auditor, "/api/crypto/verify", new { data = form == "pkcs7-attached" ? null : Convert.ToBase64String(Data), signature = signed.GetProperty("signature").GetString(), form }, ct);
            Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
            Assert.Equal("localhost", verified.GetProperty("signer").GetProperty("commonName").GetString());
            if (form == "pkcs7-attached")
            {
                Assert.Equal(Data, Convert.FromBase64String(verified.GetProperty("content").GetString()!));
            }
            else
            {
                var altered = await PostAsync(auditor, "/api/crypto/verify", new { data = Convert.ToBase64String([.. Data, 0x20]), signature = signed.GetProperty("signature").GetString(), form }, ct);
                Assert.False(altered.GetProperty("valid").GetBoolean());
                Assert.Equal("signatureMismatch", altered.GetProperty("outcome").GetString());
            }
        }

        Assert.Contains(await EventsAsync(ct), e => e.Event == "crypto.verifyFailed" && e.Username == "auditor" && e.Detail!.Contains("signatureMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Files_sign_and_verify_with_der_or_pem_signatures()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(Data), "file", "report.txt" },
            { new StringContent("pkcs7-detached"), "form" },
        };
        using var signedResponse = await admin.PostAsync(Url("/api/crypto/sign-file"), upload, ct);
        Assert.Equal(HttpStatusCode.OK, signedResponse.StatusCode);
        var signature = (await signedResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("signature").GetString()!;
        var pem = new string(System.Security.Cryptography.PemEncoding.Write("PKCS7", Convert.FromBase64String(signature)));

        foreach (var (bytes, expected) in new[] { (Data, true), (Data.Concat("!"u8.ToArray()).ToArray(), false) })
        {
            using var check = new MultipartFormDataContent
            {
                { new ByteArrayContent(bytes), "file", "report.txt" },
                { new ByteArrayContent(Encoding.ASCII.GetBytes(pem)), "signature", "report.txt.p7s" },
                { new StringContent("pkcs7-detached"), "form" },
            };
            using var response = await admin.PostAsync(Url("/api/crypto/verify-file"), check, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("valid").GetBoolean());
        }

        using var missing = new MultipartFormDataContent { { new StringContent("raw"), "form" } };
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsync(Url("/api/crypto/sign-file"), missing, ct), "file", "field.required", ct);
    }

    [Fact]
    public async Task Malformed_input_is_a_400_with_a_crypto_code_and_a_security_event_never_a_500()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var data = Convert.ToBase64String(Data);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/sign"), new { data = "%%%", form = "raw" }, ct), "data", "field.format", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/sign"), new { data, form = "pkcs12" }, ct), "form", "field.unknownValue", ct);
        // Texts the node signs for itself (log checkpoints) cannot be had signed through the tool.
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/sign"), new { data = Convert.ToBase64String("cityeye-log-checkpoint\n9\nabc"u8.ToArray()), form = "raw" }, ct), "data", "crypto.malformed", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/verify"), new { data, signature = "MIIBAgMEBQ==", form = "pkcs7-detached" }, ct), "signature", "crypto.malformed", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/verify"), new { data, signature = "MEUCIQ==", form = "raw", certificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }, ct), "certificate", "crypto.malformed", ct);

        // A raw signature that is not DER is simply not valid, and the detached form without data says what is missing.
        var junk = await PostAsync(admin, "/api/crypto/verify", new { data, signature = "MEUCIQ==", form = "raw" }, ct);
        Assert.Equal("signatureMismatch", junk.GetProperty("outcome").GetString());
        var signed = await PostAsync(admin, "/api/crypto/sign", new { data, form = "pkcs7-detached" }, ct);
        var noData = await PostAsync(admin, "/api/crypto/verify", new { signature = signed.GetProperty("signature").GetString(), form = "pkcs7-detached" }, ct);
        Assert.Equal("contentMissing", noData.GetProperty("outcome").GetString());

        var events = await EventsAsync(ct);
        Assert.Contains(events, e => e.Event == "crypto.badInput" && e.Detail!.Contains("certificate: crypto.malformed", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Event == "crypto.badInput" && e.Detail!.Contains("signature: crypto.malformed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_holders_of_the_signing_permission_sign_and_only_administrators_manage_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.PostAsJsonAsync(Url("/api/crypto/sign"), new { data = "AA==", form = "raw" }, ct)).StatusCode);
        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync(Url("/api/crypto/keys"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync(Url("/api/crypto/certificates"), ct)).StatusCode);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Url("/api/crypto/sign"), new { data = "AA==", form = "raw" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Url("/api/crypto/crl?format=der"), ct)).StatusCode);
    }

    [Fact]
    public async Task Keys_are_listed_without_material_and_the_data_key_rotates()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var before = await admin.GetFromJsonAsync<JsonElement>(Url("/api/crypto/keys"), ct);
        Assert.Contains("file ", before.GetProperty("masterKeySource").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrapped", before.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(before.GetProperty("keys").EnumerateArray(), k => k.GetProperty("purpose").GetString() == "site" && k.GetProperty("publicKey").GetString()!.Contains("PUBLIC KEY", StringComparison.Ordinal));

        var rotated = await PostAsync(admin, "/api/crypto/keys/data/rotate", new { }, ct);
        var again = await PostAsync(admin, "/api/crypto/keys/data/rotate", new { }, ct);
        Assert.Equal(rotated.GetProperty("version").GetInt32() + 1, again.GetProperty("version").GetInt32());
        var after = await admin.GetFromJsonAsync<JsonElement>(Url("/api/crypto/keys"), ct);
        var data = after.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("purpose").GetString() == "data").ToList();
        Assert.Single(data, k => k.GetProperty("state").GetString() == "active");
        Assert.Equal(again.GetProperty("version").GetInt32(), data.Single(k => k.GetProperty("state").GetString() == "active").GetProperty("version").GetInt32());
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/keys/blind-index/rotate"), new { }, ct), "purpose", "crypto.keyNotRotatable", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/keys/nonsense/rotate"), new { }, ct), "purpose", "field.unknownValue", ct);
        Assert.Contains(await EventsAsync(ct), e => e.Event == "crypto.keyRotated" && e.Username == "admin");
    }

    [Fact]
    public async Task Certificates_are_issued_used_revoked_and_listed_in_the_crl()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var me = await admin.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
        var users = await admin.GetFromJsonAsync<JsonElement>(Url("/api/users?q=clerk"), ct);
        var clerkId = users.GetProperty("items").EnumerateArray().First(u => u.GetProperty("username").GetString() == "clerk").GetProperty("id").GetInt64();

        // A user certificate with a key generated by the node: the private key comes back once.
        var issued = await PostAsync(admin, "/api/crypto/certificates", new { kind = "user", userId = clerkId }, ct);
        var key = Sm2PrivateKey.Parse(issued.GetProperty("privateKey").GetString()!);
        var certificate = issued.GetProperty("certificate");
        Assert.Equal("clerk", certificate.GetProperty("commonName").GetString());
        Assert.Equal("valid", certificate.GetProperty("status").GetString());
        var pem = certificate.GetProperty("certificate").GetString()!;
        Assert.Equal(key.PublicKey, Sm2Certificate.Parse(pem).PublicKey);

        // What the clerk's key signs verifies with the clerk's certificate, until it is revoked.
        var signature = Convert.ToBase64String(Sm2.Sign(key, Data));
        var ok = await PostAsync(admin, "/api/crypto/verify", new { data = Convert.ToBase64String(Data), signature, form = "raw", certificate = pem }, ct);
        Assert.True(ok.GetProperty("valid").GetBoolean(), ok.ToString());
        var id = certificate.GetProperty("id").GetInt64();
        var revoked = await PostAsync(admin, $"/api/crypto/certificates/{id}/revoke", new { reason = "KeyCompromise" }, ct);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        var refused = await PostAsync(admin, "/api/crypto/verify", new { data = Convert.ToBase64String(Data), signature, form = "raw", certificate = pem }, ct);
        Assert.False(refused.GetProperty("valid").GetBoolean());
        Assert.True(refused.GetProperty("signatureValid").GetBoolean());
        Assert.Equal("certificateRevoked", refused.GetProperty("outcome").GetString());
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/crypto/certificates/{id}/revoke"), new { reason = "KeyCompromise" }, ct), "id", "crypto.alreadyRevoked", ct);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync(Url("/api/crypto/certificates/99999999/revoke"), new { reason = "KeyCompromise" }, ct), HttpStatusCode.NotFound, ct);

        using var anonymous = factory.CreateClient();
        var crl = Sm2RevocationList.Parse(await anonymous.GetByteArrayAsync(Url("/api/crypto/crl?format=der"), ct));
        Assert.Contains(certificate.GetProperty("serial").GetString(), crl.RevokedSerialNumbers);

        // A device certificate from a PKCS#10 request keeps the device's key; a bad request is a 400.
        var deviceKey = Sm2.GenerateKeyPair().PrivateKey;
        var request = Sm2CertificateRequest.Create(deviceKey, new DistinguishedName("31011800001320000099")).ToPem();
        var device = await PostAsync(admin, "/api/crypto/certificates", new { kind = "device", deviceCode = "31011800001320000099", request }, ct);
        Assert.Equal(JsonValueKind.Null, device.GetProperty("privateKey").ValueKind);
        Assert.Equal(deviceKey.PublicKey, Sm2Certificate.Parse(device.GetProperty("certificate").GetProperty("certificate").GetString()!).PublicKey);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/certificates"), new { kind = "device", deviceCode = "31011800001320000099", request = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }, ct), "request", "crypto.malformed", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/certificates"), new { kind = "user" }, ct), "userId", "field.required", ct);

        // The bureau's CA is imported as a trust anchor; then its users' certificates import and verify.
        var now = TimeProvider.System.GetUtcNow();
        var bureauKey = Sm2.GenerateKeyPair().PrivateKey;
        var bureauRoot = Sm2CertificateIssuer.CreateRoot(bureauKey, new CertificateSpec(new DistinguishedName($"上海市公安局测试 CA {Guid.NewGuid():N}"), CertificateProfile.RootAuthority, now.AddDays(-1), now.AddYears(2)));
        var userKey = Sm2.GenerateKeyPair().PrivateKey;
        var bureauUser = Sm2CertificateIssuer.Issue(new CertificateSpec(new DistinguishedName("clerk"), CertificateProfile.User, now.AddDays(-1), now.AddYears(1)), userKey.PublicKey, bureauRoot, bureauKey);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/crypto/certificates/import"), new { kind = "user", certificate = bureauUser.ToPem(), userId = clerkId }, ct), "certificate", "crypto.certificateInvalid", ct);
        await PostAsync(admin, "/api/crypto/certificates/import", new { kind = "trusted-ca", certificate = bureauRoot.ToPem() }, ct);
        var imported = await PostAsync(admin, "/api/crypto/certificates/import", new { kind = "user", certificate = bureauUser.ToPem(), userId = clerkId }, ct);
        Assert.Equal("imported", imported.GetProperty("origin").GetString());
        var bureauSigned = await PostAsync(admin, "/api/crypto/verify", new { data = Convert.ToBase64String(Data), signature = Convert.ToBase64String(Sm2.Sign(userKey, Data)), form = "raw", certificate = bureauUser.ToPem() }, ct);
        Assert.True(bureauSigned.GetProperty("valid").GetBoolean(), bureauSigned.ToString());

        var listed = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/crypto/certificates?userId={clerkId}"), ct);
        Assert.True(listed.GetProperty("total").GetInt32() >= 2);
        var roots = await admin.GetFromJsonAsync<JsonElement>(Url("/api/crypto/certificates?kind=root"), ct);
        var rootId = roots.GetProperty("items")[0].GetProperty("id").GetInt64();
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/crypto/certificates/{rootId}/revoke"), new { reason = "Superseded" }, ct), "id", "crypto.rootNotRevocable", ct);
        Assert.Contains(await EventsAsync(ct), e => e.Event == "crypto.certificateIssued" && e.Username == me.GetProperty("username").GetString());
    }
}

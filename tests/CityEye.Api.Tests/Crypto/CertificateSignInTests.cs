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
/// Certificate sign-in (CR-3 identity) through the real node: a challenge signed with the user's SM2 key signs in;
/// a replayed challenge, a signature over other text, a revoked or unregistered certificate are refused with their
/// own codes; a role that requires it turns away a password alone and wants both; a password encrypted with the site
/// key signs in once and its replay is refused.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class CertificateSignInTests(ApiFactory factory)
{
    private static async Task<JsonElement> ChallengeAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.PostAsync(Url("/api/auth/challenge"), null, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static object Answer(JsonElement challenge, string certificate, Sm2PrivateKey key, string? text = null, string? password = null) => new
    {
        challengeId = challenge.GetProperty("challengeId").GetString(),
        certificate,
        signature = Convert.ToBase64String(Sm2.Sign(key, Encoding.UTF8.GetBytes(text ?? challenge.GetProperty("signedText").GetString()!))),
        password,
    };

    private async Task<(long Id, string Username)> NewUserAsync(string suffix, bool requireCertificate, CancellationToken ct)
    {
        var roles = factory.Services.GetRequiredService<RoleStore>();
        var users = factory.Services.GetRequiredService<UserStore>();
        await roles.CreateAsync(new RoleDraft($"cert-{suffix}", $"证书角色{suffix}", "test", RoleKinds.Function, true, [Permissions.DashboardView], [], [], requireCertificate), ct);
        var bureau = (await factory.Services.GetRequiredService<UserDirectory>().OrganisationCodesAsync(ct)).Values.Min();
        var id = await users.CreateAsync(new NewUser($"cert{suffix}", "证书用户", bureau, "Cert#2026xy", [$"cert-{suffix}"]), new PasswordHasher(5000), ct);
        return (id, $"cert{suffix}");
    }

    private static async Task<(string Certificate, Sm2PrivateKey Key, long CertificateId)> IssueAsync(HttpClient admin, long userId, CancellationToken ct)
    {
        using var response = await admin.PostAsJsonAsync(Url("/api/crypto/certificates"), new { kind = "user", userId }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (issued.GetProperty("certificate").GetProperty("certificate").GetString()!, Sm2PrivateKey.Parse(issued.GetProperty("privateKey").GetString()!), issued.GetProperty("certificate").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_signed_challenge_signs_in_once_and_every_other_answer_is_refused_with_its_code()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (userId, username) = await NewUserAsync(Guid.NewGuid().ToString("N")[..8], false, ct);
        var (certificate, key, certificateId) = await IssueAsync(admin, userId, ct);

        using var browser = factory.CreateClient();
        var challenge = await ChallengeAsync(browser, ct);
        Assert.StartsWith("cityeye-sign-in:", challenge.GetProperty("signedText").GetString(), StringComparison.Ordinal);
        var answer = Answer(challenge, certificate, key);
        using (var login = await browser.PostAsJsonAsync(Url("/api/auth/login/certificate"), answer, ct))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal(username, (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("username").GetString());
        }

        Assert.Equal(username, (await browser.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct)).GetProperty("username").GetString());

        // The same answer again is a replay.
        using var other = factory.CreateClient();
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), answer, ct), HttpStatusCode.Unauthorized, "auth.challengeInvalid", ct);
        // A signature over other text, and one by another key.
        var fresh = await ChallengeAsync(other, ct);
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(fresh, certificate, key, text: "something else"), ct), HttpStatusCode.Unauthorized, "auth.invalidCredentials", ct);
        fresh = await ChallengeAsync(other, ct);
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(fresh, certificate, Sm2.GenerateKeyPair().PrivateKey), ct), HttpStatusCode.Unauthorized, "auth.invalidCredentials", ct);

        // A device certificate of the same CA is valid but bound to no user.
        var deviceKey = Sm2.GenerateKeyPair().PrivateKey;
        using (var device = await admin.PostAsJsonAsync(Url("/api/crypto/certificates"), new { kind = "device", deviceCode = "31011800001320000077", request = Sm2CertificateRequest.Create(deviceKey, new DistinguishedName("31011800001320000077")).ToPem() }, ct))
        {
            var devicePem = (await device.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("certificate").GetProperty("certificate").GetString()!;
            fresh = await ChallengeAsync(other, ct);
            await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(fresh, devicePem, deviceKey), ct), HttpStatusCode.Unauthorized, "auth.certificateUnknown", ct);
        }

        // Revoked: refused, with the reason.
        using (await admin.PostAsJsonAsync(Url($"/api/crypto/certificates/{certificateId}/revoke"), new { reason = "KeyCompromise" }, ct))
        {
        }

        fresh = await ChallengeAsync(other, ct);
        var revoked = await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(fresh, certificate, key), ct), HttpStatusCode.Unauthorized, "auth.certificateInvalid", ct);
        Assert.Contains("revoked", revoked.GetProperty("detail").GetString() ?? revoked.ToString(), StringComparison.Ordinal);
        fresh = await ChallengeAsync(other, ct);
        await ProblemAssert.HasFieldErrorAsync(await other.PostAsJsonAsync(Url("/api/auth/login/certificate"), new { challengeId = fresh.GetProperty("challengeId").GetString(), certificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", signature = "AAAA" }, ct), "certificate", "crypto.malformed", ct);

        var events = await factory.Services.GetRequiredService<SecurityEventLog>().RecentAsync(200, ct);
        Assert.Contains(events, e => e.Event == "login.succeeded" && e.Username == username && e.Detail!.StartsWith("certificate ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Event == "login.challengeInvalid");
        Assert.Contains(events, e => e.Event == "login.certificateInvalid" && e.Detail!.Contains("revoked", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Event == "login.certificateUnknown");
    }

    [Fact]
    public async Task A_role_that_requires_a_certificate_wants_the_certificate_and_the_password()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (userId, username) = await NewUserAsync(Guid.NewGuid().ToString("N")[..8], true, ct);
        var (certificate, key, _) = await IssueAsync(admin, userId, ct);
        using var browser = factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await browser.PostAsJsonAsync(Url("/api/auth/login"), new { username, password = "Cert#2026xy" }, ct), HttpStatusCode.Forbidden, "auth.certificateRequired", ct);
        await ProblemAssert.IsProblemAsync(await browser.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(await ChallengeAsync(browser, ct), certificate, key), ct), HttpStatusCode.Unauthorized, "auth.passwordRequired", ct);
        await ProblemAssert.IsProblemAsync(await browser.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(await ChallengeAsync(browser, ct), certificate, key, password: "wrong#2026X"), ct), HttpStatusCode.Unauthorized, "auth.invalidCredentials", ct);
        using var login = await browser.PostAsJsonAsync(Url("/api/auth/login/certificate"), Answer(await ChallengeAsync(browser, ct), certificate, key, password: "Cert#2026xy"), ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        // As the SPA sends it: one challenge, signed by the key and binding the SM2-encrypted password.
        using var spa = factory.CreateClient();
        var challenge = await ChallengeAsync(spa, ct);
        var id = challenge.GetProperty("challengeId").GetString()!;
        var site = Sm2PublicKey.Parse(challenge.GetProperty("sitePublicKey").GetString()!);
        using var both = await spa.PostAsJsonAsync(Url("/api/auth/login/certificate"), new
        {
            challengeId = id,
            certificate,
            signature = Convert.ToBase64String(Sm2.Sign(key, Encoding.UTF8.GetBytes(challenge.GetProperty("signedText").GetString()!))),
            passwordCipher = Convert.ToHexStringLower(Sm2.Encrypt(site, Encoding.UTF8.GetBytes($"{id}\nCert#2026xy"))),
            passwordChallengeId = id,
        }, ct);
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
    }

    [Fact]
    public async Task A_password_encrypted_with_the_site_key_signs_in_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = factory.CreateClient();
        var challenge = await ChallengeAsync(browser, ct);
        var site = Sm2PublicKey.Parse(challenge.GetProperty("sitePublicKey").GetString()!);
        var cipher = Convert.ToHexStringLower(Sm2.Encrypt(site, Encoding.UTF8.GetBytes($"{challenge.GetProperty("challengeId").GetString()}\nInvestigator#2026")));
        var body = new { username = "investigator", passwordCipher = cipher, challengeId = challenge.GetProperty("challengeId").GetString() };
        using (var login = await browser.PostAsJsonAsync(Url("/api/auth/login"), body, ct))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var replay = factory.CreateClient();
        await ProblemAssert.IsProblemAsync(await replay.PostAsJsonAsync(Url("/api/auth/login"), body, ct), HttpStatusCode.Unauthorized, "auth.challengeInvalid", ct);
        await ProblemAssert.HasFieldErrorAsync(await replay.PostAsJsonAsync(Url("/api/auth/login"), new { username = "investigator", passwordCipher = "04abcdef", challengeId = "x" }, ct), "passwordCipher", "crypto.decryptFailed", ct);
        await ProblemAssert.HasFieldErrorAsync(await replay.PostAsJsonAsync(Url("/api/auth/login"), new { username = "investigator" }, ct), "password", "field.required", ct);
    }
}

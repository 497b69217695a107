using CityEye.Core.Keys;
using CityEye.Crypto;

namespace CityEye.Core.Tests.Keys;

/// <summary>The signed release manifest: a folder that matches verifies; a changed, added or removed file, a forged
/// manifest and an untrusted signer are each named.</summary>
public sealed class ReleaseVerifierTests : IDisposable
{
    private readonly string _app = Directory.CreateTempSubdirectory("cityeye-release-test-").FullName;
    private readonly string _spa;
    private readonly Sm2PrivateKey _key = Sm2.GenerateKeyPair().PrivateKey;
    private readonly Sm2Certificate _signer;

    public ReleaseVerifierTests()
    {
        _spa = Path.Combine(_app, "..", Path.GetFileName(_app) + "-spa");
        Directory.CreateDirectory(_spa);
        File.WriteAllText(Path.Combine(_app, "CityEye.Api.dll"), "assembly bytes");
        File.WriteAllText(Path.Combine(_app, "appsettings.json"), "{}");
        File.WriteAllText(Path.Combine(_app, "appsettings.Production.json"), "{ \"operator\": true }");
        File.WriteAllText(Path.Combine(_app, "CityEye.Api.pdb"), "symbols");
        Directory.CreateDirectory(Path.Combine(_app, "runtimes", "linux-x64", "native"));
        Directory.CreateDirectory(Path.Combine(_app, "runtimes", "win-x64", "native"));
        File.WriteAllText(Path.Combine(_app, "runtimes", "linux-x64", "native", "libduckdb.so"), "native");
        File.WriteAllText(Path.Combine(_app, "runtimes", "win-x64", "native", "duckdb.dll"), "windows only");
        Directory.CreateDirectory(Path.Combine(_spa, "assets"));
        File.WriteAllText(Path.Combine(_spa, "index.html"), "<html></html>");
        File.WriteAllText(Path.Combine(_spa, "assets", "index.js"), "console.log(1)");
        var now = TimeProvider.System.GetUtcNow();
        _signer = Sm2CertificateIssuer.CreateSelfSigned(_key, new CertificateSpec(new DistinguishedName("CityEye release signing (test)"), CertificateProfile.CodeSigning, now.AddMinutes(-5), now.AddYears(1)));
    }

    private async Task SignAsync()
    {
        var manifest = await ReleaseManifest.CreateAsync(_app, _spa, TimeProvider.System.GetUtcNow(), TestContext.Current.CancellationToken);
        var json = manifest.ToBytes();
        await File.WriteAllBytesAsync(Path.Combine(_app, ReleaseManifest.FileName), json, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(_app, ReleaseManifest.SignatureFileName), Sm2Cms.Sign(json, _signer, _key, detached: true), TestContext.Current.CancellationToken);
    }

    private Task<ExecutableReport> VerifyAsync(Sm2Certificate? trusted = null) =>
        ReleaseVerifier.VerifyAsync(_app, _spa, c => Task.FromResult(c.Fingerprint() == (trusted ?? _signer).Fingerprint()), TimeProvider.System, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_signed_folder_verifies_and_covers_assemblies_natives_of_this_platform_settings_and_the_spa()
    {
        Assert.Equal("unsigned", (await VerifyAsync()).State);
        await SignAsync();
        var report = await VerifyAsync();
        Assert.True(report.Verified, report.Message);
        Assert.Equal("CityEye release signing (test)", report.Signer);
        var manifest = ReleaseManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(_app, ReleaseManifest.FileName), TestContext.Current.CancellationToken))!;
        Assert.Equal(
            ["app/CityEye.Api.dll", "app/appsettings.Production.json", "app/appsettings.json", "app/runtimes/linux-x64/native/libduckdb.so", "spa/assets/index.js", "spa/index.html"],
            manifest.Files.Select(f => $"{f.Root}/{f.Path}").Order(StringComparer.Ordinal));
        Assert.All(manifest.Files, f => Assert.Equal(64, f.Sm3.Length));

        // Symbols are not part of the release; settings overlays are (one could switch the check off).
        File.WriteAllText(Path.Combine(_app, "CityEye.Api.pdb"), "other symbols");
        Assert.True((await VerifyAsync()).Verified);
        File.WriteAllText(Path.Combine(_app, "appsettings.Production.json"), "{ \"Crypto\": { \"Executables\": { \"Mode\": \"off\" } } }");
        Assert.Equal([("app", "appsettings.Production.json", "changed")], (await VerifyAsync()).Mismatches.Select(m => (m.Root, m.Path, m.Problem)));
    }

    [Fact]
    public async Task Changed_added_and_removed_files_are_each_named()
    {
        await SignAsync();
        File.WriteAllText(Path.Combine(_app, "CityEye.Api.dll"), "assembly bytes, patched");
        File.WriteAllText(Path.Combine(_app, "Evil.dll"), "dropped in");
        File.Delete(Path.Combine(_spa, "assets", "index.js"));
        var report = await VerifyAsync();
        Assert.Equal("mismatch", report.State);
        Assert.Equal(
            [("app", "CityEye.Api.dll", "changed"), ("app", "Evil.dll", "extra"), ("spa", "assets/index.js", "missing")],
            report.Mismatches.Select(m => (m.Root, m.Path, m.Problem)).Order());
        Assert.Contains("3 of the shipped files", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_manifest_or_another_signer_is_refused()
    {
        await SignAsync();
        var path = Path.Combine(_app, ReleaseManifest.FileName);
        var json = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        // Someone patches a file and edits its hash into the manifest: the signature no longer matches.
        var patched = Path.Combine(_app, "CityEye.Api.dll");
        File.WriteAllText(patched, "patched");
        var hash = Convert.ToHexStringLower(Sm3Hash.Compute("patched"u8));
        var original = Convert.ToHexStringLower(Sm3Hash.Compute("assembly bytes"u8));
        await File.WriteAllTextAsync(path, json.Replace(original, hash, StringComparison.Ordinal).Replace("\"size\": 14", "\"size\": 7", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var forged = await VerifyAsync();
        Assert.Equal("mismatch", forged.State);
        Assert.Contains("does not match its signature", forged.Message, StringComparison.Ordinal);

        // Signed properly, but by a key the node does not trust for releases.
        File.WriteAllText(patched, "assembly bytes");
        await SignAsync();
        var stranger = Sm2.GenerateKeyPair().PrivateKey;
        var now = TimeProvider.System.GetUtcNow();
        var other = Sm2CertificateIssuer.CreateSelfSigned(stranger, new CertificateSpec(new DistinguishedName("someone else"), CertificateProfile.CodeSigning, now.AddMinutes(-5), now.AddYears(1)));
        Assert.Equal("untrusted", (await VerifyAsync(other)).State);
        await File.WriteAllBytesAsync(Path.Combine(_app, ReleaseManifest.SignatureFileName), [0x30, 0x03, 0x02, 0x01, 0x00], TestContext.Current.CancellationToken);
        Assert.Equal("mismatch", (await VerifyAsync()).State);
    }

    public void Dispose()
    {
        Directory.Delete(_app, recursive: true);
        Directory.Delete(_spa, recursive: true);
    }
}

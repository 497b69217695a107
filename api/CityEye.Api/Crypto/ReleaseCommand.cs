using System.Security.Cryptography;
using CityEye.Core.Keys;
using CityEye.Crypto;

namespace CityEye.Api.Crypto;

/// <summary>
/// <c>dotnet CityEye.Api.dll release …</c>: the release-signing tool (CR-3). <c>key FOLDER</c> makes an SM2
/// release-signing key and self-signed codeSigning certificate; <c>sign --key K --certificate C [--app DIR] [--spa DIR]</c>
/// writes the manifest of every shipped file with SM3 hashes and its PKCS#7 detached signature into the app folder;
/// <c>verify [--app DIR] [--spa DIR] --signer C</c> checks them as the node does.
/// </summary>
internal static class ReleaseCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return args switch
            {
                ["key", var folder] => CreateKey(folder, output),
                ["sign", .. var rest] => await SignAsync(Options(rest), output),
                ["verify", .. var rest] => await VerifyAsync(Options(rest), output),
                _ => Usage(error),
            };
        }
        catch (Exception ex) when (ex is CryptoException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"release: {ex.Message}");
            return 1;
        }
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: CityEye.Api release key FOLDER");
        error.WriteLine("       CityEye.Api release sign --key release.key --certificate release.crt [--app DIR] [--spa DIR]");
        error.WriteLine("       CityEye.Api release verify --signer release.crt [--app DIR] [--spa DIR]");
        return 2;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static int CreateKey(string folder, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        var keyPath = Path.Combine(folder, "release.key");
        var certificatePath = Path.Combine(folder, "release.crt");
        if (File.Exists(keyPath))
        {
            throw new IOException($"{keyPath} exists already; a release-signing key is never overwritten.");
        }

        var key = Sm2.GenerateKeyPair().PrivateKey;
        var now = TimeProvider.System.GetUtcNow();
        var certificate = Sm2CertificateIssuer.CreateSelfSigned(key, new CertificateSpec(
            new DistinguishedName($"CityEye release signing ({Environment.MachineName})", "CityEye", "Release"), CertificateProfile.CodeSigning, now.AddMinutes(-5), now.AddYears(10)));
        PrivateFile.WriteNew(keyPath, key.ToPem());

        File.WriteAllText(certificatePath, certificate.ToPem());
        output.WriteLine($"release: wrote {keyPath} and {certificatePath} (SM3 fingerprint {certificate.Fingerprint()})");
        return 0;
    }

    private static async Task<int> SignAsync(Dictionary<string, string> options, TextWriter output)
    {
        var key = Sm2PrivateKey.Parse(await File.ReadAllTextAsync(Required(options, "key")));
        var certificate = Sm2Certificate.Parse(await File.ReadAllTextAsync(Required(options, "certificate")));
        var app = Path.GetFullPath(options.GetValueOrDefault("app") ?? AppContext.BaseDirectory);
        var spa = options.TryGetValue("spa", out var spaFolder) ? Path.GetFullPath(spaFolder) : null;
        var started = TimeProvider.System.GetTimestamp();
        var manifest = await ReleaseManifest.CreateAsync(app, spa, TimeProvider.System.GetUtcNow(), CancellationToken.None);
        var json = manifest.ToBytes();
        // Each file is written beside and moved into place, so no reader sees half a file; a node starting between the two
        // moves sees a new signature over the old manifest and reports a mismatch (run.sh signs before it starts the node).
        await ReplaceAsync(Path.Combine(app, ReleaseManifest.SignatureFileName), Sm2Cms.Sign(json, certificate, key, detached: true));
        await ReplaceAsync(Path.Combine(app, ReleaseManifest.FileName), json);
        output.WriteLine($"release: signed {manifest.Files.Count} files ({manifest.Files.Sum(f => f.Size) / 1_048_576} MiB, SM3) as \"{certificate.CommonName}\" in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s: {Path.Combine(app, ReleaseManifest.FileName)}");
        return 0;
    }

    private static async Task<int> VerifyAsync(Dictionary<string, string> options, TextWriter output)
    {
        var pinned = Sm2Certificate.Parse(await File.ReadAllTextAsync(Required(options, "signer")));
        var app = Path.GetFullPath(options.GetValueOrDefault("app") ?? AppContext.BaseDirectory);
        var spa = options.TryGetValue("spa", out var spaFolder) ? Path.GetFullPath(spaFolder) : null;
        var report = await ReleaseVerifier.VerifyAsync(app, spa, c => Task.FromResult(CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(c.Fingerprint()), System.Text.Encoding.ASCII.GetBytes(pinned.Fingerprint()))), TimeProvider.System, CancellationToken.None);
        output.WriteLine($"release: {report.State}: {report.Message}");
        foreach (var mismatch in report.Mismatches)
        {
            output.WriteLine($"  {mismatch.Problem} {mismatch.Root}/{mismatch.Path}");
        }

        return report.Verified ? 0 : 1;
    }

    private static async Task ReplaceAsync(string path, byte[] content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
}

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CityEye.Crypto;

namespace CityEye.Core.Keys;

/// <summary>One shipped file: which root it is under, its path there, size and SM3.</summary>
public sealed record ManifestFile(string Root, string Path, long Size, string Sm3);

/// <summary>
/// The release manifest (CR-3, integrity and origin of important executables): every shipped assembly, native library
/// and configuration file of the node's folder and every file of the SPA, with SM3 hashes, signed as PKCS#7 detached
/// (SM2/SM3) by the release-signing certificate. Written by <c>CityEye.Api release sign</c> after a build, checked by
/// the node at start-up and on demand.
/// </summary>
public sealed record ReleaseManifest(string Format, DateTimeOffset CreatedAt, string RuntimeIdentifier, IReadOnlyList<ManifestFile> Files)
{
    public const string CurrentFormat = "cityeye-release-manifest/1";
    public const string FileName = "release-manifest.json";
    public const string SignatureFileName = "release-manifest.json.p7s";
    public const string AppRoot = "app";
    public const string SpaRoot = "spa";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The files the manifest covers under each root: everything but debug symbols, XML docs and the manifest
    /// itself (settings files and their overlays included); of <c>runtimes/</c> only the folders of this machine's
    /// runtime identifier (a portable build carries native libraries for every platform).</summary>
    public static IEnumerable<(string Root, string RelativePath, string FullPath)> Covered(string appFolder, string? spaFolder)
    {
        var runtimes = RuntimeFolders();
        foreach (var file in Directory.EnumerateFiles(appFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(appFolder, file).Replace('\\', '/');
            var name = Path.GetFileName(relative);
            // Settings files, overlays included, are part of the release (an added appsettings.Production.json could
            // switch this very check off); operators configure through environment variables or arguments.
            if (name is FileName or SignatureFileName || name.EndsWith(".pdb", StringComparison.Ordinal) || name.EndsWith(".xml", StringComparison.Ordinal)
                || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            if (relative.StartsWith("runtimes/", StringComparison.Ordinal) && !runtimes.Contains(relative.Split('/')[1]))
            {
                continue;
            }

            yield return (AppRoot, relative, file);
        }

        if (spaFolder is not null && Directory.Exists(spaFolder))
        {
            foreach (var file in Directory.EnumerateFiles(spaFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                yield return (SpaRoot, Path.GetRelativePath(spaFolder, file).Replace('\\', '/'), file);
            }
        }
    }

    /// <summary>Hashes every covered file.</summary>
    public static async Task<ReleaseManifest> CreateAsync(string appFolder, string? spaFolder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var files = new List<ManifestFile>();
        foreach (var (root, relative, full) in Covered(appFolder, spaFolder))
        {
            files.Add(await HashAsync(root, relative, full, cancellationToken));
        }

        return new ReleaseManifest(CurrentFormat, now, RuntimeInformation.RuntimeIdentifier, files);
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ReleaseManifest? Parse(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize<ReleaseManifest>(json, Json) is { Format: CurrentFormat } manifest ? manifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static async Task<ManifestFile> HashAsync(string root, string relative, string full, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var hash = await Sm3Hash.ComputeAsync(stream, cancellationToken);
        return new ManifestFile(root, relative, stream.Length, Convert.ToHexStringLower(hash));
    }

    private static HashSet<string> RuntimeFolders()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var folders = new HashSet<string>(StringComparer.Ordinal) { rid };
        if (OperatingSystem.IsLinux())
        {
            folders.UnionWith(["linux", "unix", $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}"]);
        }

        return folders;
    }
}

/// <summary>A file that differs from the manifest. Problem: changed, missing, extra.</summary>
public sealed record ManifestMismatch(string Root, string Path, string Problem);

/// <summary>
/// The state of the shipped files. <see cref="State"/>: verified, mismatch, unsigned (no manifest or signature),
/// untrusted (signed by a certificate not trusted for releases), off. <see cref="Mismatches"/> lists at most 50.
/// </summary>
public sealed record ExecutableReport(
    string State, string Message, DateTimeOffset CheckedAt, int DurationMs, int Files, long Bytes, string? Signer, DateTimeOffset? SignedAt, IReadOnlyList<ManifestMismatch> Mismatches)
{
    public bool Verified => State == "verified";
}

/// <summary>Checks the shipped files against a signed manifest.</summary>
public static class ReleaseVerifier
{
    private const int MaxListed = 50;

    /// <summary>
    /// Reads the manifest and its signature from <paramref name="appFolder"/>, checks the signature (PKCS#7 detached,
    /// SM2/SM3) and that the signer is trusted (<paramref name="isTrustedSigner"/>), then hashes every covered file
    /// and compares.
    /// </summary>
    public static async Task<ExecutableReport> VerifyAsync(string appFolder, string? spaFolder, Func<Sm2Certificate, Task<bool>> isTrustedSigner, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isTrustedSigner);
        ArgumentNullException.ThrowIfNull(clock);
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        int Elapsed() => (int)clock.GetElapsedTime(started).TotalMilliseconds;
        var manifestPath = Path.Combine(appFolder, ReleaseManifest.FileName);
        var signaturePath = Path.Combine(appFolder, ReleaseManifest.SignatureFileName);
        if (!File.Exists(manifestPath) || !File.Exists(signaturePath))
        {
            return new ExecutableReport("unsigned", $"No signed release manifest in {appFolder} (build and sign with ./run.sh, or CityEye.Api release sign).", now, Elapsed(), 0, 0, null, null, []);
        }

        var json = await File.ReadAllBytesAsync(manifestPath, cancellationToken);
        CmsVerification signature;
        try
        {
            signature = Sm2Cms.Verify(await File.ReadAllBytesAsync(signaturePath, cancellationToken), json);
        }
        catch (CryptoException ex)
        {
            return new ExecutableReport("mismatch", $"The manifest signature is not valid PKCS#7: {ex.Message}", now, Elapsed(), 0, 0, null, null, []);
        }

        if (!signature.Valid || signature.Signer is null)
        {
            return new ExecutableReport("mismatch", $"The manifest does not match its signature: {signature.Reason}", now, Elapsed(), 0, 0, signature.Signer?.CommonName, null, []);
        }

        if (!await isTrustedSigner(signature.Signer))
        {
            return new ExecutableReport("untrusted", $"The manifest is signed by \"{signature.Signer.Subject}\", which is not trusted to sign releases (Crypto:Executables:Signer, or a trusted CA with codeSigning).",
                now, Elapsed(), 0, 0, signature.Signer.CommonName, signature.SigningTime, []);
        }

        if (ReleaseManifest.Parse(json) is not { } manifest)
        {
            return new ExecutableReport("mismatch", "The signed manifest is not a CityEye release manifest.", now, Elapsed(), 0, 0, signature.Signer.CommonName, signature.SigningTime, []);
        }

        var mismatches = new List<ManifestMismatch>();
        var expected = manifest.Files.ToDictionary(f => (f.Root, f.Path));
        var seen = new HashSet<(string, string)>();
        long bytes = 0;
        foreach (var (root, relative, full) in ReleaseManifest.Covered(appFolder, spaFolder))
        {
            if (root == ReleaseManifest.SpaRoot && !manifest.Files.Any(f => f.Root == ReleaseManifest.SpaRoot))
            {
                continue; // A manifest signed without the SPA does not cover it.
            }

            seen.Add((root, relative));
            if (!expected.TryGetValue((root, relative), out var listed))
            {
                mismatches.Add(new ManifestMismatch(root, relative, "extra"));
                continue;
            }

            var actual = await ReleaseManifest.HashAsync(root, relative, full, cancellationToken);
            bytes += actual.Size;
            if (actual.Size != listed.Size || !string.Equals(actual.Sm3, listed.Sm3, StringComparison.Ordinal))
            {
                mismatches.Add(new ManifestMismatch(root, relative, "changed"));
            }
        }

        mismatches.AddRange(manifest.Files.Where(f => !seen.Contains((f.Root, f.Path))).Select(f => new ManifestMismatch(f.Root, f.Path, "missing")));
        return mismatches.Count == 0
            ? new ExecutableReport("verified", $"{manifest.Files.Count} files match the manifest signed by \"{signature.Signer.CommonName}\".", now, Elapsed(), manifest.Files.Count, bytes, signature.Signer.CommonName, signature.SigningTime, [])
            : new ExecutableReport("mismatch", $"{mismatches.Count} of the shipped files differ from the signed manifest (first: {mismatches[0].Problem} {mismatches[0].Root}/{mismatches[0].Path}).",
                now, Elapsed(), manifest.Files.Count, bytes, signature.Signer.CommonName, signature.SigningTime, [.. mismatches.Take(MaxListed)]);
    }
}

using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Auth;
using CityEye.Core.Keys;
using CityEye.Crypto;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Crypto;

/// <summary>
/// The check of the node's shipped files (its folder and the SPA) against the signed release manifest: at start-up
/// (<see cref="ExecutablesStep"/>) and on demand (the integrity report). The signer must be the configured
/// release-signing certificate, or chain to a trusted CA with codeSigning.
/// </summary>
internal sealed class ExecutableIntegrity(IOptions<CryptoOptions> options, IOptions<CityEyeOptions> node, CertificateAuthority authority, SecurityEventLog events, TimeProvider clock)
{
    /// <summary>The latest report (null before the first check).</summary>
    public ExecutableReport? Latest { get; private set; }

    public string Mode => options.Value.Executables.Mode;

    public async Task<ExecutableReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (Mode == "off")
        {
            return Latest = new ExecutableReport("off", "Crypto:Executables:Mode is off: the shipped files are not checked.", clock.GetUtcNow(), 0, 0, 0, null, null, []);
        }

        if (options.Value.Executables.Signer is { Length: > 0 } signer && !File.Exists(signer))
        {
            return Latest = new ExecutableReport("untrusted", $"The release-signing certificate Crypto:Executables:Signer ({signer}) does not exist.", clock.GetUtcNow(), 0, 0, 0, null, null, []);
        }

        var spa = string.IsNullOrWhiteSpace(node.Value.SpaRoot) ? null : Path.GetFullPath(node.Value.SpaRoot);
        var report = await ReleaseVerifier.VerifyAsync(AppContext.BaseDirectory, spa, IsTrustedAsync, clock, cancellationToken);
        if (!report.Verified && report.State != Latest?.State)
        {
            await events.WriteAsync("integrity.executables", null, null, null, $"{report.State}: {report.Message}", cancellationToken);
        }

        return Latest = report;
    }

    private async Task<bool> IsTrustedAsync(Sm2Certificate signer)
    {
        if (options.Value.Executables.Signer is { Length: > 0 } path)
        {
            var pinned = Sm2Certificate.Parse(await File.ReadAllTextAsync(path));
            return pinned.Fingerprint() == signer.Fingerprint();
        }

        return (await authority.ValidateAsync(signer, "codeSigning", CancellationToken.None)).IsValid && signer.ExtendedKeyUsages.Contains("codeSigning");
    }
}

/// <summary>Refuses to start (mode enforce) unless the shipped files match a trusted signed manifest; in mode warn the
/// node starts and says so in /readyz, the integrity report and the security log.</summary>
internal sealed class ExecutablesStep(ExecutableIntegrity integrity) : IStartupStep
{
    public string Name => "executables";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var report = await integrity.CheckAsync(cancellationToken);
        if (report.Verified || report.State == "off")
        {
            return $"{report.Message} ({report.DurationMs} ms)";
        }

        return integrity.Mode == "enforce"
            ? throw new CannotStartException($"Executable integrity: {report.Message} Set Crypto:Executables:Mode=warn to start anyway.")
            : $"WARNING ({report.State}): {report.Message}";
    }
}

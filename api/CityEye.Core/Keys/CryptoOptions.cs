using System.ComponentModel.DataAnnotations;

namespace CityEye.Core.Keys;

/// <summary>National-cryptography settings: where the master key comes from and what the node's certificates say.</summary>
public sealed class CryptoOptions
{
    public const string SectionName = "Crypto";

    /// <summary>
    /// The master key as 32 hex characters (a 128-bit SM4 key), e.g. from an environment variable or a secret store.
    /// Empty: <see cref="MasterKeyFile"/> is read, or created on first start. Production: a cryptographic machine
    /// (GM/T 0018 SDF) behind <see cref="IMasterKey"/>; see docs/crypto.md.
    /// </summary>
    [RegularExpression("^([0-9a-fA-F]{32})?$", ErrorMessage = "Crypto:MasterKey must be 32 hex characters (a 128-bit SM4 key).")]
    public string? MasterKey { get; set; }

    /// <summary>The master key file (32 hex characters) when <see cref="MasterKey"/> is empty; default {DataDir}/keys/master.key.</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>The common name of the site certificate (the node's host name as users reach it).</summary>
    [Required]
    public string SiteName { get; set; } = "localhost";

    /// <summary>DNS names and IP addresses of the site certificate.</summary>
    public string[] SiteDnsNames { get; set; } = ["localhost", "127.0.0.1"];

    /// <summary>The organisation (O) of the certificates the node issues.</summary>
    [Required]
    public string Organisation { get; set; } = "上海市公安局青浦分局";

    [Range(1, 3650)]
    public int UserCertificateDays { get; set; } = 365;

    [Range(1, 3650)]
    public int DeviceCertificateDays { get; set; } = 1095;

    [Range(1, 3650)]
    public int SiteCertificateDays { get; set; } = 825;

    [Range(1, 50)]
    public int RootCertificateYears { get; set; } = 20;

    /// <summary>The check of the shipped files against the signed release manifest.</summary>
    public ExecutableOptions Executables { get; set; } = new();

    /// <summary>Minutes between signed checkpoints of the operation log's SM3 chain (0: none, only on demand).</summary>
    [Range(0, 1440)]
    public int LogCheckpointMinutes { get; set; } = 10;
}

/// <summary>How the node treats its shipped files (CR-3, integrity and origin of important executables).</summary>
public sealed class ExecutableOptions
{
    /// <summary>enforce: refuse to start unless every shipped file matches a manifest signed by a trusted release
    /// signer; warn: start anyway, report it in /readyz, the integrity report and the security log; off: no check.</summary>
    [AllowedValues("enforce", "warn", "off")]
    public string Mode { get; set; } = "enforce";

    /// <summary>The release-signing certificate (PEM file) the manifest must be signed by. Without it, the signer must
    /// chain to a trusted CA (the node's root or an imported bureau CA) and carry codeSigning.</summary>
    public string? Signer { get; set; }
}

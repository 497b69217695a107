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
}

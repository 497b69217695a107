using System.ComponentModel.DataAnnotations;
using CityEye.Core.Keys;
using CityEye.Crypto;

namespace CityEye.Api.Crypto;

/// <summary>Data to sign: base64 <see cref="Data"/> in one of the three forms, under the SM2 distinguishing ID (default 1234567812345678).</summary>
public sealed record SignRequest(
    [property: Required, StringLength(CryptoLimits.MaxBase64)] string? Data,
    [property: Required, AllowedValues(SignatureForms.Raw, SignatureForms.Pkcs7Detached, SignatureForms.Pkcs7Attached)] string? Form,
    [property: StringLength(64)] string? DistinguishingId = null);

/// <summary>A signature by the node's site certificate (base64 DER) and that certificate (PEM).</summary>
public sealed record SignResponse(string Signature, string Form, string Certificate, string CertificateFingerprint, string DistinguishingId, string Algorithm);

/// <summary>A signature to check: base64 <see cref="Data"/> (not needed for pkcs7-attached), base64 <see cref="Signature"/>,
/// the form, and for raw signatures the signer's certificate (PEM; the node's site certificate when absent).</summary>
public sealed record VerifyRequest(
    [property: StringLength(CryptoLimits.MaxBase64)] string? Data,
    [property: Required, StringLength(CryptoLimits.MaxBase64)] string? Signature,
    [property: Required, AllowedValues(SignatureForms.Raw, SignatureForms.Pkcs7Detached, SignatureForms.Pkcs7Attached)] string? Form,
    [property: StringLength(16_000)] string? Certificate = null,
    [property: StringLength(64)] string? DistinguishingId = null);

/// <summary>A certificate's identity and validity.</summary>
public sealed record CertificateSummary(string Subject, string CommonName, string Issuer, string Serial, string Fingerprint, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    internal static CertificateSummary Of(Sm2Certificate c) => new(c.Subject, c.CommonName, c.Issuer, c.SerialNumber, c.Fingerprint(), c.NotBefore, c.NotAfter);
}

/// <summary>
/// Whether the signature is valid: it matches the data (<see cref="SignatureValid"/>) and its certificate chains to the
/// node's root or a trusted bureau CA, is in force and not revoked. <see cref="Outcome"/> is a stable code: ok,
/// signatureMismatch, contentMissing, otherSigner, certificateUntrusted, certificateExpired, certificateNotYetValid,
/// certificateRevoked, certificateWrongUsage. <see cref="Content"/> is the signed data of a pkcs7-attached signature.
/// </summary>
public sealed record VerifyResponse(bool Valid, string Outcome, string Reason, bool SignatureValid, CertificateSummary? Signer, string? DistinguishingId, DateTimeOffset? SigningTime, string? Content);

/// <summary>The node's public signing identity: site and root certificates (PEM), the SM2 public key as an uncompressed point (hex).</summary>
public sealed record SiteIdentityResponse(string SiteCertificate, string RootCertificate, string PublicKey, string Fingerprint, string DefaultDistinguishingId);

/// <summary>A stored key's metadata; the material never leaves the node.</summary>
public sealed record KeyResponse(long Id, string Purpose, int Version, string Algorithm, string State, string MasterKeyId, string? PublicKey, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RetiredAt, bool Rotatable)
{
    internal static KeyResponse Of(KeyInfo k) => new(k.Id, k.Purpose, k.Version, k.Algorithm, k.State, k.MasterKeyId, k.PublicKey, k.CreatedAt, k.CreatedBy, k.RetiredAt,
        KeyPurposes.Symmetric.TryGetValue(k.Purpose, out var rotatable) && rotatable);
}

/// <summary>The key hierarchy: the master key (identifier and where it lives) and the keys it wraps.</summary>
public sealed record KeysResponse(string MasterKeyId, string MasterKeySource, IReadOnlyList<KeyResponse> Keys);

/// <summary>A certificate the node issued or imported. <see cref="Status"/>: valid, expired, notYetValid or revoked.</summary>
public sealed record CertificateResponse(
    long Id, string Kind, string Origin, string Serial, string Subject, string CommonName, string Issuer, string Fingerprint,
    long? UserId, string? DeviceCode, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Status,
    DateTimeOffset? RevokedAt, string? RevocationReason, string? RevokedBy, DateTimeOffset CreatedAt, string CreatedBy, string Certificate)
{
    internal static CertificateResponse Of(CertificateRecord r, DateTimeOffset now) => new(
        r.Id, r.Kind, r.Origin, r.Serial, r.Subject, r.CommonName, r.Issuer, r.Fingerprint, r.UserId, r.DeviceCode, r.NotBefore, r.NotAfter,
        r.IsRevoked ? "revoked" : now > r.NotAfter ? "expired" : now < r.NotBefore ? "notYetValid" : "valid",
        r.RevokedAt, r.RevocationReason, r.RevokedBy, r.CreatedAt, r.CreatedBy, r.Certificate);
}

public sealed record CertificatePageResponse(IReadOnlyList<CertificateResponse> Items, int Total);

/// <summary>Filters and page of the certificate list.</summary>
public sealed record CertificateListRequest(
    [property: AllowedValues(null, CertificateKinds.Root, CertificateKinds.Site, CertificateKinds.Device, CertificateKinds.User, CertificateKinds.TrustedAuthority)] string? Kind = null,
    long? UserId = null,
    [property: StringLength(64)] string? Q = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 50);

/// <summary>
/// A user or device certificate to issue. With <see cref="Request"/> (a PKCS#10 PEM, e.g. from a USB key or
/// <c>openssl req</c>) the subject keeps its key; without, the node generates the key pair and returns the private key
/// once. A user certificate names the user it signs in (<see cref="UserId"/>).
/// </summary>
public sealed record IssueCertificateRequest(
    [property: Required, AllowedValues(CertificateKinds.User, CertificateKinds.Device)] string? Kind,
    [property: StringLength(64)] string? CommonName = null,
    long? UserId = null,
    [property: StringLength(20, MinimumLength = 20)] string? DeviceCode = null,
    [property: StringLength(16_000)] string? Request = null);

/// <summary>An issued certificate and, when the node generated the key, the PKCS#8 private key (PEM, shown once).</summary>
public sealed record IssuedCertificateResponse(CertificateResponse Certificate, string? PrivateKey);

/// <summary>A certificate of the bureau to import: a CA to trust (<c>trusted-ca</c>) or a user's certificate (<c>user</c>, with the user it signs in).</summary>
public sealed record ImportCertificateRequest(
    [property: Required, AllowedValues(CertificateKinds.TrustedAuthority, CertificateKinds.User)] string? Kind,
    [property: Required, StringLength(16_000)] string? Certificate,
    long? UserId = null);

/// <summary>Why a certificate is revoked (RFC 5280 reasons).</summary>
public sealed record RevokeCertificateRequest(
    [property: Required, AllowedValues(nameof(RevocationReason.Unspecified), nameof(RevocationReason.KeyCompromise), nameof(RevocationReason.CaCompromise), nameof(RevocationReason.AffiliationChanged), nameof(RevocationReason.Superseded), nameof(RevocationReason.CessationOfOperation), nameof(RevocationReason.CertificateHold))] string? Reason);

/// <summary>A file to sign (multipart): the file and the form.</summary>
public sealed record SignFileUpload(IFormFile File, string Form, string? DistinguishingId);

/// <summary>A file signature to check (multipart): the file (not for pkcs7-attached), the signature file, the form, optionally the signer certificate (PEM).</summary>
public sealed record VerifyFileUpload(IFormFile? File, IFormFile Signature, string Form, string? Certificate, string? DistinguishingId);

/// <summary>The access-control part of the integrity report: users and roles checked, and what does not match its HMAC-SM3.</summary>
public sealed record AccessControlIntegrity(bool Intact, int Users, int Roles, IReadOnlyList<Core.Auth.IntegrityFinding> Findings);

/// <summary>The log part: the SM3 chain over the stored entries and the signed checkpoints.</summary>
public sealed record LogIntegrity(bool Intact, Logs.LogChainState Chain, LogCheckpointState Checkpoints);

/// <summary>The integrity report (CR-3): access-control data, the operation log, and the shipped executables.</summary>
public sealed record IntegrityReport(DateTimeOffset CheckedAt, bool Intact, AccessControlIntegrity AccessControl, LogIntegrity Logs, Core.Keys.ExecutableReport Executables);

internal static class CryptoLimits
{
    /// <summary>Data and files up to 16 MiB (in JSON as base64).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;
    public const int MaxBase64 = (MaxBytes / 3 * 4) + 4;
}

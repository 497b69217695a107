using CityEye.Crypto;

namespace CityEye.Core.Keys;

/// <summary>The three signature forms of the integrity tool (CR-1).</summary>
public static class SignatureForms
{
    /// <summary>A bare SM2 signature, DER SEQUENCE { r, s } (the tender's "PKCS#1" form).</summary>
    public const string Raw = "raw";
    /// <summary>CMS SignedData without the content (PKCS#7 detached).</summary>
    public const string Pkcs7Detached = "pkcs7-detached";
    /// <summary>CMS SignedData with the content inside (PKCS#7 attached).</summary>
    public const string Pkcs7Attached = "pkcs7-attached";

    public static readonly IReadOnlyList<string> All = [Raw, Pkcs7Detached, Pkcs7Attached];
}

/// <summary>Why a verification failed (stable codes the SPA translates), or ok.</summary>
public static class VerifyOutcomes
{
    public const string Ok = "ok";
    public const string SignatureMismatch = "signatureMismatch";
    public const string ContentMissing = "contentMissing";
    public const string OtherSigner = "otherSigner";
    public const string CertificateUntrusted = "certificateUntrusted";
    public const string CertificateExpired = "certificateExpired";
    public const string CertificateNotYetValid = "certificateNotYetValid";
    public const string CertificateRevoked = "certificateRevoked";
    public const string CertificateWrongUsage = "certificateWrongUsage";

    public static string Of(CertificateStatus status) => status switch
    {
        CertificateStatus.Valid => Ok,
        CertificateStatus.Expired => CertificateExpired,
        CertificateStatus.NotYetValid => CertificateNotYetValid,
        CertificateStatus.Revoked => CertificateRevoked,
        CertificateStatus.WrongUsage => CertificateWrongUsage,
        _ => CertificateUntrusted,
    };
}

/// <summary>A signature made by the node.</summary>
public sealed record SignResult(byte[] Signature, string Form, Sm2Certificate Certificate, string DistinguishingId);

/// <summary>The outcome of a verification: whether the signature matches the data, and whether its certificate is
/// trusted, in force and not revoked now; <see cref="Valid"/> needs both.</summary>
public sealed record VerifyResult(
    bool Valid,
    string Outcome,
    string Reason,
    bool SignatureValid,
    Sm2Certificate? Signer,
    CertificateValidation? Certificate,
    byte[]? Content,
    string? DistinguishingId,
    DateTimeOffset? SigningTime);

/// <summary>
/// The integrity tool (完整性保护工具, CR-1): signs data with the node's site certificate in the three forms and
/// verifies signatures made by the node, by certificates it issued, or by certificates of a trusted bureau CA.
/// </summary>
public sealed class IntegrityTool(CertificateAuthority authority)
{
    private static readonly byte[] ReservedPrefix = "cityeye-"u8.ToArray();

    /// <summary>Signs <paramref name="data"/> with the site key; <paramref name="id"/> is the SM2 distinguishing ID
    /// (default "1234567812345678"; "" for peers such as OpenSSL 3.0's <c>cms -verify</c> that use an empty one).</summary>
    public async Task<SignResult> SignAsync(byte[] data, string form, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.AsSpan().StartsWith(ReservedPrefix))
        {
            // Log checkpoints and other statements of the node start so; nobody may have the site key sign one.
            throw new CryptoException(CryptoErrors.Malformed, "Data starting with \"cityeye-\" is reserved for the node's own signatures.");
        }

        var (certificate, key) = await authority.SiteAsync(cancellationToken);
        var signature = form switch
        {
            SignatureForms.Raw => Sm2.Sign(key, data, id),
            SignatureForms.Pkcs7Detached => Sm2Cms.Sign(data, certificate, key, detached: true, id: id),
            SignatureForms.Pkcs7Attached => Sm2Cms.Sign(data, certificate, key, detached: false, id: id),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Unknown signature form."),
        };
        return new SignResult(signature, form, certificate, id ?? Sm2.DefaultId);
    }

    /// <summary>
    /// Verifies a signature. Raw signatures are checked with <paramref name="certificatePem"/> (the site certificate
    /// when none is given) under <paramref name="id"/>, or under the standard ID and then the empty one; CMS
    /// signatures carry their signer, which must equal <paramref name="certificatePem"/> when one is given. Malformed
    /// input throws <see cref="CryptoException"/>.
    /// </summary>
    public async Task<VerifyResult> VerifyAsync(byte[]? data, byte[] signature, string form, string? certificatePem, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var expected = string.IsNullOrWhiteSpace(certificatePem) ? null : Sm2Certificate.Parse(certificatePem);
        Sm2Certificate signer;
        byte[]? content = data;
        string? usedId;
        DateTimeOffset? signingTime = null;
        if (form == SignatureForms.Raw)
        {
            if (data is null)
            {
                return Failed(VerifyOutcomes.ContentMissing, "A raw signature needs the signed data.", null, null);
            }

            signer = expected ?? (await authority.SiteAsync(cancellationToken)).Certificate;
            var candidates = id is null ? [Sm2.DefaultId, string.Empty] : new[] { id };
            var der = signature.Length == 64 ? Sm2.ConvertSignature(signature, Sm2SignatureEncoding.Raw, Sm2SignatureEncoding.Der) : signature;
            usedId = candidates.FirstOrDefault(candidate => Sm2.Verify(signer.PublicKey, data, der, candidate));
            if (usedId is null)
            {
                return Failed(VerifyOutcomes.SignatureMismatch, "The signature does not match the data with this certificate's key.", signer, data);
            }
        }
        else
        {
            var detached = form == SignatureForms.Pkcs7Detached;
            var cms = Sm2Cms.Verify(signature, detached ? data : null);
            if (cms.Signer is null || cms.Content is null)
            {
                return Failed(detached && data is null ? VerifyOutcomes.ContentMissing : VerifyOutcomes.SignatureMismatch, cms.Reason, cms.Signer, cms.Content);
            }

            if (!cms.Valid)
            {
                return Failed(VerifyOutcomes.SignatureMismatch, cms.Reason, cms.Signer, cms.Content);
            }

            if (expected is not null && expected.Fingerprint() != cms.Signer.Fingerprint())
            {
                return Failed(VerifyOutcomes.OtherSigner, $"Signed by \"{cms.Signer.CommonName}\", not by the certificate given.", cms.Signer, cms.Content);
            }

            signer = cms.Signer;
            content = cms.Content;
            usedId = cms.DistinguishingId;
            signingTime = cms.SigningTime;
        }

        var validation = await authority.ValidateAsync(signer, null, cancellationToken);
        return validation.IsValid
            ? new VerifyResult(true, VerifyOutcomes.Ok, "The signature matches the data and the certificate is trusted.", true, signer, validation, content, usedId, signingTime)
            : new VerifyResult(false, VerifyOutcomes.Of(validation.Status), validation.Reason, true, signer, validation, content, usedId, signingTime);
    }

    private static VerifyResult Failed(string outcome, string reason, Sm2Certificate? signer, byte[]? content) =>
        new(false, outcome, reason, false, signer, null, content, null, null);
}

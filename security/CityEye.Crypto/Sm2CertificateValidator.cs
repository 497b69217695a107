namespace CityEye.Crypto;

/// <summary>The outcome of checking a certificate chain.</summary>
public enum CertificateStatus
{
    Valid,
    NotYetValid,
    Expired,
    Revoked,
    /// <summary>No trusted certificate authority issued it (or a chain link's signature does not verify).</summary>
    Untrusted,
    /// <summary>The certificate is not for the use asked (for example sign-in needs clientAuth).</summary>
    WrongUsage,
}

/// <summary>The result of <see cref="Sm2CertificateValidator.Validate"/>: the status, a reason in English, the chain up to the trust anchor.</summary>
public sealed record CertificateValidation(CertificateStatus Status, string Reason, IReadOnlyList<Sm2Certificate> Chain)
{
    public bool IsValid => Status == CertificateStatus.Valid;
}

/// <summary>Checks an SM2 certificate chain: each link's SM2 signature, validity at a time, revocation and usage, up to
/// a trust anchor (the node's root or a CA imported from the bureau).</summary>
public static class Sm2CertificateValidator
{
    private const int MaxDepth = 6;

    /// <summary>Validates <paramref name="leaf"/> at <paramref name="at"/>.</summary>
    /// <param name="leaf">The certificate presented.</param>
    /// <param name="trustAnchors">Certificates trusted as roots.</param>
    /// <param name="intermediates">Other certificate authorities that may sit between.</param>
    /// <param name="isRevoked">Whether a certificate of the chain is revoked (the node's revocation records and imported CRLs).</param>
    /// <param name="at">The time to check validity at.</param>
    /// <param name="requiredUsage">An extended key usage the leaf must carry (clientAuth, serverAuth, codeSigning), if any.</param>
    public static CertificateValidation Validate(
        Sm2Certificate leaf,
        IReadOnlyCollection<Sm2Certificate> trustAnchors,
        IReadOnlyCollection<Sm2Certificate> intermediates,
        Func<Sm2Certificate, bool> isRevoked,
        DateTimeOffset at,
        string? requiredUsage = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(trustAnchors);
        ArgumentNullException.ThrowIfNull(intermediates);
        ArgumentNullException.ThrowIfNull(isRevoked);
        var chain = new List<Sm2Certificate>();
        if (requiredUsage is not null && leaf.ExtendedKeyUsages.Count > 0 && !leaf.ExtendedKeyUsages.Contains(requiredUsage))
        {
            return new(CertificateStatus.WrongUsage, $"The certificate is not for {requiredUsage}.", chain);
        }

        var anchors = trustAnchors.ToDictionary(c => c.Fingerprint());
        var current = leaf;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            chain.Add(current);
            if (at < current.NotBefore)
            {
                return new(CertificateStatus.NotYetValid, $"{Describe(current)} is not valid before {current.NotBefore:u}.", chain);
            }

            if (at > current.NotAfter)
            {
                return new(CertificateStatus.Expired, $"{Describe(current)} expired at {current.NotAfter:u}.", chain);
            }

            if (isRevoked(current))
            {
                return new(CertificateStatus.Revoked, $"{Describe(current)} is revoked.", chain);
            }

            if (anchors.ContainsKey(current.Fingerprint()))
            {
                return current.IsSignedBy(current.PublicKey) || !current.IsSelfIssued
                    ? new(CertificateStatus.Valid, "The chain ends at a trusted certificate authority.", chain)
                    : new(CertificateStatus.Untrusted, $"{Describe(current)} has a signature that does not verify.", chain);
            }

            var issuer = trustAnchors.Concat(intermediates)
                .Where(c => c.MaySignCertificates && c.Subject == current.Issuer)
                .FirstOrDefault(c => current.IsSignedBy(c.PublicKey));
            if (issuer is null)
            {
                var named = trustAnchors.Concat(intermediates).Any(c => c.Subject == current.Issuer);
                return new(CertificateStatus.Untrusted, named
                    ? $"The signature of {Describe(current)} does not verify with its issuer's key."
                    : $"{Describe(current)} was issued by \"{current.Issuer}\", which is not a trusted certificate authority.", chain);
            }

            current = issuer;
        }

        return new(CertificateStatus.Untrusted, "The certificate chain is too long.", chain);
    }

    private static string Describe(Sm2Certificate certificate) => $"The certificate \"{certificate.CommonName}\" ({certificate.SerialNumber})";
}

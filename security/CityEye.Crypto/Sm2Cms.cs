using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Cms;

namespace CityEye.Crypto;

/// <summary>The result of verifying a CMS (PKCS#7) signature.</summary>
/// <param name="Valid">Whether the signature verifies over the content with the signer certificate it carries.</param>
/// <param name="Reason">Why not (or "ok").</param>
/// <param name="Signer">The signer's certificate from the message, if found.</param>
/// <param name="Content">The signed content (the attached content, or the detached content given).</param>
/// <param name="SigningTime">The signed signingTime attribute, if present.</param>
/// <param name="DistinguishingId">The SM2 ID the signature verified under ("1234567812345678", or empty for OpenSSL 3.0's default).</param>
public sealed record CmsVerification(bool Valid, string Reason, Sm2Certificate? Signer, byte[]? Content, DateTimeOffset? SigningTime, string? DistinguishingId = null);

/// <summary>
/// CMS SignedData (PKCS#7, RFC 5652) with SM2/SM3: detached (content kept apart) or attached (content inside), with
/// signed attributes (content type, signing time, SM3 message digest). The SignerInfo names digest SM3
/// (1.2.156.10197.1.401) and signature SM2-with-SM3 (1.2.156.10197.1.501).
/// </summary>
public static class Sm2Cms
{
    /// <summary>Signs <paramref name="content"/> with <paramref name="key"/>; the signer certificate (and <paramref name="chain"/>)
    /// travel in the message. <paramref name="id"/> is the SM2 distinguishing ID (default "1234567812345678"; OpenSSL
    /// 3.0's <c>cms -verify</c> checks with an empty one).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> content, Sm2Certificate signer, Sm2PrivateKey key, bool detached, IEnumerable<Sm2Certificate>? chain = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(key);
        if (!signer.PublicKey.Equals(key.PublicKey))
        {
            throw new CryptoException(CryptoErrors.Malformed, "The signing key does not belong to the signer certificate.");
        }

        var generator = new CmsSignedDataGenerator();
        generator.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder().Build(Sm2Operators.Signer(key, id), signer.Inner));
        generator.AddCertificate(signer.Inner);
        foreach (var certificate in chain ?? [])
        {
            generator.AddCertificate(certificate.Inner);
        }

        var signed = generator.Generate(new CmsProcessableByteArray(content.ToArray()), encapsulate: !detached);
        return signed.GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Verifies a CMS signature; <paramref name="detachedContent"/> is required for a detached signature. The
    /// signer certificate's chain is not checked here (see <see cref="Sm2CertificateValidator"/>).</summary>
    public static CmsVerification Verify(byte[] signature, byte[]? detachedContent = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        CmsSignedData signed;
        try
        {
            signed = detachedContent is null
                ? new CmsSignedData(signature)
                : new CmsSignedData(new CmsProcessableByteArray(detachedContent), signature);
        }
        catch (Exception ex) when (ex is CmsException or ArgumentException or IOException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new CryptoException(CryptoErrors.Malformed, "The signature is not valid CMS (PKCS#7) SignedData DER.", ex);
        }

        try
        {
            return Check(signed, detachedContent);
        }
        catch (Exception ex) when (ex is CmsException or ArgumentException or IOException or InvalidCastException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new CryptoException(CryptoErrors.Malformed, $"The signature's SignedData cannot be read: {ex.Message}", ex);
        }
    }

    private static CmsVerification Check(CmsSignedData signed, byte[]? detachedContent)
    {
        var content = detachedContent ?? ContentOf(signed);
        if (content is null)
        {
            return new CmsVerification(false, "The signature is detached: the signed data must be given with it.", null, null, null);
        }

        var signers = signed.GetSignerInfos().GetSigners();
        if (signers.Count != 1)
        {
            return new CmsVerification(false, $"Expected one signer, found {signers.Count}.", null, content, null);
        }

        var info = signers.First();
        var certificates = signed.GetCertificates().EnumerateMatches(info.SignerID).ToList();
        if (certificates.Count == 0)
        {
            return new CmsVerification(false, "The signature does not carry its signer's certificate.", null, content, null);
        }

        Sm2Certificate signer;
        try
        {
            signer = Sm2Certificate.FromDer(certificates[0].GetEncoded());
        }
        catch (CryptoException ex)
        {
            return new CmsVerification(false, ex.Message, null, content, null);
        }

        if (!GMObjectIdentifiers.sm3.Equals(info.DigestAlgorithmID.Algorithm))
        {
            return new CmsVerification(false, $"The digest algorithm is {info.DigestAlgorithmID.Algorithm.Id}, not SM3.", signer, content, null);
        }

        if (info.SignatureAlgorithm.Algorithm.Id is not ("1.2.156.10197.1.501" or "1.2.156.10197.1.301.1"))
        {
            return new CmsVerification(false, $"The signature algorithm is {info.SignatureAlgorithm.Algorithm.Id}, not SM2.", signer, content, null);
        }

        DateTimeOffset? signingTime = null;
        byte[] signedBytes;
        if (info.SignedAttributes is { } attributes)
        {
            // RFC 5652 11.1, 11.2: exactly one content type, equal to the signed content's, and exactly one digest.
            if (attributes.GetAll(CmsAttributes.ContentType).Count != 1
                || attributes[CmsAttributes.ContentType]!.AttrValues.Count != 1
                || !DerObjectIdentifier.GetInstance(attributes[CmsAttributes.ContentType]!.AttrValues[0]).Equals(signed.SignedContentType)
                || attributes.GetAll(CmsAttributes.MessageDigest).Count != 1
                || attributes[CmsAttributes.MessageDigest]!.AttrValues.Count != 1)
            {
                return new CmsVerification(false, "The signed attributes do not name one content type equal to the content's and one digest.", signer, content, null);
            }

            if (attributes[CmsAttributes.MessageDigest] is not { } digestAttribute
                || !CryptographicOperations.FixedTimeEquals(Asn1OctetString.GetInstance(digestAttribute.AttrValues[0]).GetOctets(), Sm3Hash.Compute(content)))
            {
                return new CmsVerification(false, "The signature does not match the data.", signer, content, null);
            }

            if (attributes[CmsAttributes.SigningTime] is { } timeAttribute)
            {
                signingTime = new DateTimeOffset(DateTime.SpecifyKind(Time.GetInstance(timeAttribute.AttrValues[0]).ToDateTime(), DateTimeKind.Utc));
            }

            signedBytes = info.GetEncodedSignedAttributes();
        }
        else
        {
            signedBytes = content;
        }

        var raw = info.GetSignature();
        var id = Sm2Operators.VerificationIds.FirstOrDefault(candidate => Sm2.Verify(signer.PublicKey, signedBytes, raw, candidate));
        return id is null
            ? new CmsVerification(false, "The signature does not match the data.", signer, content, signingTime)
            : new CmsVerification(true, "ok", signer, content, signingTime, id);
    }

    private static byte[]? ContentOf(CmsSignedData signed)
    {
        if (signed.SignedContent is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        signed.SignedContent.Write(buffer);
        return buffer.ToArray();
    }
}

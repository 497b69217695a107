using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace CityEye.Crypto;

/// <summary>
/// SM2/SM3 signature operators for certificates, requests, revocation lists and CMS with an explicit distinguishing
/// ID. BouncyCastle's own "SM3WITHSM2" operators are fixed to the default ID; OpenSSL 3.0 uses an empty ID wherever no
/// <c>distid</c> option reaches (CA certificates in a chain, CRLs, CMS), so verification tries the standard ID first,
/// then the empty one (either way only the key's holder can have made the signature).
/// </summary>
internal static class Sm2Operators
{
    /// <summary>The IDs verification accepts, in order: GM/T 0009's default, then OpenSSL 3.0's empty one.</summary>
    public static readonly string[] VerificationIds = [Sm2.DefaultId, string.Empty];

    public static ISignatureFactory Signer(Sm2PrivateKey key, string? id = null) => new SignatureFactory(key.Parameters, Sm2.IdBytes(id));

    public static IVerifierFactoryProvider Verifier(Sm2PublicKey key, string id) => new VerifierProvider(key.Parameters, Sm2.IdBytes(id));

    /// <summary>The ID under which <paramref name="check"/> passes, or null.</summary>
    public static string? FirstValid(Sm2PublicKey key, Func<IVerifierFactoryProvider, bool> check)
    {
        foreach (var id in VerificationIds)
        {
            try
            {
                if (check(Verifier(key, id)))
                {
                    return id;
                }
            }
            catch (Exception ex) when (ex is InvalidKeyException or SignatureException or ArgumentException or InvalidOperationException or IOException or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.Certificates.CrlException)
            {
                // Not valid under this ID; try the next.
            }
        }

        return null;
    }

    private static readonly AlgorithmIdentifier Algorithm = new(GMObjectIdentifiers.sm2sign_with_sm3);
    private static readonly SecureRandom Random = new();

    private sealed class SignatureFactory(ECPrivateKeyParameters key, byte[] id) : ISignatureFactory
    {
        public object AlgorithmDetails => Algorithm;

        public IStreamCalculator<IBlockResult> CreateCalculator()
        {
            var signer = new SM2Signer();
            signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, Random), id));
            return new DefaultSignatureCalculator(signer);
        }
    }

    private sealed class VerifierFactory(ECPublicKeyParameters key, byte[] id) : IVerifierFactory
    {
        public object AlgorithmDetails => Algorithm;

        public IStreamCalculator<IVerifier> CreateCalculator()
        {
            var signer = new SM2Signer();
            signer.Init(false, new ParametersWithID(key, id));
            return new DefaultVerifierCalculator(signer);
        }
    }

    private sealed class VerifierProvider(ECPublicKeyParameters key, byte[] id) : IVerifierFactoryProvider
    {
        public IVerifierFactory CreateVerifierFactory(object algorithmDetails) =>
            algorithmDetails is AlgorithmIdentifier a && !GMObjectIdentifiers.sm2sign_with_sm3.Equals(a.Algorithm)
                ? throw new SignatureException($"Not an SM2/SM3 signature: {a.Algorithm.Id}.")
                : new VerifierFactory(key, id);
    }
}

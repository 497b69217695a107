using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace CityEye.Crypto;

/// <summary>A distinguished name built from its parts (no string parsing, so a comma in a name cannot add an attribute).</summary>
/// <param name="CommonName">CN, required.</param>
/// <param name="Organisation">O.</param>
/// <param name="OrganisationalUnit">OU.</param>
/// <param name="Country">C, two letters (CN by default).</param>
/// <param name="Province">ST.</param>
/// <param name="Locality">L.</param>
public sealed record DistinguishedName(string CommonName, string? Organisation = null, string? OrganisationalUnit = null, string Country = "CN", string? Province = null, string? Locality = null)
{
    internal X509Name ToX509Name()
    {
        if (string.IsNullOrWhiteSpace(CommonName))
        {
            throw new CryptoException(CryptoErrors.Malformed, "A certificate subject needs a common name (CN).");
        }

        var order = new List<DerObjectIdentifier>();
        var values = new Dictionary<DerObjectIdentifier, string>();
        void Add(DerObjectIdentifier oid, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                order.Add(oid);
                values[oid] = value.Trim();
            }
        }

        Add(X509Name.C, Country);
        Add(X509Name.ST, Province);
        Add(X509Name.L, Locality);
        Add(X509Name.O, Organisation);
        Add(X509Name.OU, OrganisationalUnit);
        Add(X509Name.CN, CommonName);
        return new X509Name(order, values);
    }
}

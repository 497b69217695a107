using System.Text;

namespace CityEye.Crypto.Tests;

/// <summary>The published test vectors of GB/T 32905 (SM3), GB/T 32907 (SM4) and GM/T 0003.5 / GB/T 32918.5 (SM2 on the
/// recommended curve).</summary>
public sealed class StandardVectorTests
{
    private const string PrivateKey = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    private const string PublicKey = "04" + "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
                                          + "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    private const string K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";

    [Fact]
    public void Sm3_matches_the_standard_examples()
    {
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", Sm3Hash.Hex("abc"));
        Assert.Equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732", Sm3Hash.Hex(string.Concat(Enumerable.Repeat("abcd", 16))));
    }

    [Fact]
    public void Sm4_matches_the_standard_example_once_and_a_million_times()
    {
        var key = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        Assert.Equal("681edf34d206965e86b3e94f536e4246", Convert.ToHexStringLower(Sm4Cipher.EncryptBlock(key, key)));

        // GB/T 32907-2016 appendix A.2: the same plaintext encrypted 1,000,000 times under the same key.
        var block = key;
        for (var i = 0; i < 1_000_000; i++)
        {
            block = Sm4Cipher.EncryptBlock(key, block);
        }

        Assert.Equal("595298c7c6fd271f0402f804c33d3f66", Convert.ToHexStringLower(block));
    }

    [Fact]
    public void Sm2_signature_matches_the_recommended_curve_example()
    {
        var key = Sm2PrivateKey.Parse(PrivateKey);
        Assert.Equal(PublicKey.ToLowerInvariant(), key.PublicKey.ToHex());
        var message = Encoding.ASCII.GetBytes("message digest");

        var signature = Sm2.SignWithFixedK(key, message, "1234567812345678", Convert.FromHexString(K));

        Assert.Equal("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3", Convert.ToHexStringLower(signature[..32]));
        Assert.Equal("b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa", Convert.ToHexStringLower(signature[32..]));
        Assert.True(Sm2.Verify(key.PublicKey, message, signature, encoding: Sm2SignatureEncoding.Raw));
        Assert.False(Sm2.Verify(key.PublicKey, message, signature, id: "ALICE123@YAHOO.COM", encoding: Sm2SignatureEncoding.Raw));
        Assert.False(Sm2.Verify(key.PublicKey, Encoding.ASCII.GetBytes("message digesT"), signature, encoding: Sm2SignatureEncoding.Raw));
    }

    [Fact]
    public void Sm2_encryption_matches_the_recommended_curve_example()
    {
        var key = Sm2PrivateKey.Parse(PrivateKey);
        var message = Encoding.ASCII.GetBytes("encryption standard");

        var ciphertext = Sm2.EncryptWithFixedK(key.PublicKey, message, Convert.FromHexString(K));

        Assert.Equal(
            "04" + "04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73"
                 + "e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0"
                 + "59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766"
                 + "21886ca989ca9c7d58087307ca93092d651efa",
            Convert.ToHexStringLower(ciphertext));
        Assert.Equal(message, Sm2.Decrypt(key, ciphertext));
    }
}

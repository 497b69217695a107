using System.Text;

namespace CityEye.Crypto.Tests;

public sealed class PrimitiveTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("青浦分局 · 一机一档 · 2026");

    [Fact]
    public void Sm2_signatures_verify_only_for_the_same_data_key_and_id_in_both_encodings()
    {
        var pair = Sm2.GenerateKeyPair();
        var other = Sm2.GenerateKeyPair();
        foreach (var encoding in new[] { Sm2SignatureEncoding.Der, Sm2SignatureEncoding.Raw })
        {
            var signature = Sm2.Sign(pair.PrivateKey, Data, encoding: encoding);
            Assert.True(Sm2.Verify(pair.PublicKey, Data, signature, encoding: encoding));
            Assert.False(Sm2.Verify(other.PublicKey, Data, signature, encoding: encoding));
            Assert.False(Sm2.Verify(pair.PublicKey, [.. Data, 0], signature, encoding: encoding));
            Assert.False(Sm2.Verify(pair.PublicKey, Data, signature, id: "", encoding: encoding));
            Assert.False(Sm2.Verify(pair.PublicKey, Data, signature.AsSpan(..^1), encoding: encoding));
        }

        var der = Sm2.Sign(pair.PrivateKey, Data);
        var raw = Sm2.ConvertSignature(der, Sm2SignatureEncoding.Der, Sm2SignatureEncoding.Raw);
        Assert.Equal(64, raw.Length);
        Assert.True(Sm2.Verify(pair.PublicKey, Data, raw, encoding: Sm2SignatureEncoding.Raw));
        Assert.Equal(der, Sm2.ConvertSignature(raw, Sm2SignatureEncoding.Raw, Sm2SignatureEncoding.Der));
        // A DER signature read as r||s (or the other way round) is not valid, and never throws.
        Assert.False(Sm2.Verify(pair.PublicKey, Data, der, encoding: Sm2SignatureEncoding.Raw));
        Assert.False(Sm2.Verify(pair.PublicKey, Data, raw, encoding: Sm2SignatureEncoding.Der));
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2.ConvertSignature([0x30, 0x03, 0x02], Sm2SignatureEncoding.Der, Sm2SignatureEncoding.Raw)).Code);
    }

    [Fact]
    public async Task Sm2_stream_signatures_equal_in_memory_ones()
    {
        var pair = Sm2.GenerateKeyPair();
        var signature = await Sm2.SignAsync(pair.PrivateKey, new MemoryStream(Data), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(Sm2.Verify(pair.PublicKey, Data, signature));
        Assert.True(await Sm2.VerifyAsync(pair.PublicKey, new MemoryStream(Data), Sm2.Sign(pair.PrivateKey, Data), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Sm2_encryption_round_trips_in_both_encodings_and_refuses_altered_or_foreign_ciphertexts()
    {
        var pair = Sm2.GenerateKeyPair();
        var other = Sm2.GenerateKeyPair();
        foreach (var encoding in new[] { Sm2CiphertextEncoding.C1C3C2, Sm2CiphertextEncoding.Asn1 })
        {
            var ciphertext = Sm2.Encrypt(pair.PublicKey, Data, encoding);
            Assert.Equal(Data, Sm2.Decrypt(pair.PrivateKey, ciphertext, encoding));
            Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm2.Decrypt(other.PrivateKey, ciphertext, encoding)).Code);
            Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm2.Decrypt(pair.PrivateKey, ciphertext.AsSpan(..40), encoding)).Code);
        }

        var raw = Sm2.Encrypt(pair.PublicKey, Data);
        Assert.Equal(1 + 64 + 32 + Data.Length, raw.Length);
        var altered = raw.ToArray();
        altered[^1] ^= 1;
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm2.Decrypt(pair.PrivateKey, altered)).Code);
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm2.Decrypt(pair.PrivateKey, raw.AsSpan(1..))).Code);
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2.Encrypt(pair.PublicKey, [])).Code);
    }

    [Fact]
    public void Sm2_keys_round_trip_through_pem_der_and_hex()
    {
        var pair = Sm2.GenerateKeyPair();
        Assert.Equal(pair.PublicKey, Sm2PublicKey.Parse(pair.PublicKey.ToPem()));
        Assert.Equal(pair.PublicKey, Sm2PublicKey.Parse(pair.PublicKey.ToHex()));
        Assert.Equal(pair.PublicKey, Sm2PublicKey.Parse(pair.PublicKey.ToHex()[2..]));
        Assert.Equal(pair.PublicKey, Sm2PublicKey.FromDer(pair.PublicKey.ToDer()));
        Assert.Equal(pair.PrivateKey.ToHex(), Sm2PrivateKey.Parse(pair.PrivateKey.ToPem()).ToHex());
        Assert.Equal(pair.PublicKey, Sm2PrivateKey.Parse(pair.PrivateKey.ToHex()).PublicKey);
        Assert.Equal(64, pair.PublicKey.Fingerprint().Length);
    }

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE\n-----END PUBLIC KEY-----")]
    [InlineData("zz")]
    [InlineData("04abcdef")]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    public void Malformed_public_keys_are_refused_with_a_clear_code(string text)
    {
        var error = Assert.Throws<CryptoException>(() => Sm2PublicKey.Parse(text));
        Assert.Equal(CryptoErrors.Malformed, error.Code);
    }

    [Fact]
    public void Out_of_range_private_keys_are_refused()
    {
        Assert.Equal(CryptoErrors.KeyLength, Assert.Throws<CryptoException>(() => Sm2PrivateKey.Parse("00")).Code);
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2PrivateKey.Parse(new string('0', 64))).Code);
        Assert.Equal(CryptoErrors.Malformed, Assert.Throws<CryptoException>(() => Sm2PrivateKey.Parse(new string('f', 64))).Code);
    }

    [Fact]
    public void Sm4_gcm_round_trips_with_fresh_nonces_and_refuses_any_change()
    {
        var key = new byte[16];
        Random.Shared.NextBytes(key);
        var aad = Encoding.UTF8.GetBytes("person_library.id_number:42");
        var first = Sm4Cipher.GcmEncrypt(key, Data, aad);
        var second = Sm4Cipher.GcmEncrypt(key, Data, aad);
        Assert.NotEqual(first, second);
        Assert.Equal(Data, Sm4Cipher.GcmDecrypt(key, first, aad));
        Assert.Equal(12 + Data.Length + 16, first.Length);

        var altered = first.ToArray();
        altered[20] ^= 0x80;
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.GcmDecrypt(key, altered, aad)).Code);
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.GcmDecrypt(key, first, "person_library.id_number:43"u8)).Code);
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.GcmDecrypt(key, first.AsSpan(..20), aad)).Code);
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.GcmDecrypt(new byte[16], first, aad)).Code);
        Assert.Equal(CryptoErrors.KeyLength, Assert.Throws<CryptoException>(() => Sm4Cipher.GcmEncrypt(new byte[15], Data)).Code);
    }

    [Fact]
    public void Sm4_cbc_with_hmac_sm3_round_trips_and_checks_the_mac_before_decrypting()
    {
        var key = new byte[32];
        Random.Shared.NextBytes(key);
        var sealedData = Sm4Cipher.Seal(key, Data, "aad"u8);
        Assert.Equal(Data, Sm4Cipher.Open(key, sealedData, "aad"u8));
        Assert.Equal([], Sm4Cipher.Open(key, Sm4Cipher.Seal(key, []), default));

        for (var position = 0; position < sealedData.Length; position += 7)
        {
            var altered = sealedData.ToArray();
            altered[position] ^= 1;
            Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.Open(key, altered, "aad"u8)).Code);
        }

        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.Open(key, sealedData, "other"u8)).Code);
        Assert.Equal(CryptoErrors.DecryptFailed, Assert.Throws<CryptoException>(() => Sm4Cipher.Open(key, sealedData.AsSpan(..47), "aad"u8)).Code);
    }

    [Fact]
    public void Hmac_sm3_depends_on_key_and_data()
    {
        var mac = Sm3Hash.Hmac("key"u8, Data);
        Assert.Equal(32, mac.Length);
        Assert.Equal(mac, Sm3Hash.Hmac("key"u8, Data));
        Assert.NotEqual(mac, Sm3Hash.Hmac("kez"u8, Data));
        Assert.NotEqual(mac, Sm3Hash.Hmac("key"u8, [.. Data, 0]));
        var incremental = Sm3Hash.CreateHmac("key"u8);
        incremental.Append(Data.AsSpan(0, 5));
        incremental.Append(Data.AsSpan(5));
        Assert.Equal(mac, incremental.Finish());
    }
}

using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityEye.Crypto;

/// <summary>SM3 (GB/T 32905-2016) and HMAC-SM3 (RFC 2104 over SM3).</summary>
public static class Sm3Hash
{
    /// <summary>Digest length in bytes.</summary>
    public const int Length = 32;

    /// <summary>SM3 of <paramref name="data"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var output = new byte[Length];
        digest.DoFinal(output);
        return output;
    }

    /// <summary>SM3 of a stream, read to its end.</summary>
    public static async Task<byte[]> ComputeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var digest = new SM3Digest();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            digest.BlockUpdate(buffer, 0, read);
        }

        var output = new byte[Length];
        digest.DoFinal(output);
        return output;
    }

    /// <summary>SM3 of UTF-8 text, lower-case hex.</summary>
    public static string Hex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(Compute(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>HMAC-SM3 of <paramref name="data"/> under <paramref name="key"/>.</summary>
    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data);
        var output = new byte[Length];
        mac.DoFinal(output);
        return output;
    }

    /// <summary>An incremental HMAC-SM3 (for data assembled from several parts).</summary>
    public static IncrementalHmac CreateHmac(ReadOnlySpan<byte> key) => new(key);

    /// <summary>An incremental HMAC-SM3.</summary>
    public sealed class IncrementalHmac
    {
        private readonly HMac _mac = new(new SM3Digest());

        internal IncrementalHmac(ReadOnlySpan<byte> key) => _mac.Init(new KeyParameter(key));

        public void Append(ReadOnlySpan<byte> data) => _mac.BlockUpdate(data);

        public byte[] Finish()
        {
            var output = new byte[Length];
            _mac.DoFinal(output);
            return output;
        }
    }
}

using Org.BouncyCastle.Security;

namespace CityEye.Crypto;

/// <summary>A "random" source that returns given bytes: only for reproducing the standards' fixed-k test vectors.</summary>
internal sealed class FixedRandom(byte[] value) : SecureRandom
{
    private int _position;

    public override void NextBytes(byte[] buf) => NextBytes(buf.AsSpan());

    public override void NextBytes(byte[] buf, int off, int len) => NextBytes(buf.AsSpan(off, len));

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = value[_position++ % value.Length];
        }
    }
}

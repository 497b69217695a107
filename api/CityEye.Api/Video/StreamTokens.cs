using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace CityEye.Api.Video;

/// <summary>
/// Signed, short-lived stream URLs bound to the session that asked for them (VI-6, SC): the token names the device,
/// the user, the expiry and a hash of the caller's credential (the session cookie, or the API token id), signed with
/// HMAC-SHA256 under a key kept in <c>{DataDir}/video/stream.key</c> (so URLs survive a restart of the node). A copied
/// URL does not play in another session, after it expires, or for another device.
/// </summary>
internal sealed class StreamTokens
{
    private const int PayloadBytes = 8 + 8 + 8 + 16;
    private readonly byte[] _key;

    public StreamTokens(string keyFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        if (!File.Exists(keyFile))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            using var stream = new FileStream(keyFile + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None);
            stream.Write(fresh);
            stream.Flush(flushToDisk: true);
            stream.Close();
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(keyFile + ".tmp", keyFile, overwrite: false);
        }

        _key = File.ReadAllBytes(keyFile);
        if (_key.Length != 32)
        {
            throw new InvalidOperationException($"{keyFile} is not a 32-byte key; delete it to make a new one.");
        }
    }

    /// <summary>The hash of a caller's credential that tokens are bound to.</summary>
    public static byte[] Binding(string credential) => SHA256.HashData(Encoding.UTF8.GetBytes(credential))[..16];

    public string Issue(long deviceId, long userId, DateTimeOffset expiresAt, byte[] binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var payload = new byte[PayloadBytes];
        BinaryPrimitives.WriteInt64BigEndian(payload, deviceId);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(8), userId);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), expiresAt.ToUnixTimeSeconds());
        binding.AsSpan(0, 16).CopyTo(payload.AsSpan(24));
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Sign(payload));
    }

    /// <summary>The device and user of a valid token for this credential at <paramref name="now"/>, or null.</summary>
    public (long DeviceId, long UserId)? Verify(string token, byte[] binding, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var parts = (token ?? string.Empty).Split('.');
        if (parts.Length != 2 || parts[0].Length > 64 || parts[1].Length > 64)
        {
            return null;
        }

        byte[] payload, signature;
        try
        {
            payload = WebEncoders.Base64UrlDecode(parts[0]);
            signature = WebEncoders.Base64UrlDecode(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (payload.Length != PayloadBytes || !CryptographicOperations.FixedTimeEquals(signature, Sign(payload))
            || !CryptographicOperations.FixedTimeEquals(payload.AsSpan(24), binding.AsSpan(0, 16))
            || BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)) < now.ToUnixTimeSeconds())
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64BigEndian(payload), BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(8)));
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(_key, payload)[..16];
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace CityEye.Api.Video;

/// <summary>
/// Signed, short-lived stream URLs bound to the session that asked for them (VI-6, SC): the token names the device,
/// the user, the expiry, the recorded range (none for live video) and a hash of the caller's credential (the session cookie, or the API token id), signed with
/// HMAC-SHA256 under a key kept in <c>{DataDir}/video/stream.key</c> (so URLs survive a restart of the node). A copied
/// URL does not play in another session, after it expires, or for another device.
/// </summary>
internal sealed class StreamTokens
{
    private const int PayloadBytes = 8 + 8 + 8 + 16 + 8 + 8;
    private readonly byte[] _key;

    public StreamTokens(string keyFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        if (!File.Exists(keyFile))
        {
            // Created readable by the node's user only from the first byte.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(keyFile + ".tmp", options))
            {
                stream.Write(RandomNumberGenerator.GetBytes(32));
                stream.Flush(flushToDisk: true);
            }

            File.Move(keyFile + ".tmp", keyFile, overwrite: false);
        }

        _key = File.ReadAllBytes(keyFile);
        if (_key.Length != 32)
        {
            throw new CityEye.Api.Infrastructure.Startup.CannotStartException($"{keyFile} is not a 32-byte key; delete it to make a new one (open stream URLs stop playing).");
        }
    }

    /// <summary>The hash of a caller's credential that tokens are bound to.</summary>
    public static byte[] Binding(string credential) => SHA256.HashData(Encoding.UTF8.GetBytes(credential))[..16];

    public string Issue(long deviceId, long userId, DateTimeOffset expiresAt, byte[] binding, StreamRange? range = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var payload = new byte[PayloadBytes];
        BinaryPrimitives.WriteInt64BigEndian(payload, deviceId);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(8), userId);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), expiresAt.ToUnixTimeSeconds());
        binding.AsSpan(0, 16).CopyTo(payload.AsSpan(24));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(40), range?.From.ToUnixTimeMilliseconds() ?? 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(48), range?.Until.ToUnixTimeMilliseconds() ?? 0);
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Sign(payload));
    }

    /// <summary>What a valid token for this credential at <paramref name="now"/> grants, or null.</summary>
    public StreamGrant? Verify(string token, byte[] binding, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var parts = (token ?? string.Empty).Split('.');
        if (parts.Length != 2 || parts[0].Length > 128 || parts[1].Length > 64)
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
            || !CryptographicOperations.FixedTimeEquals(payload.AsSpan(24, 16), binding.AsSpan(0, 16))
            || BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)) < now.ToUnixTimeSeconds())
        {
            return null;
        }

        var from = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(40));
        var until = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(48));
        return new StreamGrant(
            BinaryPrimitives.ReadInt64BigEndian(payload),
            BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(8)),
            until > 0 ? new StreamRange(DateTimeOffset.FromUnixTimeMilliseconds(from), DateTimeOffset.FromUnixTimeMilliseconds(until)) : null);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(_key, payload)[..16];
}

/// <summary>A recorded time range [From, Until).</summary>
internal sealed record StreamRange(DateTimeOffset From, DateTimeOffset Until);

/// <summary>What a stream URL lets its session play: a device's live video (no range) or a recorded range.</summary>
internal sealed record StreamGrant(long DeviceId, long UserId, StreamRange? Range);

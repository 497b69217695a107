namespace CityEye.Watermark;

/// <summary>
/// What the covert dot-matrix watermark (SC-2) carries: who (the user id), when (to the minute) and which node. It
/// packs into 56 bits: the user id's low 24 bits, the minutes since <see cref="Epoch"/> (24 bits, until 2055) and the
/// node number (8 bits).
/// </summary>
/// <param name="UserId">The viewer's user id (0 to 16,777,215).</param>
/// <param name="Minute">The minute the mark was made (UTC, seconds dropped).</param>
/// <param name="Node">The node number (0 to 255, <c>Watermark:NodeNumber</c>).</param>
public sealed record CovertPayload(long UserId, DateTimeOffset Minute, int Node)
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const long MaxUserId = (1 << 24) - 1;

    /// <summary>The payload for a moment: the minute it falls in.</summary>
    public static CovertPayload For(long userId, DateTimeOffset time, int node)
    {
        if (userId is < 0 or > MaxUserId)
        {
            throw new ArgumentOutOfRangeException(nameof(userId), userId, "A user id the covert watermark carries is 0 to 16,777,215.");
        }

        if (node is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(node), node, "A node number is 0 to 255.");
        }

        var minutes = (long)Math.Floor((time - Epoch).TotalMinutes);
        if (minutes is < 0 or >= 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "The covert watermark carries times from 2024 to 2055.");
        }

        return new CovertPayload(userId, Epoch.AddMinutes(minutes), node);
    }

    /// <summary>The 7 bytes of the payload, big-endian: user (3), minute (3), node (1).</summary>
    internal byte[] ToBytes()
    {
        var minutes = (long)(Minute - Epoch).TotalMinutes;
        return
        [
            (byte)(UserId >> 16), (byte)(UserId >> 8), (byte)UserId,
            (byte)(minutes >> 16), (byte)(minutes >> 8), (byte)minutes,
            (byte)Node,
        ];
    }

    internal static CovertPayload FromBytes(ReadOnlySpan<byte> bytes) =>
        new((bytes[0] << 16) | (bytes[1] << 8) | bytes[2], Epoch.AddMinutes((bytes[3] << 16) | (bytes[4] << 8) | bytes[5]), bytes[6]);
}

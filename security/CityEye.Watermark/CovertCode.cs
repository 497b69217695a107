namespace CityEye.Watermark;

/// <summary>
/// The covert watermark's code (SC-2). A tile of <see cref="Grid"/>×<see cref="Grid"/> cells repeats over the whole
/// picture; each cell holds a faint light or dark dot, a sign. <see cref="SyncCells"/> cells carry a fixed
/// pseudo-random sign pattern that the decoder finds the tile's scale and position by; the other cells carry the
/// payload: 56 bits and a CRC-16, convolutionally encoded (rate 1/2, constraint length 7, the 171/133 code) and
/// whitened with a second pseudo-random sequence. Cells are assigned by a fixed pseudo-random permutation, so sync and
/// data are interleaved over the tile. Redundancy comes from the code, the tiling (every tile repeats the same
/// cells; the decoder averages them) and the soft-decision Viterbi decoder.
/// </summary>
internal static class CovertCode
{
    public const int Grid = 16;
    public const int Cells = Grid * Grid;
    public const int PayloadBytes = 7;
    public const int MessageBits = (PayloadBytes + 2) * 8;
    private const int ConstraintLength = 7;
    private const int Tail = ConstraintLength - 1;
    public const int CodedBits = (MessageBits + Tail) * 2;
    public const int SyncCells = Cells - CodedBits;
    private const int Polynomial1 = 0b1111001; // 171 octal
    private const int Polynomial2 = 0b1011011; // 133 octal
    private const int States = 1 << Tail;

    /// <summary>Cell index (y × Grid + x) of each sync position, then each coded bit.</summary>
    public static readonly int[] SyncCell;
    public static readonly int[] DataCell;

    /// <summary>The sign (+1 or −1) of each sync cell, and the whitening sign of each coded bit.</summary>
    public static readonly sbyte[] SyncSign;
    public static readonly sbyte[] Whitening;

    static CovertCode()
    {
        // A fixed generator (xorshift32 from a constant seed): the layout must never change between versions.
        var state = 0x2F6B_3A91u;
        uint Next()
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return state;
        }

        var order = Enumerable.Range(0, Cells).ToArray();
        for (var i = Cells - 1; i > 0; i--)
        {
            var j = (int)(Next() % (uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        SyncCell = order[..SyncCells];
        DataCell = order[SyncCells..];
        SyncSign = [.. Enumerable.Range(0, SyncCells).Select(_ => (sbyte)((Next() & 1) == 0 ? -1 : 1))];
        Whitening = [.. Enumerable.Range(0, CodedBits).Select(_ => (sbyte)((Next() & 1) == 0 ? -1 : 1))];
    }

    /// <summary>The sign of every cell of the tile for a payload.</summary>
    public static sbyte[] Tile(CovertPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var bytes = payload.ToBytes();
        var crc = Crc16(bytes);
        var coded = Encode([.. bytes, (byte)(crc >> 8), (byte)crc]);
        var tile = new sbyte[Cells];
        for (var i = 0; i < SyncCells; i++)
        {
            tile[SyncCell[i]] = SyncSign[i];
        }

        for (var i = 0; i < CodedBits; i++)
        {
            tile[DataCell[i]] = (sbyte)((coded[i] ? 1 : -1) * Whitening[i]);
        }

        return tile;
    }

    /// <summary>
    /// Decodes the payload from soft cell values of one tile (positive: light), already aligned (index y × Grid + x);
    /// null when the CRC does not match.
    /// </summary>
    public static CovertPayload? Read(ReadOnlySpan<double> cells)
    {
        var soft = new double[CodedBits];
        for (var i = 0; i < CodedBits; i++)
        {
            soft[i] = cells[DataCell[i]] * Whitening[i];
        }

        var message = Viterbi(soft);
        var crc = Crc16(message.AsSpan(0, PayloadBytes));
        return crc == ((message[PayloadBytes] << 8) | message[PayloadBytes + 1]) ? CovertPayload.FromBytes(message) : null;
    }

    /// <summary>CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF).</summary>
    public static int Crc16(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFF;
        foreach (var b in bytes)
        {
            crc ^= b << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }

        return crc;
    }

    /// <summary>Rate-1/2 convolutional encoding of the message bits (most significant first) and a zero tail.</summary>
    internal static bool[] Encode(ReadOnlySpan<byte> message)
    {
        var coded = new bool[(message.Length * 8 + Tail) * 2];
        var register = 0;
        for (var i = 0; i < message.Length * 8 + Tail; i++)
        {
            var bit = i < message.Length * 8 ? (message[i / 8] >> (7 - (i % 8))) & 1 : 0;
            register = ((register << 1) | bit) & ((1 << ConstraintLength) - 1);
            coded[2 * i] = Parity(register & Polynomial1);
            coded[(2 * i) + 1] = Parity(register & Polynomial2);
        }

        return coded;
    }

    /// <summary>Soft-decision Viterbi decoding (positive values mean 1) of a terminated code.</summary>
    internal static byte[] Viterbi(ReadOnlySpan<double> soft)
    {
        var steps = soft.Length / 2;
        var metric = new double[States];
        var next = new double[States];
        Array.Fill(metric, double.NegativeInfinity);
        metric[0] = 0;
        var from = new byte[steps, States];
        for (var t = 0; t < steps; t++)
        {
            Array.Fill(next, double.NegativeInfinity);
            for (var state = 0; state < States; state++)
            {
                if (double.IsNegativeInfinity(metric[state]))
                {
                    continue;
                }

                for (var bit = 0; bit < 2; bit++)
                {
                    var register = (state << 1) | bit;
                    var a = Parity(register & Polynomial1) ? 1 : -1;
                    var b = Parity(register & Polynomial2) ? 1 : -1;
                    var candidate = metric[state] + (a * soft[2 * t]) + (b * soft[(2 * t) + 1]);
                    var target = register & (States - 1);
                    if (candidate > next[target])
                    {
                        next[target] = candidate;
                        from[t, target] = (byte)state;
                    }
                }
            }

            (metric, next) = (next, metric);
        }

        // The tail brings the encoder back to state 0: trace back from there.
        var bits = new int[steps];
        var current = 0;
        for (var t = steps - 1; t >= 0; t--)
        {
            bits[t] = current & 1;
            current = from[t, current];
        }

        var message = new byte[(steps - Tail) / 8];
        for (var i = 0; i < message.Length * 8; i++)
        {
            message[i / 8] |= (byte)(bits[i] << (7 - (i % 8)));
        }

        return message;
    }

    private static bool Parity(int value) => (System.Numerics.BitOperations.PopCount((uint)value) & 1) == 1;
}

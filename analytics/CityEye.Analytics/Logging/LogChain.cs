using System.Globalization;
using CityEye.Crypto;

namespace CityEye.Analytics.Logging;

/// <summary>Where a log chain first breaks.</summary>
/// <param name="Sequence">The first entry whose hash does not follow from the entry before it (or a missing sequence).</param>
/// <param name="Reason">hashMismatch or sequenceGap.</param>
public sealed record LogChainBreak(long Sequence, string Reason);

/// <summary>
/// The tamper-evident chain of the log: each entry's hash is SM3 (GB/T 32905) of the previous entry's hash and the
/// entry's content, so changing, removing or reordering any stored entry breaks every hash after it.
/// </summary>
public static class LogChain
{
    /// <summary>The hash before the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SM3 hex of <paramref name="previous"/> and the canonical content of <paramref name="entry"/> (its hash ignored).</summary>
    public static string Hash(string previous, LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var content = string.Join('\u001f', LogColumns.Chained(entry).Select(v => v switch
        {
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        }));
        return Sm3Hex(previous + "\u001e" + content);
    }

    /// <summary>SM3 of UTF-8 text, lower-case hex.</summary>
    public static string Sm3Hex(string text) => Sm3Hash.Hex(text);

    /// <summary>
    /// Checks entries in sequence order, starting after <paramref name="previousSequence"/> whose hash was
    /// <paramref name="previousHash"/>; returns the first break, or null. <paramref name="last"/> is where it stopped.
    /// </summary>
    public static LogChainBreak? Verify(IEnumerable<LogEntry> entries, long previousSequence, string previousHash, out (long Sequence, string Hash) last)
    {
        ArgumentNullException.ThrowIfNull(entries);
        last = (previousSequence, previousHash);
        foreach (var entry in entries)
        {
            if (entry.Sequence != last.Sequence + 1)
            {
                return new LogChainBreak(last.Sequence + 1, "sequenceGap");
            }

            if (!string.Equals(Hash(last.Hash, entry), entry.Hash, StringComparison.Ordinal))
            {
                return new LogChainBreak(entry.Sequence, "hashMismatch");
            }

            last = (entry.Sequence, entry.Hash);
        }

        return null;
    }
}

using System.Text;

namespace CityEye.Analytics.Captures;

/// <summary>
/// Chinese plate numbers: normalised to upper case without separators and split into the province character (a
/// CJK character such as 沪, empty when absent) and the ASCII tail, which is stored on its own so that prefix and fuzzy
/// matching work byte-wise on every engine.
/// </summary>
public static class Plates
{
    /// <summary>Upper case, without spaces, dots, hyphens and middle dots.</summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            if (c is ' ' or '.' or '-' or '·' or '•' or '\u3000')
            {
                continue;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>Province character (or empty) and the tail of a normalised plate.</summary>
    public static (string Province, string Tail) Split(string normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        return normalised.Length > 0 && normalised[0] > 0x7F ? (normalised[..1], normalised[1..]) : (string.Empty, normalised);
    }

    /// <summary>
    /// True for a stored plate: an optional CJK province character, then 6 or 7 letters and digits, the last of which
    /// may be one of 警学挂港澳领使.
    /// </summary>
    public static bool IsValid(string normalised)
    {
        var (_, tail) = Split(normalised);
        if (tail.Length is < 5 or > 8)
        {
            return false;
        }

        for (var i = 0; i < tail.Length; i++)
        {
            var c = tail[i];
            var ok = c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') || (i == tail.Length - 1 && "警学挂港澳领使".Contains(c, StringComparison.Ordinal));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a search text: an optional province character, then letters, digits, <c>?</c> and <c>*</c>.</summary>
    public static bool IsValidQuery(string normalised)
    {
        var (_, tail) = Split(normalised);
        return tail.Length is > 0 and <= 8 && tail.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '?' or '*' || "警学挂港澳领使".Contains(c, StringComparison.Ordinal));
    }
}

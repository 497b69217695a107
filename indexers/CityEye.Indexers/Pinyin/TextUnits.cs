namespace CityEye.Indexers.Pinyin;

/// <summary>Kind of a unit of device text.</summary>
public enum TextUnitKind
{
    /// <summary>One CJK ideograph.</summary>
    Han,

    /// <summary>A run of ASCII letters, lower-cased.</summary>
    Latin,

    /// <summary>A run of digits.</summary>
    Digits,
}

/// <summary>One indexable unit of a name or address: a Chinese character, or a run of letters or digits.</summary>
/// <param name="Text">The unit (letters lower-cased).</param>
/// <param name="Kind">Character, letters or digits.</param>
/// <param name="Start">Index of its first character in the source text.</param>
/// <param name="Length">Number of source characters it spans.</param>
public readonly record struct TextUnit(string Text, TextUnitKind Kind, int Start, int Length);

/// <summary>
/// Splits text into the units every CityEye search field is built from: each Chinese character is a unit, each run
/// of ASCII letters or digits is a unit, anything else (punctuation, "_", spaces) separates units. Searching a phrase
/// of units is an exact substring search that needs no word segmentation, which suits device names such as
/// "盈港东路华青路口东北角".
/// </summary>
public static class TextUnits
{
    /// <summary>Upper bound on units taken from one text; device names and addresses are far shorter.</summary>
    public const int MaxUnits = 256;

    public static List<TextUnit> Split(string? text)
    {
        var units = new List<TextUnit>();
        if (string.IsNullOrEmpty(text))
        {
            return units;
        }

        var i = 0;
        while (i < text.Length && units.Count < MaxUnits)
        {
            var c = Normalise(text[i]);
            if (IsHan(c))
            {
                units.Add(new TextUnit(c.ToString(), TextUnitKind.Han, i, 1));
                i++;
            }
            else if (char.IsAsciiLetter(c) || char.IsAsciiDigit(c))
            {
                var digits = char.IsAsciiDigit(c);
                var start = i;
                while (i < text.Length && (digits ? char.IsAsciiDigit(Normalise(text[i])) : char.IsAsciiLetter(Normalise(text[i]))))
                {
                    i++;
                }

                var run = string.Concat(text.AsSpan(start, i - start).ToArray().Select(Normalise)).ToLowerInvariant();
                units.Add(new TextUnit(run, digits ? TextUnitKind.Digits : TextUnitKind.Latin, start, i - start));
            }
            else
            {
                i++;
            }
        }

        return units;
    }

    /// <summary>True for CJK unified ideographs (basic block and extension A) and compatibility ideographs.</summary>
    public static bool IsHan(char c) => c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF');

    /// <summary>Full-width ASCII (Ａ, １) as typed by Chinese input methods becomes ASCII.</summary>
    private static char Normalise(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
}

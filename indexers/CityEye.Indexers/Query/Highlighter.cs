using CityEye.Indexers.Pinyin;

namespace CityEye.Indexers.Query;

/// <summary>A highlighted span of a text: start index and length in UTF-16 characters.</summary>
public readonly record struct TextSpan(int Start, int Length);

/// <summary>
/// Finds which characters of a device's text a <see cref="QueryPlan"/> matched, the same way the index matched them,
/// so that every provider highlights identically (and typed pinyin lights up the Chinese characters it stands for).
/// </summary>
public sealed class Highlighter(PinyinReadings dictionary)
{
    public IReadOnlyList<TextSpan> Spans(string? text, QueryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var units = TextUnits.Split(text);
        var marked = new bool[units.Count];
        foreach (var keyword in plan.Keywords)
        {
            if (keyword.TextPhrase is { } phrase)
            {
                Mark(units, marked, phrase, u => [u.Text]);
            }

            foreach (var han in keyword.HanPhrases)
            {
                Mark(units, marked, han, u => [u.Text]);
            }

            if (keyword.InitialsPhrase is { } initials && Mark(units, marked, initials, Initials))
            {
                continue;
            }

            foreach (var pinyin in keyword.PinyinPhrases)
            {
                if (Mark(units, marked, pinyin, Readings))
                {
                    break;
                }
            }
        }

        var spans = new List<TextSpan>();
        for (var i = 0; i < units.Count; i++)
        {
            if (!marked[i])
            {
                continue;
            }

            var start = units[i].Start;
            var end = units[i].Start + units[i].Length;
            while (i + 1 < units.Count && marked[i + 1] && units[i + 1].Start == end)
            {
                i++;
                end = units[i].Start + units[i].Length;
            }

            spans.Add(new TextSpan(start, end - start));
        }

        return spans;
    }

    private IReadOnlyList<string> Initials(TextUnit unit) =>
        unit.Kind == TextUnitKind.Han ? [.. Readings(unit).Select(r => r[..1]).Distinct(StringComparer.Ordinal)] : [unit.Text];

    private IReadOnlyList<string> Readings(TextUnit unit)
    {
        if (unit.Kind != TextUnitKind.Han)
        {
            return [unit.Text];
        }

        var readings = dictionary.ReadingsOf(unit.Text[0]);
        return readings.Count > 0 ? readings : [unit.Text];
    }

    /// <summary>Marks every occurrence of <paramref name="phrase"/>; true when there was one.</summary>
    private static bool Mark(List<TextUnit> units, bool[] marked, PhrasePlan phrase, Func<TextUnit, IReadOnlyList<string>> tokens)
    {
        var found = false;
        var length = phrase.Positions.Count;
        for (var start = 0; length > 0 && start + length <= units.Count; start++)
        {
            var all = true;
            for (var k = 0; k < length && all; k++)
            {
                all = tokens(units[start + k]).Any(phrase.Positions[k].Matches);
            }

            if (all)
            {
                found = true;
                for (var k = 0; k < length; k++)
                {
                    marked[start + k] = true;
                }
            }
        }

        return found;
    }
}

namespace CityEye.Indexers.Pinyin;

/// <summary>
/// The analysed forms of device text that CityEye sends to any search engine as whitespace-separated tokens, one per
/// position, so the engine needs only a whitespace tokenizer.
/// </summary>
public static class SearchText
{
    /// <summary>Pinyin variants kept per name; names with more polyphonic characters keep the most common readings.</summary>
    public const int MaxPinyinVariants = 16;

    /// <summary>
    /// Every reading of <paramref name="text"/> as initials, one token per position ("重固" gives "z g" and "c g"), so that
    /// typed initials are exact terms rather than prefixes to expand.
    /// </summary>
    public static IReadOnlyList<string> InitialVariants(string? text, PinyinReadings readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var variants = new List<List<string>> { new() };
        foreach (var unit in TextUnits.Split(text))
        {
            IReadOnlyList<string> initials = unit.Kind == TextUnitKind.Han
                ? [.. readings.ReadingsOf(unit.Text[0]).Select(r => r[..1]).Distinct(StringComparer.Ordinal)]
                : [];
            if (initials.Count <= 1)
            {
                var token = initials.Count == 1 ? initials[0] : unit.Text;
                variants.ForEach(v => v.Add(token));
                continue;
            }

            var next = new List<List<string>>();
            foreach (var initial in initials)
            {
                foreach (var variant in variants)
                {
                    if (next.Count < MaxPinyinVariants)
                    {
                        next.Add([.. variant, initial]);
                    }
                }
            }

            variants = next;
        }

        return [.. variants.Where(v => v.Count > 0).Select(v => string.Join(' ', v))];
    }

    /// <summary>"青浦1号" becomes "青 浦 1 号".</summary>
    public static string Characters(string? text) => string.Join(' ', TextUnits.Split(text).Select(u => u.Text));

    /// <summary>
    /// Every reading of <paramref name="text"/> as pinyin tokens ("重固" gives "zhong gu" and "chong gu"), most common
    /// readings first, at most <see cref="MaxPinyinVariants"/>.
    /// </summary>
    public static IReadOnlyList<string> PinyinVariants(string? text, PinyinReadings dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var variants = new List<List<string>> { new() };
        foreach (var unit in TextUnits.Split(text))
        {
            var readings = unit.Kind == TextUnitKind.Han ? dictionary.ReadingsOf(unit.Text[0]) : [];
            if (readings.Count <= 1)
            {
                var token = readings.Count == 1 ? readings[0] : unit.Text;
                variants.ForEach(v => v.Add(token));
                continue;
            }

            var next = new List<List<string>>();
            foreach (var reading in readings)
            {
                foreach (var variant in variants)
                {
                    if (next.Count < MaxPinyinVariants)
                    {
                        next.Add([.. variant, reading]);
                    }
                }
            }

            variants = next;
        }

        return [.. variants.Where(v => v.Count > 0).Select(v => string.Join(' ', v))];
    }
}

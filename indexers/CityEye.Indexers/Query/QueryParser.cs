using CityEye.Indexers.Pinyin;

namespace CityEye.Indexers.Query;

/// <summary>Why a query was refused.</summary>
public enum QueryProblem
{
    None,
    TooLong,
    TooManyKeywords,
}

/// <summary>
/// Turns what a user types into a <see cref="QueryPlan"/> that every search provider runs the same way. Whitespace
/// separates keywords (all must match). Inside a keyword, Chinese characters match themselves, digits match digits
/// (the last run also as a prefix), and letters are read as pinyin: full syllables ("yingpu"), initials ("qp"), a
/// mix ("yingpdl"), a syllable still being typed at the end ("qingpu xinch"), or literally ("ATM"). Query syntax
/// characters (quotes, brackets, ":", "*", "~", "AND") have no meaning and are dropped with the other punctuation.
/// </summary>
public sealed class QueryParser(PinyinReadings dictionary)
{
    public const int MaxQueryLength = 200;
    public const int MaxKeywords = 8;

    /// <summary>Alternatives kept per latin run and per keyword, so that one keyword stays a bounded query.</summary>
    private const int MaxSegmentations = 6;
    private const int MaxPinyinPhrases = 12;

    /// <summary>Letters of a run beyond this are taken literally only (a whole device name in pinyin fits).</summary>
    private const int MaxLettersForPinyin = 64;

    /// <summary>Letters of a keyword beyond this are not read as initials (no one types 25 initials).</summary>
    private const int MaxInitials = 24;

    /// <summary>Shortest run of letters that typo tolerance corrects (shorter runs are initials or syllables being typed).</summary>
    private const int MinLettersForCorrection = 5;

    /// <summary>Longest run of letters that typo tolerance corrects (each correction is a segmentation).</summary>
    private const int MaxLettersForCorrection = 16;

    /// <summary>Most corrected readings added for one run.</summary>
    private const int MaxCorrections = 3;

    public static QueryProblem Validate(string? query)
    {
        if (query is null)
        {
            return QueryProblem.None;
        }

        if (query.Length > MaxQueryLength)
        {
            return QueryProblem.TooLong;
        }

        return SplitKeywords(query).Count > MaxKeywords ? QueryProblem.TooManyKeywords : QueryProblem.None;
    }

    /// <summary>The plan for <paramref name="query"/>; call <see cref="Validate"/> first for a user-facing error.</summary>
    public QueryPlan Parse(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return QueryPlan.Empty;
        }

        if (Validate(query) != QueryProblem.None)
        {
            throw new ArgumentException("The query is too long or has too many keywords.", nameof(query));
        }

        var keywords = new List<KeywordPlan>();
        foreach (var keyword in SplitKeywords(query))
        {
            var units = TextUnits.Split(keyword);
            if (units.Count > 0)
            {
                keywords.Add(PlanKeyword(keyword, units));
            }
        }

        return new QueryPlan(keywords);
    }

    private static List<string> SplitKeywords(string query) =>
        [.. query.Split((char[])[' ', '\t', '\r', '\n', '\u3000', ',', '，', ';', '；', '、'], StringSplitOptions.RemoveEmptyEntries)
            .Where(k => TextUnits.Split(k).Count > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    private KeywordPlan PlanKeyword(string keyword, List<TextUnit> units)
    {
        var hasLatin = units.Any(u => u.Kind == TextUnitKind.Latin);
        var last = units.Count - 1;

        // 1. The keyword as typed, over characters and digit runs (and letters literally).
        var textPhrase = new PhrasePlan([.. units.Select((u, i) =>
            i == last && u.Kind != TextUnitKind.Han ? PhrasePosition.StartsWith(u.Text) : PhrasePosition.Exact(u.Text))]);

        // 2. Pinyin: each character by its readings, digits as typed, letters segmented into syllables/initials.
        var hanPhrases = new List<PhrasePlan>();
        var pinyin = new List<List<PhrasePosition>> { new() };
        List<PhrasePosition>? hanRun = null;
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            if (unit.Kind == TextUnitKind.Han)
            {
                (hanRun ??= []).Add(PhrasePosition.Exact(unit.Text));
                var readings = dictionary.ReadingsOf(unit.Text[0]);
                var position = readings.Count > 0 ? new PhrasePosition([.. readings]) : PhrasePosition.Exact(unit.Text);
                pinyin.ForEach(p => p.Add(position));
                continue;
            }

            if (hanRun is not null)
            {
                hanPhrases.Add(new PhrasePlan(hanRun));
                hanRun = null;
            }

            IReadOnlyList<List<PhrasePosition>> options = unit.Kind == TextUnitKind.Digits
                ? [[i == last ? PhrasePosition.StartsWith(unit.Text) : PhrasePosition.Exact(unit.Text)]]
                : [.. Segment(unit.Text, atEnd: i == last), .. Corrections(unit.Text, atEnd: i == last)];
            pinyin = [.. pinyin.SelectMany(p => options.Select(o => (List<PhrasePosition>)[.. p, .. o])).Take(MaxPinyinPhrases)];
        }

        if (hanRun is not null)
        {
            hanPhrases.Add(new PhrasePlan(hanRun));
        }

        var codePrefix = units.Count == 1 && units[0].Kind == TextUnitKind.Digits ? units[0].Text : null;
        return new KeywordPlan(
            keyword,
            hasLatin ? null : textPhrase,
            hasLatin ? hanPhrases : [],
            hasLatin ? [.. pinyin.Where(p => p.Any(u => u.Prefix is not { Length: 1 } || u.Terms.Count > 0)).Select(p => new PhrasePlan(p))] : [],
            codePrefix,
            hasLatin ? Initials(units) : null);
    }

    /// <summary>
    /// The keyword as initials: each letter one character, each Chinese character its possible initials, digits as
    /// typed (the last run also as a prefix); null when the letters are too many to be initials.
    /// </summary>
    private PhrasePlan? Initials(List<TextUnit> units)
    {
        if (units.Where(u => u.Kind == TextUnitKind.Latin).Sum(u => u.Text.Length) > MaxInitials)
        {
            return null;
        }

        var positions = new List<PhrasePosition>();
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            switch (unit.Kind)
            {
                case TextUnitKind.Latin:
                    positions.AddRange(unit.Text.Select(c => PhrasePosition.Exact(c.ToString())));
                    break;
                case TextUnitKind.Han:
                    var readings = dictionary.ReadingsOf(unit.Text[0]);
                    positions.Add(readings.Count > 0 ? new PhrasePosition([.. readings.Select(r => r[..1]).Distinct(StringComparer.Ordinal)]) : PhrasePosition.Exact(unit.Text));
                    break;
                default:
                    positions.Add(i == units.Count - 1 ? PhrasePosition.StartsWith(unit.Text) : PhrasePosition.Exact(unit.Text));
                    break;
            }
        }

        return new PhrasePlan(positions);
    }

    /// <summary>
    /// Typo tolerance where it is cheap: when a run of at least <see cref="MinLettersForCorrection"/> letters has no
    /// reading as whole syllables ("fuqaun", "yignpu"), the whole-syllable readings of the runs one edit away (two
    /// neighbours swapped, then one letter replaced, dropped or added) are added, at most
    /// <see cref="MaxCorrections"/> of them. Runs that read as syllables, and initials, are left as typed.
    /// </summary>
    internal List<List<PhrasePosition>> Corrections(string letters, bool atEnd)
    {
        if (letters.Length < MinLettersForCorrection || letters.Length > MaxLettersForCorrection || Clean(Segment(letters, atEnd)).Count > 0)
        {
            return [];
        }

        var found = new List<List<PhrasePosition>>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { letters };
        foreach (var variant in Edits(letters))
        {
            if (!seen.Add(variant))
            {
                continue;
            }

            var clean = Clean(Segment(variant, atEnd));
            if (clean.Count > 0)
            {
                found.Add(clean[0]);
                if (found.Count == MaxCorrections)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Readings made of whole syllables only (the last one may be a syllable still being typed).</summary>
    private List<List<PhrasePosition>> Clean(List<List<PhrasePosition>> readings) =>
        [.. readings.Where(r => r.Select((u, i) => u.Prefix is null
            ? u.Terms.Count > 0 && u.Terms.All(dictionary.Syllables.Contains)
            : i == r.Count - 1 && u.Prefix.Length >= 2 && (dictionary.Syllables.Contains(u.Prefix) || dictionary.IsSyllablePrefix(u.Prefix))).All(ok => ok))];

    /// <summary>Runs one edit away, likeliest typos first: swapped neighbours, a replaced, dropped or added letter.</summary>
    private static IEnumerable<string> Edits(string letters)
    {
        for (var i = 0; i < letters.Length - 1; i++)
        {
            yield return string.Concat(letters.AsSpan(0, i), letters.AsSpan(i + 1, 1), letters.AsSpan(i, 1), letters.AsSpan(i + 2));
        }

        for (var i = 0; i < letters.Length; i++)
        {
            for (var c = 'a'; c <= 'z'; c++)
            {
                if (c != letters[i])
                {
                    yield return string.Concat(letters.AsSpan(0, i), c.ToString(), letters.AsSpan(i + 1));
                }
            }
        }

        for (var i = 0; i < letters.Length; i++)
        {
            yield return string.Concat(letters.AsSpan(0, i), letters.AsSpan(i + 1));
        }

        for (var i = 0; i <= letters.Length; i++)
        {
            for (var c = 'a'; c <= 'z'; c++)
            {
                yield return string.Concat(letters.AsSpan(0, i), c.ToString(), letters.AsSpan(i));
            }
        }
    }

    /// <summary>Readings of a run of letters, fewest positions first; the literal run is always one of them.</summary>
    internal List<List<PhrasePosition>> Segment(string letters, bool atEnd)
    {
        var literal = new List<PhrasePosition> { atEnd ? PhrasePosition.StartsWith(letters) : PhrasePosition.Exact(letters) };
        if (letters.Length > MaxLettersForPinyin)
        {
            return [literal];
        }

        // best[i]: up to MaxSegmentations readings of letters[i..], fewest positions first.
        var best = new List<List<PhrasePosition>>[letters.Length + 1];
        best[letters.Length] = [[]];
        for (var i = letters.Length - 1; i >= 0; i--)
        {
            var candidates = new List<List<PhrasePosition>>();
            for (var j = letters.Length; j > i; j--)
            {
                var piece = letters[i..j];
                PhrasePosition? head = null;
                if (j - i == 1)
                {
                    head = PhrasePosition.StartsWith(piece);
                }
                else if (dictionary.Syllables.Contains(piece))
                {
                    // A complete syllable at the very end may still be the start of a longer one ("xian" of "xiang").
                    head = atEnd && j == letters.Length ? PhrasePosition.StartsWith(piece) : PhrasePosition.Exact(piece);
                }
                else if (atEnd && j == letters.Length && dictionary.IsSyllablePrefix(piece))
                {
                    head = PhrasePosition.StartsWith(piece);
                }

                if (head is not null)
                {
                    candidates.AddRange(best[j].Select(tail => (List<PhrasePosition>)[head, .. tail]));
                }
            }

            best[i] = [.. candidates.OrderBy(c => c.Count).Take(MaxSegmentations)];
        }

        // All initials ("qpxc") are matched on the initials field instead (KeywordPlan.InitialsPhrase). When the
        // letters read as whole syllables, readings that break them into several single letters only cost time
        // (one or two stay: "hua1234" is also "hu" + the plate letter "a").
        var readings = best[0];
        if (readings.Any(r => r.All(u => u.Prefix is not { Length: 1 })))
        {
            readings = [.. readings.Where(r => r.Count(u => u.Prefix is { Length: 1 }) <= 2)];
        }

        if (letters.Length > 1)
        {
            readings.Add(literal);
        }

        return readings;
    }
}

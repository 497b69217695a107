namespace CityEye.Indexers.Query;

/// <summary>One position of a phrase: any of <see cref="Terms"/> exactly, or any term starting with <see cref="Prefix"/>.</summary>
public sealed record PhrasePosition(IReadOnlyList<string> Terms, string? Prefix = null)
{
    public static PhrasePosition Exact(params string[] terms) => new(terms);

    public static PhrasePosition StartsWith(string prefix) => new([], prefix);

    /// <summary>True when <paramref name="token"/> fills this position.</summary>
    public bool Matches(string token) =>
        (Prefix is not null && token.StartsWith(Prefix, StringComparison.Ordinal)) || Terms.Contains(token, StringComparer.Ordinal);
}

/// <summary>Consecutive positions in one field (an exact substring of units).</summary>
public sealed record PhrasePlan(IReadOnlyList<PhrasePosition> Positions);

/// <summary>
/// How one keyword of the query matches a device. A device matches the keyword when any of these holds:
/// <list type="number">
/// <item><see cref="TextPhrase"/> occurs in the name or address (characters and digit runs typed as they are);</item>
/// <item>every phrase of <see cref="HanPhrases"/> occurs in the name or address and one of
/// <see cref="PinyinPhrases"/> occurs in the name's pinyin (for keywords with letters: "qp", "yingpu", "qp华新");</item>
/// <item><see cref="CodePrefix"/> starts the GB/T 28181 code or the keyboard code (keywords of digits);</item>
/// <item>every phrase of <see cref="HanPhrases"/> occurs and <see cref="InitialsPhrase"/> occurs in the name's
/// initials ("qp", "zjj fsq", "qp华新"): each letter one character, exact terms of the initials field.</item>
/// </list>
/// </summary>
public sealed record KeywordPlan(
    string Keyword,
    PhrasePlan? TextPhrase,
    IReadOnlyList<PhrasePlan> HanPhrases,
    IReadOnlyList<PhrasePlan> PinyinPhrases,
    string? CodePrefix,
    PhrasePlan? InitialsPhrase = null);

/// <summary>A parsed query: keywords combined with AND. No keywords means every device (inside the filters).</summary>
public sealed record QueryPlan(IReadOnlyList<KeywordPlan> Keywords)
{
    public static QueryPlan Empty { get; } = new([]);
}

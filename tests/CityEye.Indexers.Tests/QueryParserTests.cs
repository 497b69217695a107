using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;

namespace CityEye.Indexers.Tests;

public sealed class QueryParserTests
{
    private readonly QueryParser _parser = new(PinyinReadings.Instance);

    [Fact]
    public void Parse_Initials_AreExactTermsOfTheInitialsField()
    {
        var keyword = Assert.Single(_parser.Parse("qp").Keywords);
        Assert.Null(keyword.TextPhrase);
        Assert.Equal([["q"], ["p"]], keyword.InitialsPhrase!.Positions.Select(p => p.Terms));
        Assert.All(keyword.InitialsPhrase.Positions, p => Assert.Null(p.Prefix));
        // No expensive all-prefixes reading of the pinyin field remains.
        Assert.DoesNotContain(keyword.PinyinPhrases, p => p.Positions.All(u => u.Prefix is { Length: 1 }));
    }

    [Fact]
    public void Parse_LongFullPinyin_IsNotAlsoReadAsInitials()
    {
        var keyword = Assert.Single(_parser.Parse("zhujiajiaozhenkezhiyuanlufangshengqiao").Keywords);
        Assert.Null(keyword.InitialsPhrase);
        Assert.Equal(["zhu", "jia", "jiao", "zhen", "ke", "zhi", "yuan", "lu", "fang", "sheng"], keyword.PinyinPhrases[0].Positions.Take(10).Select(p => p.Terms.Single()));
    }

    [Fact]
    public void Parse_TypoInFullPinyin_AddsTheReadingsOneEditAway_OnlyWhenTheLettersReadAsNoSyllables()
    {
        var typo = Assert.Single(_parser.Parse("yignpu").Keywords);
        Assert.Contains(typo.PinyinPhrases, p => p.Positions.Count == 2 && p.Positions[0].Terms.SequenceEqual(["ying"]) && p.Positions[1].Prefix == "pu");
        Assert.True(typo.PinyinPhrases.Count <= 12);

        // Letters that read as syllables, and short runs (initials, syllables being typed), are taken as typed.
        Assert.Empty(_parser.Corrections("yingpu", atEnd: true));
        Assert.Empty(_parser.Corrections("qpxc", atEnd: true));
        Assert.InRange(_parser.Corrections("fuqaun", atEnd: false).Count, 1, 3);
    }

    [Fact]
    public void Parse_FullPinyin_PrefersWholeSyllables()
    {
        var keyword = Assert.Single(_parser.Parse("yingpu").Keywords);
        var first = keyword.PinyinPhrases[0];
        Assert.Equal(2, first.Positions.Count);
        Assert.Equal(["ying"], first.Positions[0].Terms);
        Assert.Equal("pu", first.Positions[1].Prefix); // the last syllable may still be typed on ("pu" of "pudong")
    }

    [Fact]
    public void Parse_MixedKeyword_NeedsTheCharactersAndThePinyin()
    {
        var keyword = Assert.Single(_parser.Parse("qp华新").Keywords);
        var han = Assert.Single(keyword.HanPhrases);
        Assert.Equal(["华", "新"], han.Positions.Select(p => p.Terms.Single()));
        Assert.Contains(keyword.PinyinPhrases, p => p.Positions.Count == 4 && p.Positions[2].Terms.Contains("hua") && p.Positions[3].Terms.Contains("xin"));
    }

    [Fact]
    public void Parse_Whitespace_SeparatesKeywordsThatMustAllMatch()
    {
        Assert.Equal(["yingpu", "dl"], _parser.Parse("yingpu  dl").Keywords.Select(k => k.Keyword));
    }

    [Fact]
    public void Parse_Digits_AreACodePrefixAndATextPrefix()
    {
        var keyword = Assert.Single(_parser.Parse("3101180").Keywords);
        Assert.Equal("3101180", keyword.CodePrefix);
        Assert.Equal("3101180", keyword.TextPhrase!.Positions.Single().Prefix);
    }

    [Theory]
    [InlineData("\"qp AND (华新")]
    [InlineData("name:青浦* OR ~x^2")]
    [InlineData("'; DROP TABLE devices; --")]
    public void Parse_QuerySyntax_HasNoMeaning(string query)
    {
        var plan = _parser.Parse(query);
        Assert.All(plan.Keywords, k => Assert.DoesNotContain(k.Keyword, c => c is ':' or '(' or '*' && k.Keyword.Length == 1));
        Assert.NotEmpty(plan.Keywords);
    }

    [Fact]
    public void Validate_TooLongOrTooManyKeywords_IsRefused()
    {
        Assert.Equal(QueryProblem.TooLong, QueryParser.Validate(new string('青', QueryParser.MaxQueryLength + 1)));
        Assert.Equal(QueryProblem.TooManyKeywords, QueryParser.Validate(string.Join(' ', Enumerable.Range(0, 9).Select(i => "k" + i))));
        Assert.Equal(QueryProblem.None, QueryParser.Validate("青浦 华新 qp"));
        Assert.Throws<ArgumentException>(() => _parser.Parse(new string('a', 10_000)));
    }

    [Fact]
    public void Parse_PunctuationOnly_IsEmpty()
    {
        Assert.Empty(_parser.Parse("  \"()*:  ").Keywords);
    }
}

using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;

namespace CityEye.Indexers.Tests;

public sealed class HighlighterTests
{
    private readonly QueryParser _parser = new(PinyinReadings.Instance);
    private readonly Highlighter _highlighter = new(PinyinReadings.Instance);

    [Theory]
    [InlineData("青浦盈港东路_智能枪机", "qp", 0, 2)]
    [InlineData("青浦盈港东路_智能枪机", "yinggang", 2, 2)]
    [InlineData("重固镇福泉山路_高清球机", "cg", 0, 2)]
    [InlineData("重固镇福泉山路_高清球机", "zg", 0, 2)]
    [InlineData("重固镇福泉山路_高清球机", "福泉", 3, 2)]
    public void Spans_MarkTheCharactersTheQueryMatched(string name, string query, int start, int length)
    {
        Assert.Equal([new TextSpan(start, length)], _highlighter.Spans(name, _parser.Parse(query)));
    }

    [Fact]
    public void Spans_NoMatch_IsEmpty()
    {
        Assert.Empty(_highlighter.Spans("青浦盈港东路", _parser.Parse("华新")));
    }
}

using CityEye.Indexers.Pinyin;

namespace CityEye.Indexers.Tests;

public sealed class PinyinTests
{
    private static readonly PinyinReadings Readings = PinyinReadings.Instance;

    [Fact]
    public void Readings_PolyphonicCharacter_ListsEveryModernReadingMostCommonFirst()
    {
        Assert.Equal(["zhong", "chong"], Readings.ReadingsOf('重'));
        Assert.Equal(["qing"], Readings.ReadingsOf('青'));
        Assert.Equal("lv", Readings.ReadingsOf('绿')[0]);
        Assert.Empty(Readings.ReadingsOf('_'));
        Assert.True(Readings.Count > 20_000, $"only {Readings.Count} characters loaded");
    }

    [Fact]
    public void PinyinVariants_NameWithPolyphone_IndexesEveryReading()
    {
        var variants = SearchText.PinyinVariants("重固镇A12号", Readings);
        Assert.Equal(["zhong gu zhen a 12 hao", "chong gu zhen a 12 hao"], variants);
    }

    [Fact]
    public void PinyinVariants_ManyPolyphones_StopsAtTheCap()
    {
        var variants = SearchText.PinyinVariants("重重重重重重重重重重", Readings);
        Assert.Equal(SearchText.MaxPinyinVariants, variants.Count);
        Assert.Equal(string.Join(' ', Enumerable.Repeat("zhong", 10)), variants[0]);
    }

    [Fact]
    public void Characters_SplitsHanLettersDigitsAndDropsPunctuation()
    {
        Assert.Equal("青 浦 沪 a 1234 警 车 载", SearchText.Characters("青浦_沪Ａ1234警(车载)"));
    }
}

using CityEye.Core.Domain;

namespace CityEye.Core.Tests.Domain;

public sealed class GbCodeTests
{
    [Theory]
    [InlineData("31011801001320000001")]
    [InlineData("31011820051310000042")]
    [InlineData("34020000001320000001")]
    [InlineData("11000000002000000001")]
    public void IsValid_WellFormedCode_ReturnsTrue(string code)
    {
        Assert.True(GbCode.IsValid(code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3101180100132000000")] // 19 digits
    [InlineData("310118010013200000011")] // 21 digits
    [InlineData("3101180100132000000A")] // non-digit
    [InlineData("31011801 01320000001")] // space
    [InlineData("３１０１１８０１００１３２００００００１")] // full-width digits
    [InlineData("31011801009990000001")] // unknown type 999
    [InlineData("31011801001500000001")] // unknown type 150
    [InlineData("31011801201320000001")] // reserved industry 20
    [InlineData("31011801001329000001")] // reserved network 9
    [InlineData("99011801001320000001")] // unknown province
    [InlineData("31051801001320000001")] // Shanghai has no city 05
    [InlineData("31001801001320000001")] // district without city
    public void IsValid_MalformedCode_ReturnsFalse(string? code)
    {
        Assert.False(GbCode.IsValid(code));
    }

    [Fact]
    public void Parse_QingpuCode_ReturnsParts()
    {
        var parts = GbCode.Parse("31011820051310000042");

        Assert.Equal("31", parts.ProvinceCode);
        Assert.Equal("01", parts.CityCode);
        Assert.Equal("18", parts.DistrictCode);
        Assert.Equal("20", parts.GrassrootsUnitCode);
        Assert.Equal("05", parts.IndustryCode);
        Assert.Equal("131", parts.TypeCode);
        Assert.Equal(0, parts.NetworkCode);
        Assert.Equal("000042", parts.SerialNumber);
        Assert.Equal("31011820", parts.CentreCode);
        Assert.Equal("310118", parts.DivisionCode);
    }

    [Fact]
    public void Parse_InvalidCode_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => GbCode.Parse("123"));
    }

    [Fact]
    public void Create_ValidParts_RoundTripsThroughParse()
    {
        var code = GbCode.Create("31011804", "00", "132", 0, 1234);

        Assert.Equal("31011804001320001234", code);
        Assert.Equal(1234, int.Parse(GbCode.Parse(code).SerialNumber, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Create_UnknownType_Throws()
    {
        Assert.Throws<ArgumentException>(() => GbCode.Create("31011804", "00", "999", 0, 1));
    }
}

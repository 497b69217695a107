using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CityEye.Core.Domain;

/// <summary>The parts of a 20-digit GB/T 28181 device code.</summary>
/// <param name="ProvinceCode">Digits 1-2: province (GB/T 2260), e.g. "31" Shanghai.</param>
/// <param name="CityCode">Digits 3-4: city, e.g. "01".</param>
/// <param name="DistrictCode">Digits 5-6: district or county, e.g. "18" Qingpu.</param>
/// <param name="GrassrootsUnitCode">Digits 7-8: grassroots unit (基层接入单位), e.g. a police station.</param>
/// <param name="IndustryCode">Digits 9-10: industry, e.g. "00" public-security road, "05" traffic checkpoint.</param>
/// <param name="TypeCode">Digits 11-13: type, e.g. "131" camera, "132" IP camera.</param>
/// <param name="NetworkCode">Digit 14: network identifier, 0-4 video private network ... 8 social-resource network.</param>
/// <param name="SerialNumber">Digits 15-20: serial number, unique within centre and type.</param>
public readonly record struct GbCodeParts(
    string ProvinceCode,
    string CityCode,
    string DistrictCode,
    string GrassrootsUnitCode,
    string IndustryCode,
    string TypeCode,
    int NetworkCode,
    string SerialNumber)
{
    /// <summary>The 8-digit centre code (province + city + district + grassroots unit).</summary>
    public string CentreCode => ProvinceCode + CityCode + DistrictCode + GrassrootsUnitCode;

    /// <summary>The 6-digit administrative division code (GB/T 2260), e.g. "310118".</summary>
    public string DivisionCode => ProvinceCode + CityCode + DistrictCode;
}

/// <summary>Validation, parsing and formatting of GB/T 28181 20-digit device codes (GB/T 28181-2016 appendix D).</summary>
public static class GbCode
{
    /// <summary>Length of a device code.</summary>
    public const int Length = 20;

    /// <summary>GB/T 2260 province-level codes.</summary>
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    ];

    /// <summary>Municipalities directly under the central government: city code 00-02 only.</summary>
    private static readonly HashSet<string> Municipalities = ["11", "12", "31", "50"];

    /// <summary>Type codes named by the standard (front-end main devices, peripherals, platform, users, external servers).</summary>
    private static readonly HashSet<int> TypeCodes =
    [
        111, 112, 113, 114, 115, 116, 117, 118, 130,
        131, 132, 133, 134, 135, 136, 137, 138, 139,
        200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 215, 216,
        300, 400, 500, 501,
    ];

    /// <summary>True when <paramref name="code"/> is a well-formed GB/T 28181 device code.</summary>
    /// <remarks>
    /// Checks: 20 ASCII digits; a GB/T 2260 province; a plausible city (00-02 for municipalities; no district without a
    /// city); a named industry code (00-14 government, 40-55 enterprises); a named type code; network identifier 0-8.
    /// </remarks>
    public static bool IsValid([NotNullWhen(true)] string? code) => TryParse(code, out _);

    /// <summary>Parses <paramref name="code"/> into its parts.</summary>
    /// <exception cref="FormatException">The code is not a valid GB/T 28181 device code.</exception>
    public static GbCodeParts Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!TryParse(code, out var parts))
        {
            throw new FormatException($"'{code}' is not a valid 20-digit GB/T 28181 device code.");
        }

        return parts;
    }

    /// <summary>Parses <paramref name="code"/>; false when it is not a valid GB/T 28181 device code.</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out GbCodeParts parts)
    {
        parts = default;
        if (code is null || code.Length != Length || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var province = code[..2];
        var city = code[2..4];
        var district = code[4..6];
        if (!Provinces.Contains(province) || !IsPlausibleCity(province, city) || (city == "00" && district != "00"))
        {
            return false;
        }

        var industry = code[8..10];
        var type = code[10..13];
        var network = code[13] - '0';
        if (!IsKnownIndustry(industry) || !IsKnownType(type) || network > 8)
        {
            return false;
        }

        parts = new GbCodeParts(province, city, district, code[6..8], industry, type, network, code[14..]);
        return true;
    }

    /// <summary>Builds a code from an 8-digit centre code, a 2-digit industry, a 3-digit type, the network digit and a serial.</summary>
    /// <exception cref="ArgumentException">A part has the wrong length or the result is not valid.</exception>
    public static string Create(string centreCode, string industryCode, string typeCode, int networkCode, int serialNumber)
    {
        ArgumentNullException.ThrowIfNull(centreCode);
        ArgumentNullException.ThrowIfNull(industryCode);
        ArgumentNullException.ThrowIfNull(typeCode);
        ArgumentOutOfRangeException.ThrowIfNegative(serialNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serialNumber, 999_999);
        ArgumentOutOfRangeException.ThrowIfNegative(networkCode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(networkCode, 9);

        var code = string.Create(
            CultureInfo.InvariantCulture,
            $"{centreCode}{industryCode}{typeCode}{networkCode}{serialNumber:D6}");
        if (centreCode.Length != 8 || industryCode.Length != 2 || typeCode.Length != 3 || !IsValid(code))
        {
            throw new ArgumentException($"The parts do not form a valid GB/T 28181 code ('{code}').", nameof(centreCode));
        }

        return code;
    }

    /// <summary>True for the industry codes the standard names: 00-14 (government) and 40-55 (enterprises).</summary>
    public static bool IsKnownIndustry(string industryCode)
    {
        ArgumentNullException.ThrowIfNull(industryCode);
        if (industryCode.Length != 2 || !int.TryParse(industryCode, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        return value is (>= 0 and <= 14) or (>= 40 and <= 55);
    }

    /// <summary>True for the type codes the standard names (e.g. 111 DVR, 118 NVR, 131 camera, 132 IPC, 215, 216).</summary>
    public static bool IsKnownType(string typeCode)
    {
        ArgumentNullException.ThrowIfNull(typeCode);
        return typeCode.Length == 3
            && int.TryParse(typeCode, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && TypeCodes.Contains(value);
    }

    private static bool IsPlausibleCity(string province, string city)
    {
        if (Municipalities.Contains(province))
        {
            return city is "00" or "01" or "02";
        }

        // Prefecture codes run 01-70; 90 groups county-level units administered by the province.
        var value = ((city[0] - '0') * 10) + (city[1] - '0');
        return value is (>= 0 and <= 70) or 90;
    }
}

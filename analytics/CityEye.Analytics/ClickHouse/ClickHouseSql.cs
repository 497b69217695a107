using System.Globalization;
using System.Text;

namespace CityEye.Analytics.ClickHouse;

/// <summary>
/// The one function that turns values into ClickHouse SQL literals. ClickHouse 18.16 has no query parameters
/// (<c>{name:Type}</c>), so every value in a query goes through here; the tests send hostile strings to a real server.
/// </summary>
public static class ClickHouseSql
{
    /// <summary>A literal for a string, number or date.</summary>
    public static string Literal(object value) => value switch
    {
        string s => Quote(s),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        DateOnly d => Quote(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"No ClickHouse literal for {value?.GetType().Name ?? "null"}.", nameof(value)),
    };

    /// <summary>A quoted string literal: backslash escapes for the quote, the backslash and control characters.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\'': builder.Append(@"\'"); break;
                case '\0': builder.Append(@"\0"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\b': builder.Append(@"\b"); break;
                case '\f': builder.Append(@"\f"); break;
                default:
                    // Other C0 controls as \xNN (one byte, valid UTF-8 below 0x80); C1 controls stay as their UTF-8 bytes.
                    if (c < 0x20 || c == 0x7F)
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('\'').ToString();
    }
}

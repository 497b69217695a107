using CityEye.Core.Captures;

namespace CityEye.VectorSearch;

/// <summary>Checks shared by the providers: dimension, finite values, a non-zero norm.</summary>
public static class VectorChecks
{
    /// <summary>Null when the vector is usable with <paramref name="dimensions"/> dimensions, otherwise why not.</summary>
    public static string? Problem(float[]? vector, int dimensions)
    {
        if (vector is null || vector.Length == 0)
        {
            return "missing";
        }

        if (vector.Length != dimensions)
        {
            return $"has {vector.Length} dimensions, expected {dimensions}";
        }

        double norm = 0;
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                return "contains NaN or infinity";
            }

            norm += value * value;
        }

        return norm == 0 ? "is all zeros" : null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when an entry's vector is unusable.</summary>
    public static void Require(CaptureType type, IEnumerable<float[]> vectors, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        foreach (var vector in vectors)
        {
            if (Problem(vector, dimensions) is { } problem)
            {
                throw new ArgumentException($"A {type} vector {problem}.", nameof(vectors));
            }
        }
    }

    /// <summary>The UTC day of a time.</summary>
    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    /// <summary>The UTC days a time range touches (null ends: every day in <paramref name="known"/>).</summary>
    public static IEnumerable<DateOnly> DaysIn(DateTimeOffset? from, DateTimeOffset? until, IEnumerable<DateOnly> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var first = from is { } f ? DayOf(f) : DateOnly.MinValue;
        var last = until is { } u ? DayOf(u.AddTicks(-1)) : DateOnly.MaxValue;
        return known.Where(d => d >= first && d <= last);
    }
}

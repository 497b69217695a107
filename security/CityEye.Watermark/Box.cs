using System.Numerics;

namespace CityEye.Watermark;

/// <summary>Box means over an image through its integral (summed-area table), clipped at the borders.</summary>
internal static class Box
{
    /// <summary>The summed-area table of a width × height image: (width + 1) × (height + 1), zero first row and column.</summary>
    public static double[] Integral<T>(T[] values, int width, int height)
        where T : INumber<T>
    {
        var integral = new double[(width + 1) * (height + 1)];
        for (var y = 0; y < height; y++)
        {
            double row = 0;
            for (var x = 0; x < width; x++)
            {
                row += double.CreateTruncating(values[(y * width) + x]);
                integral[((y + 1) * (width + 1)) + x + 1] = integral[(y * (width + 1)) + x + 1] + row;
            }
        }

        return integral;
    }

    /// <summary>The mean of the (2 × radius + 1)² window around (x, y), the part of it inside the image.</summary>
    public static double Mean(double[] integral, int width, int height, int x, int y, int radius)
    {
        var (x0, x1) = (Math.Max(0, x - radius), Math.Min(width, x + radius + 1));
        var (y0, y1) = (Math.Max(0, y - radius), Math.Min(height, y + radius + 1));
        var total = integral[(y1 * (width + 1)) + x1] - integral[(y0 * (width + 1)) + x1] - integral[(y1 * (width + 1)) + x0] + integral[(y0 * (width + 1)) + x0];
        return total / ((x1 - x0) * (y1 - y0));
    }
}

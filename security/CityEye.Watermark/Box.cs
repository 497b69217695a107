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

    /// <summary>
    /// The box blur of a width × height image (each pixel the mean of the (2 × radius + 1)² window around it, the part
    /// inside the image), in two running-sum passes.
    /// </summary>
    public static float[] Blur(float[] values, int width, int height, int radius)
    {
        ArgumentNullException.ThrowIfNull(values);
        var across = new float[values.Length];
        for (var y = 0; y < height; y++)
        {
            Pass(values, across, y * width, 1, width, radius);
        }

        var blurred = new float[values.Length];
        for (var x = 0; x < width; x++)
        {
            Pass(across, blurred, x, width, height, radius);
        }

        return blurred;
    }

    /// <summary>One line's box means: <paramref name="length"/> values from <paramref name="start"/>, <paramref name="step"/> apart.</summary>
    private static void Pass(float[] source, float[] target, int start, int step, int length, int radius)
    {
        double sum = 0;
        for (var i = 0; i < Math.Min(radius, length); i++)
        {
            sum += source[start + (i * step)];
        }

        for (var i = 0; i < length; i++)
        {
            if (i + radius < length)
            {
                sum += source[start + ((i + radius) * step)];
            }

            if (i - radius - 1 >= 0)
            {
                sum -= source[start + ((i - radius - 1) * step)];
            }

            target[start + (i * step)] = (float)(sum / (Math.Min(length - 1, i + radius) - Math.Max(0, i - radius) + 1));
        }
    }
}

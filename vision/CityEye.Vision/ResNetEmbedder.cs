using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace CityEye.Vision;

/// <summary>
/// 512-d appearance vectors from ResNet18 (the ONNX file of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
/// 0.23.1, MIT; a CNTK export of an ImageNet-trained ResNet18): the crop stretched to 224×224, planar BGR minus the
/// channel means, the global-average-pool output, L2-normalised. Batch size is fixed at 1 by the model. Sessions are
/// pooled (one per concurrent caller, at most the core count).
/// </summary>
public sealed class ResNetEmbedder : IDisposable
{
    public const int Dimensions = 512;
    private const int Side = 224;
    private static readonly float[] MeanBgr = [103.06f, 115.90f, 123.15f];
    private readonly string _path;
    private readonly System.Collections.Concurrent.ConcurrentBag<InferenceSession> _idle = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, Environment.ProcessorCount), Math.Max(1, Environment.ProcessorCount));
    private readonly List<InferenceSession> _all = [];

    public ResNetEmbedder(string path)
    {
        _path = path;
        Return(Onnx.Open(path));
    }

    public float[] Embed(SKBitmap crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        const int plane = Side * Side;
        using var scaled = Images.Resize(crop, Side, Side);
        var pixels = scaled.GetPixelSpan();
        var input = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            input[i] = pixels[(i * 4) + 2] - MeanBgr[0];
            input[plane + i] = pixels[(i * 4) + 1] - MeanBgr[1];
            input[(2 * plane) + i] = pixels[i * 4] - MeanBgr[2];
        }

        _slots.Wait();
        var session = Take();
        try
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Side, Side]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["Input247"], [tensor], ["Pooling395_Output_0"]);
            return VectorMathLite.Normalised(outputs[0].GetTensorDataAsSpan<float>());
        }
        finally
        {
            Return(session);
            _slots.Release();
        }
    }

    public void Dispose()
    {
        lock (_all)
        {
            _all.ForEach(s => s.Dispose());
        }

        _slots.Dispose();
    }

    private InferenceSession Take()
    {
        if (_idle.TryTake(out var session))
        {
            return session;
        }

        var created = Onnx.Open(_path);
        lock (_all)
        {
            _all.Add(created);
        }

        return created;
    }

    private void Return(InferenceSession session)
    {
        lock (_all)
        {
            if (!_all.Contains(session))
            {
                _all.Add(session);
            }
        }

        _idle.Add(session);
    }
}

/// <summary>Normalisation helpers (the vector library lives in another engine project).</summary>
internal static class VectorMathLite
{
    public static float[] Normalised(ReadOnlySpan<float> vector)
    {
        double norm = 0;
        foreach (var v in vector)
        {
            norm += v * v;
        }

        var result = vector.ToArray();
        if (norm > 0)
        {
            var scale = (float)(1 / Math.Sqrt(norm));
            for (var i = 0; i < result.Length; i++)
            {
                result[i] *= scale;
            }
        }

        return result;
    }
}

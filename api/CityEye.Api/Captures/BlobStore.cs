using System.Security.Cryptography;

namespace CityEye.Api.Captures;

/// <summary>
/// Capture images under <c>{data}/blobs</c>, named by their SHA-256 (so storing the same image twice is one file and a
/// retried batch writes nothing new): <c>blob:ab/cd/abcd….jpg</c>. Written to a temporary file and renamed, so a
/// reader never sees half an image.
/// </summary>
public sealed class BlobStore(string folder)
{
    public const string Scheme = "blob:";

    public string Folder => folder;

    /// <summary>Stores the bytes and returns their reference.</summary>
    public async Task<string> PutAsync(ReadOnlyMemory<byte> bytes, string extension, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var relative = $"{hash[..2]}/{hash[2..4]}/{hash}{extension}";
        var path = Path.Combine(folder, relative);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, bytes.ToArray(), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }

        return Scheme + relative;
    }

    /// <summary>The file of a reference, or null when it is not a blob reference or the file is gone.</summary>
    public string? PathOf(string? reference)
    {
        if (reference is null || !reference.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var relative = reference[Scheme.Length..];
        if (relative.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return null;
        }

        var path = Path.Combine(folder, relative);
        return File.Exists(path) ? path : null;
    }
}

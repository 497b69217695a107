namespace CityEye.Core.Keys;

/// <summary>Writes secrets (the master key, a release-signing key) to a new file only its owner can read (mode 0600).</summary>
public static class PrivateFile
{
    /// <summary>Creates <paramref name="path"/> with <paramref name="text"/>; fails when it exists (a key is never overwritten).</summary>
    public static void WriteNew(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }
}

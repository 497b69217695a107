namespace CityEye.Video.Tests;

/// <summary>The ffmpeg processes alive now (not zombies) whose command line names a folder: what a test counts to find orphans.</summary>
internal static class FfmpegProcesses
{
    public static List<int> Naming(string folder)
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Split(' ')[0].EndsWith("ffmpeg", StringComparison.Ordinal) && commandLine.Contains(folder, StringComparison.Ordinal)
                    && !File.ReadAllText(Path.Combine(directory, "stat")).Contains(") Z ", StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        return pids;
    }
}

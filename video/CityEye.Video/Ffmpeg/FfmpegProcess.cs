using System.Diagnostics;
using System.Globalization;

namespace CityEye.Video.Ffmpeg;

/// <summary>
/// One ffmpeg process: started with an argument list (no shell), its last error lines kept for messages, its pid
/// written to a file so that a node that was killed can stop what it left running when it starts again.
/// </summary>
internal sealed partial class FfmpegProcess : IDisposable
{
    private const int KeepLines = 12;
    private readonly Process _process;
    private readonly Queue<string> _errors = new();
    private readonly string? _pidFile;

    private FfmpegProcess(Process process, string? pidFile)
    {
        _process = process;
        _pidFile = pidFile;
    }

    public int Id => _process.Id;

    /// <summary>True once the process has ended (or was disposed).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>The last lines ffmpeg wrote to its error output, with the user and password of any URL in them replaced.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return Masked(string.Join(" | ", _errors));
            }
        }
    }

    /// <summary>The text with the user and password of any URL in it (ffmpeg prints its input URL) replaced by <c>***</c>.</summary>
    public static string Masked(string text) => Credentials().Replace(text ?? string.Empty, "://***@");

    /// <summary>Starts ffmpeg; <paramref name="environment"/> adds variables (TZ for the clock).</summary>
    public static FfmpegProcess Start(string ffmpeg, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? pidFile = null, bool captureOutput = false)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true,
            RedirectStandardInput = true,
            // Always redirected: an ffmpeg that outlives a killed node must not hold the node's own output open.
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new VideoUnavailableException($"{ffmpeg} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoUnavailableException($"{ffmpeg} cannot be started ({e.Message}); install Debian's ffmpeg.", e);
        }

        var wrapped = new FfmpegProcess(process, pidFile);
        process.ErrorDataReceived += (_, e) => wrapped.Keep(e.Data);
        process.BeginErrorReadLine();
        if (!captureOutput)
        {
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
        }
        if (pidFile is not null)
        {
            File.WriteAllText(pidFile, process.Id.ToString(CultureInfo.InvariantCulture));
        }

        return wrapped;
    }

    /// <summary>
    /// Runs ffmpeg to the end and returns what it wrote to its standard output (a picture), or nothing when it writes a
    /// file (<paramref name="expectOutput"/> false).
    /// </summary>
    public static async Task<byte[]> RunAsync(string ffmpeg, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken, bool expectOutput = true)
    {
        using var process = Start(ffmpeg, arguments, environment, captureOutput: true);
        process._process.StandardInput.Close();
        using var output = new MemoryStream();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process._process.StandardOutput.BaseStream.CopyToAsync(output, deadline.Token);
            await process._process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VideoUnavailableException($"ffmpeg took longer than {timeout.TotalSeconds:F0} s.");
        }
        finally
        {
            process.Stop();
        }

        if (process._process.ExitCode != 0 || (expectOutput && output.Length == 0))
        {
            throw new VideoUnavailableException($"ffmpeg failed (exit {process._process.ExitCode}): {process.Errors}");
        }

        return output.ToArray();
    }

    /// <summary>Waits for the process to end (true) or the time to pass (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the process (and anything it started) and waits for it; removes the pid file.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        try
        {
            if (_pidFile is not null)
            {
                File.Delete(_pidFile);
            }
        }
        catch (IOException)
        {
            // Its folder is gone already.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    /// <summary>
    /// Kills an ffmpeg left running by an earlier run of the node (its pid file is still there): only when that pid is
    /// still an ffmpeg whose command line names <paramref name="marker"/>, so a reused pid is never touched.
    /// </summary>
    public static bool KillLeftover(string pidFile, string marker)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (!commandLine.Contains("ffmpeg", StringComparison.Ordinal) || !commandLine.Contains(marker, StringComparison.Ordinal))
            {
                return false;
            }

            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"://[^/\s]+@", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Credentials();

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_errors)
        {
            _errors.Enqueue(line.Length > 300 ? line[..300] : line);
            while (_errors.Count > KeepLines)
            {
                _errors.Dequeue();
            }
        }
    }
}

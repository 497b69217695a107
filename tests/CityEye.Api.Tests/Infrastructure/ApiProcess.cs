using System.Diagnostics;

namespace CityEye.Api.Tests.Infrastructure;

/// <summary>Runs the built API executable (<c>dotnet CityEye.Api.dll</c>) the way an operator does.</summary>
internal static class ApiProcess
{
    /// <summary>Starts the API in the background; its output is drained and discarded.</summary>
    public static Process Start(IEnumerable<string> arguments)
    {
        var process = Process.Start(StartInfo(arguments))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs the API until it exits (at most a minute) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        // The test project's folder is not a signed release; a test that wants the check passes Mode=enforce after this.
        start.ArgumentList.Add("--Crypto:Executables:Mode=warn");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

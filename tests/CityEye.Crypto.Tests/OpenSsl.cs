using System.Diagnostics;
using System.Text;

namespace CityEye.Crypto.Tests;

/// <summary>Runs Debian's OpenSSL 3 command line in a throw-away folder (the interoperability peer).</summary>
internal sealed class OpenSsl : IDisposable
{
    public OpenSsl()
    {
        Folder = Path.Combine(Path.GetTempPath(), "cityeye-crypto-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public void Write(string name, string text) => File.WriteAllText(PathOf(name), text);

    public void Write(string name, byte[] bytes) => File.WriteAllBytes(PathOf(name), bytes);

    public byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public string ReadText(string name) => File.ReadAllText(PathOf(name));

    /// <summary>Runs openssl with <paramref name="arguments"/> (split on spaces; file names are relative to the folder).</summary>
    public (int ExitCode, string Output) Run(string arguments)
    {
        var info = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs openssl and fails the test with its output unless it exits 0.</summary>
    public string Ok(string arguments)
    {
        var (code, output) = Run(arguments);
        Assert.True(code == 0, $"openssl {arguments} exited {code}: {output}");
        return output;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

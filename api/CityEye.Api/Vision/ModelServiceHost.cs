using System.Diagnostics;
using System.Text.Json;
using CityEye.Core.Storage;
using CityEye.Vision;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Vision;

/// <summary>
/// Runs and supervises the local model service (<c>node service.mjs</c> in <c>Vision:ModelServiceFolder</c>) on a free
/// port of 127.0.0.1, restarts it with growing pauses when it dies, and reports it in <c>/readyz</c> as
/// <c>models</c>. With <c>Vision:ModelServiceUrl</c> it only watches that service's health.
/// </summary>
internal sealed partial class ModelServiceHost(
    IOptions<VisionOptions> options, IWebHostEnvironment environment, ReadinessRegistry readiness, IHttpClientFactory http, ILogger<ModelServiceHost> logger) : BackgroundService
{
    public const string ReadinessName = "models";

    private Uri? _address = options.Value.ModelServiceUrl is { Length: > 0 } url ? new Uri(url) : null;
    private Process? _process;

    /// <summary>Where the service listens now (null while it is starting or down).</summary>
    public Uri? Address => Volatile.Read(ref _address);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            readiness.Set(ReadinessName, ReadinessState.Ready, "disabled (Vision:Enabled=false): captures must bring their vectors");
            return;
        }

        var client = new ModelServiceClient(http.CreateClient(nameof(ModelServiceHost)), () => Address);
        if (options.Value.ModelServiceUrl is { Length: > 0 })
        {
            await WatchExternalAsync(client, stoppingToken);
            return;
        }

        var pause = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.StartNew();
            try
            {
                await RunOnceAsync(client, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The supervisor outlives a broken model service; /readyz says what is wrong.
            catch (Exception e)
#pragma warning restore CA1031
            {
                readiness.Set(ReadinessName, ReadinessState.Failed, $"the model service cannot start: {e.Message}");
                LogFailed(logger, e);
            }

            Volatile.Write(ref _address, null);
            pause = started.Elapsed > TimeSpan.FromMinutes(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(30, pause.TotalSeconds * 2));
            await Task.Delay(pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Kill();
    }

    public override void Dispose()
    {
        Kill();
        base.Dispose();
    }

    private async Task RunOnceAsync(ModelServiceClient client, CancellationToken stoppingToken)
    {
        var folder = options.Value.ResolveServiceFolder(environment.ContentRootPath);
        if (!File.Exists(Path.Combine(folder, "service.mjs")) || !Directory.Exists(Path.Combine(folder, "node_modules", "@vladmandic", "human")))
        {
            throw new FileNotFoundException($"{folder} has no service.mjs or no node_modules (run ./run.sh, or npm ci in {folder})");
        }

        readiness.Set(ReadinessName, ReadinessState.Starting, "starting the model service");
        var start = new ProcessStartInfo(options.Value.NodePath, ["service.mjs"])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CITYEYE_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PORT"] = options.Value.ModelServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HOST"] = "127.0.0.1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{options.Value.NodePath} did not start");
        _process = process;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith('{') && TryPort(text) is { } port)
            {
                listening.TrySetResult(new Uri($"http://127.0.0.1:{port}"));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (!string.IsNullOrWhiteSpace(line.Data))
            {
                LogServiceOutput(logger, line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync(stoppingToken);
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(2), stoppingToken));
        if (first != listening.Task)
        {
            stoppingToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException(process.HasExited ? $"the model service exited with code {process.ExitCode}" : "the model service did not start listening within 2 minutes");
        }

        Volatile.Write(ref _address, await listening.Task);
        var health = await client.HealthAsync(stoppingToken);
        readiness.Set(ReadinessName, ReadinessState.Ready, $"model service on {Address} ({Describe(health)})");
        LogStarted(logger, Address!, process.Id);
        await exited;
        throw new InvalidOperationException($"the model service exited with code {process.ExitCode}");
    }

    private async Task WatchExternalAsync(ModelServiceClient client, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var health = await client.HealthAsync(stoppingToken);
            readiness.Set(ReadinessName, health is null ? ReadinessState.Failed : ReadinessState.Ready, health is null ? $"the algorithm service at {Address} does not answer" : $"algorithm service at {Address} ({Describe(health)})");
            await Task.Delay(TimeSpan.FromSeconds(15), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static string Describe(JsonElement? health) =>
        health is { } h && h.TryGetProperty("models", out var models) ? $"{models} models, {(h.TryGetProperty("backend", out var backend) ? backend.GetString() : "?")}" : "health unknown";

    private static int? TryPort(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty("listening", out var listening) && listening.TryGetProperty("port", out var port) ? port.GetInt32() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model service stopped; restarting it")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model service listening on {Address} (process {Pid})")]
    private static partial void LogStarted(ILogger logger, Uri address, int pid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "model service: {Line}")]
    private static partial void LogServiceOutput(ILogger logger, string line);
}

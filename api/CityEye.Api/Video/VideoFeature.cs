using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Storage;
using CityEye.Core.Viewing;
using CityEye.Video;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Video;

/// <summary>Live video (the <c>Video</c> section): the video source, signed stream URLs and the open-stream registry.</summary>
internal static class VideoFeature
{
    public const string ReadinessName = "video";

    public static IServiceCollection AddVideoFeature(this IServiceCollection services)
    {
        services.AddOptions<VideoOptions>().BindConfiguration(VideoOptions.Section)
            .Validate(o => o.Provider == "Simulated", "Video:Provider must be Simulated (devices with a stream URL are relayed whatever it is; the GB/T 28181 PVG comes with the integration).")
            .Validate(o => o.MaxEncoders is >= 1 and <= 500, "Video:MaxEncoders must be 1 to 500.")
            .Validate(o => o.IdleTimeout >= TimeSpan.FromSeconds(1), "Video:IdleTimeout must be at least one second.")
            .Validate(o => o.StartTimeout >= TimeSpan.FromSeconds(1) && o.StartTimeout <= TimeSpan.FromMinutes(2), "Video:StartTimeout must be 1 second to 2 minutes.")
            .Validate(o => o.MaxPlaybackRange >= TimeSpan.FromMinutes(1) && o.MaxPlaybackRange <= TimeSpan.FromDays(1), "Video:MaxPlaybackRange must be 1 minute to 1 day.")
            .Validate(o => o.MaxDownloadRange >= TimeSpan.FromSeconds(10) && o.MaxDownloadRange <= TimeSpan.FromHours(1), "Video:MaxDownloadRange must be 10 seconds to 1 hour.")
            .Validate(o => o.RecordingDays is >= 1 and <= 3650, "Video:RecordingDays must be 1 to 3650.")
            .Validate(o => o.StreamUrlLifetime >= TimeSpan.FromMinutes(1) && o.StreamUrlLifetime <= TimeSpan.FromHours(12), "Video:StreamUrlLifetime must be 1 minute to 12 hours.")
            .Validate(o => o.Width is >= 160 and <= 3840 && o.Height is >= 90 and <= 2160 && o.FramesPerSecond is >= 1 and <= 30, "Video:Width, Height and FramesPerSecond must be 160–3840, 90–2160 and 1–30.")
            .ValidateOnStart();
        services.AddSingleton<IVideoSource>(sp => new VideoSourceRouter(
            Path.Combine(DataDir(sp), "video"),
            sp.GetRequiredService<IOptions<VideoOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new StreamTokens(Path.Combine(DataDir(sp), "video", "stream.key")));
        services.AddSingleton<LiveViewers>();
        services.AddSingleton<VideoFavouriteStore>();
        services.AddSingleton<VideoHistoryStore>();
        services.AddSingleton<VideoFaultStore>();
        services.AddSingleton<DeviceStageStore>();
        services.AddSingleton<VideoFrameStore>();
        services.AddStartupStep<VideoStep>();
        return services;
    }

    private static string DataDir(IServiceProvider services) => services.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir();
}

/// <summary>Checks that ffmpeg runs and reports the video source; a node without ffmpeg still starts (without video).</summary>
internal sealed class VideoStep(IVideoSource source, StreamTokens tokens, IOptions<VideoOptions> options, ReadinessRegistry readiness) : IStartupStep
{
    public string Name => VideoFeature.ReadinessName;

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        // The stream-URL key is read (or made) now: a damaged key stops the start, not every later request.
        GC.KeepAlive(tokens);
        string message;
        if (!File.Exists(options.Value.Font))
        {
            message = $"no video: the font {options.Value.Font} is missing (install Debian's fonts-noto-cjk; ./run.sh does)";
            readiness.Set(Name, ReadinessState.Failed, message);
            return null;
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(options.Value.Ffmpeg, "-hide_banner -version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var version = (await process.StandardOutput.ReadLineAsync(cancellationToken))?.Split(' ') is [_, _, var v, ..] ? v : "?";
            await process.WaitForExitAsync(cancellationToken);
            message = $"{source.Provider} cameras, ffmpeg {version}, at most {options.Value.MaxEncoders} live encoders";
            readiness.Set(Name, ReadinessState.Ready, message);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            message = $"no video: {options.Value.Ffmpeg} is missing (install Debian's ffmpeg; ./run.sh does)";
            readiness.Set(Name, ReadinessState.Failed, message);
        }

        // Reported through the registry: a missing ffmpeg must stay a failed check, not become "ready".
        return null;
    }
}

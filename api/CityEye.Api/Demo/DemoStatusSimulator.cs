using CityEye.Api.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Demo;

/// <summary>
/// The demo district's status feed (AR-8): every <see cref="CityEyeOptions.StatusSimulationSeconds"/> it reports a
/// few devices' state as a real source would, through <see cref="DeviceStatusFeed"/> (last online/offline times,
/// recording completeness, a version and an outbox row when the state changes). The district stays around its
/// tender mix: a reported device is online with probability 0.93, else offline, rarely faulty.
/// </summary>
internal sealed partial class DemoStatusSimulator(
    DeviceStatusFeed feed, ReadinessRegistry readiness, IOptions<CityEyeOptions> options, TimeProvider time, ILogger<DemoStatusSimulator> logger) : BackgroundService
{
    /// <summary>Devices per report.</summary>
    public const int DevicesPerReport = 40;

    /// <summary>One report of <see cref="DevicesPerReport"/> random devices; returns how many changed state.</summary>
    public async Task<int> ReportAsync(Random random, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(random);
        var now = time.GetUtcNow();
        var codes = await feed.SampleGbCodesAsync(DevicesPerReport, cancellationToken);
        var reports = codes.Select(code =>
        {
            var roll = random.NextDouble();
            var status = roll < 0.93 ? DeviceStatus.Online : roll < 0.99 ? DeviceStatus.Offline : DeviceStatus.Fault;
            var completeness = status == DeviceStatus.Online ? Math.Round(0.85 + (random.NextDouble() * 0.15), 3) : Math.Round(random.NextDouble() * 0.6, 3);
            return new StatusReport(code, status, now, completeness);
        }).ToList();
        return await feed.ApplyAsync(reports, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.StatusSimulationSeconds;
        if (!options.Value.SeedDemo || seconds <= 0)
        {
            return;
        }

        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested || !readiness.IsReady)
            {
                continue;
            }

            try
            {
                var changed = await ReportAsync(random, stoppingToken);
                LogReport(logger, DevicesPerReport, changed);
            }
            catch (Exception e) when (StoreFailures.IsUnavailable(e) || e is System.Data.Common.DbException)
            {
                LogStoreDown(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated status report: {Reported} devices, {Changed} changed state")]
    private static partial void LogReport(ILogger logger, int reported, int changed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The simulated status feed cannot reach the store; retrying")]
    private static partial void LogStoreDown(ILogger logger, Exception exception);
}

using CityEye.Api.Demo;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class DemoStatusSimulatorTests(ApiFactory factory)
{
    [Fact]
    public async Task SimulatedFeed_ChangesDeviceStatesThroughTheStatusFeed_AsVersionsBy_statusFeed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var simulator = factory.Services.GetServices<IHostedService>().OfType<DemoStatusSimulator>().Single();
        var database = factory.Services.GetRequiredService<Database>();
        const string Versions = "SELECT COUNT(*) FROM device_versions WHERE changed_by = 'status-feed' AND source = 'status'";
        const string Recent = "SELECT COUNT(*) FROM devices WHERE last_online_at >= @since OR last_offline_at >= @since";
        var since = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(-1);
        await using var connection = await database.OpenConnectionAsync(ct);
        var before = await connection.ExecuteScalarAsync<int>(new CommandDefinition(Versions, cancellationToken: ct));

        var random = new Random(7);
        var changed = 0;
        for (var i = 0; i < 5; i++)
        {
            changed += await simulator.ReportAsync(random, ct);
        }

        // 200 reports at a 13 % change rate: some devices changed, each change is exactly one version.
        Assert.InRange(changed, 1, 5 * DemoStatusSimulator.DevicesPerReport);
        Assert.Equal(before + changed, await connection.ExecuteScalarAsync<int>(new CommandDefinition(Versions, cancellationToken: ct)));
        // A device may be picked twice and flip back, so the devices with fresh online/offline times can be fewer
        // than the changes; at least one has them.
        Assert.True(await connection.ExecuteScalarAsync<int>(new CommandDefinition(Recent, new { since }, cancellationToken: ct)) >= 1);
        Assert.Equal(16_231, await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM devices WHERE status IN ('Online', 'Offline', 'Fault')", cancellationToken: ct)));
    }
}

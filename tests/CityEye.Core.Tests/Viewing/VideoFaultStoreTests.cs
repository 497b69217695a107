using CityEye.Core.Devices;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Viewing;

namespace CityEye.Core.Tests.Viewing;

/// <summary>Fault tickets on SQLite and PostgreSQL: one open ticket per device however many reports race, and steps only from their states.</summary>
public sealed class VideoFaultStoreTests
{
    private static VideoFault Report(long deviceId, string by) => new()
    {
        DeviceId = deviceId,
        DeviceName = "青浦区 测试点位",
        OrganisationId = 7,
        Kind = "noVideo",
        Description = "黑屏 " + by,
        State = FaultStates.Reported,
        ReporterId = 1,
        ReporterName = by,
    };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Reports_of_one_device_at_once_open_one_ticket_and_steps_move_it_once(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var faults = new VideoFaultStore(store.Database, store.Time);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => faults.ReportAsync(Report(42, $"用户{i}"), ct)));
        var created = Assert.Single(results, r => r.Created is not null).Created!;
        Assert.All(results.Where(r => r.Created is null), r => Assert.Equal(created.Id, r.Open!.Id));

        var actor = new FaultActor(1, "调度员");
        var moves = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => faults.MoveAsync(created.Id, [FaultStates.Reported], FaultStates.Closed, "close", actor, "重复申报", null, ct)));
        Assert.Single(moves, m => m is not null);
        Assert.Equal(["report", "close"], (await faults.EventsAsync(created.Id, ct)).Select(e => e.Action));

        // Closed, the device may be reported again; the lists count per state within the scope.
        var (again, open) = await faults.ReportAsync(Report(42, "再次"), ct);
        Assert.NotNull(again);
        Assert.Null(open);
        var (total, items, counts) = await faults.ListAsync(new FaultQuery(DeviceScope.Organisations([7]), [], null, null, 42, 0, 10), ct);
        Assert.Equal(2, total);
        Assert.Equal(again.Id, items[0].Id);
        Assert.Equal((1, 1), (counts[FaultStates.Reported], counts[FaultStates.Closed]));
        Assert.Equal(0, (await faults.ListAsync(new FaultQuery(DeviceScope.Organisations([8]), [], null, null, null, 0, 10), ct)).Total);
    }
}

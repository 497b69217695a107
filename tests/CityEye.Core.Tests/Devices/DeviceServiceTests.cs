using CityEye.Core.Auth;
using CityEye.Core.Demo;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Domain;
using CityEye.Core.Groups;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;
using CityEye.Core.Storage;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Validation;
using Dapper;

namespace CityEye.Core.Tests.Devices;

public sealed class DeviceServiceTests
{
    private static readonly DeviceWriter Writer = new("test", "test");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task CreateManyAsync_ValidBatch_WritesDevicesWithOutboxRows(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (service, deviceStore, station) = await SetUpAsync(store, ct);

        var result = await service.CreateManyAsync([Device(station, 1), Device(station, 2, DeviceStatus.Offline)], Writer, ct);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Ids.Count);
        var stored = await deviceStore.GetAsync(result.Ids[0], DeviceScope.All, ct);
        Assert.NotNull(stored);
        Assert.Equal("31011801001320000001", stored.GbCode);
        Assert.Equal(DeviceType.SmartBullet, stored.Type);
        Assert.Equal(121.1, stored.Longitude, 6);
        Assert.Equal(store.Time.GetUtcNow(), stored.CreatedAt);
        var outbox = await OutboxWriter.PendingAsync(store.Database, 10, ct);
        Assert.Equal(result.Ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)), outbox.Select(m => m.EntityKey));
        Assert.All(outbox, m => Assert.Equal(DeviceStore.CreatedTopic, m.Topic));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task CreateManyAsync_InvalidOrDuplicateRows_ReportsPerRowAndWritesNothing(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (service, deviceStore, station) = await SetUpAsync(store, ct);
        Assert.True((await service.CreateManyAsync([Device(station, 1)], Writer, ct)).Succeeded);

        var result = await service.CreateManyAsync(
        [
            Device(station, 2),
            Device(station, 1) with { KeyboardCode = "900001" },
            Device(station, 3) with { GbCode = "123", Name = " ", Longitude = 200, IpAddress = "10.0.0.300" },
            Device(station, 4) with { KeyboardCode = "100002" },
        ],
            Writer,
            ct);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Ids);
        Assert.Equal([2, 3, 4], result.Problems.Select(p => p.Row));
        Assert.Contains("gbCode", result.Problems[0].Fields);
        Assert.Equal(["gbCode", "ipAddress", "longitude", "name"], result.Problems[1].Fields.Order(StringComparer.Ordinal));
        Assert.Equal(["keyboardCode"], result.Problems[2].Fields);
        Assert.Equal(ErrorCodes.Unique, result.Problems[2].Violations[0].Code);
        Assert.Equal(ErrorCodes.Format, result.Problems[1].Violations.Single(v => v.Field == "ipAddress").Code);
        Assert.Equal(1, (await deviceStore.SummariseAsync(DeviceScope.All, ct)).Total);
        Assert.Single(await OutboxWriter.PendingAsync(store.Database, 10, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task DemoSeedJob_RunTwice_SeedsTheWholeDistrictOnce(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var users = new UserStore(store.Database, store.Time);
        await BuiltInRoles.EnsureAsync(new RoleStore(store.Database, store.Time), ct);
        var organisations = new OrganisationStore(store.Database, store.Time);
        var deviceStore = new DeviceStore(store.Database, store.Time);
        var catalog = new LedgerCatalog(store.Database, store.Time);
        await catalog.EnsureDefaultsAsync(ct);
        var seed = new DemoSeedJob(
            organisations, new BusinessGroupStore(store.Database, store.Time), users, new RoleStore(store.Database, store.Time), new DeviceService(deviceStore, catalog), new DeviceStatusFeed(store.Database, store.Time), new PasswordHasher(1_000), store.Time);
        var jobs = new JobStore(store.Database, store.Time);
        var job = await jobs.EnqueueAsync(DemoSeedJob.JobKind, "seed", DemoSeedJob.Parameters(DemoDistrictGenerator.DefaultSeed), null, null, ct);
        await jobs.TryStartAsync(job.Id, ct);

        var first = await seed.RunAsync(new JobContext(job, jobs), ct);
        // A resumed run (after a restart) finds everything written and adds nothing.
        var second = await seed.RunAsync(new JobContext(job, jobs), ct);

        Assert.Equal(first, second);
        var summary = await deviceStore.SummariseAsync(DeviceScope.All, ct);
        Assert.Equal(16_231, summary.Total);
        Assert.Equal(9_057, summary.ByTypeAndStatus.Where(r => r.Type == DeviceType.SmartBullet).Sum(r => r.Count));
        Assert.Equal(80, summary.ByTypeAndStatus.Where(r => r.Type == DeviceType.VehicleMounted).Sum(r => r.Count));
        Assert.Equal(DemoSeedJob.Users.Count, await users.CountAsync(ct));
        await using var connection = await store.Database.OpenConnectionAsync(ct);
        Assert.Equal(16_231, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal(1.0, (await jobs.GetAsync(job.Id, ct))?.Progress);

        // The station user's device permission reaches only the station's devices.
        var station = await users.FindByUsernameAsync("station", ct);
        Assert.NotNull(station);
        var scope = await users.GetDeviceScopeAsync(station.Id, ct);
        Assert.False(scope.IsAll);
        Assert.Equal([station.OrganisationId], scope.OrganisationIds);
        var scoped = await deviceStore.SummariseAsync(scope, ct);
        Assert.InRange(scoped.Total, 1, 16_230);
        Assert.Equal(station.OrganisationId, Assert.Single(scoped.ByOrganisation).OrganisationId);
        var tree = await organisations.ListAsync(scope, ct);
        Assert.Equal(scoped.Total, tree.Sum(o => o.DeviceCount));
        Assert.Equal(DeviceScope.All, await users.GetDeviceScopeAsync((await users.FindByUsernameAsync("admin", ct))!.Id, ct));
        Assert.Equal(DeviceScope.None, await users.GetDeviceScopeAsync(long.MaxValue, ct));
        Assert.Equal(0, (await deviceStore.SummariseAsync(DeviceScope.None, ct)).Total);
        var outside = await connection.ExecuteScalarAsync<long>("SELECT MIN(id) FROM devices WHERE organisation_id <> @org", new { org = station.OrganisationId });
        var inside = await connection.ExecuteScalarAsync<long>("SELECT MIN(id) FROM devices WHERE organisation_id = @org", new { org = station.OrganisationId });
        Assert.Null(await deviceStore.GetAsync(outside, scope, ct));
        Assert.NotNull(await deviceStore.GetAsync(outside, DeviceScope.All, ct));
        Assert.Equal(inside, (await deviceStore.GetAsync(inside, scope, ct))?.Id);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task StatusFeed_StatusChange_IsANewVersionThatMakesOlderEditsStale(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (service, deviceStore, station) = await SetUpAsync(store, ct);
        var id = (await service.CreateManyAsync([Device(station, 1)], Writer, ct)).Ids[0];
        var feed = new DeviceStatusFeed(store.Database, store.Time);

        Assert.Equal(0, await feed.ApplyAsync([new StatusReport(Device(station, 1).GbCode, DeviceStatus.Online, store.Time.GetUtcNow(), 0.98)], ct));
        Assert.Equal(1, await feed.ApplyAsync([new StatusReport(Device(station, 1).GbCode, DeviceStatus.Offline, store.Time.GetUtcNow(), null)], ct));

        var device = await deviceStore.GetAsync(id, DeviceScope.All, ct);
        Assert.Equal(DeviceStatus.Offline, device!.Status);
        Assert.Equal(2, device.Version);
        Assert.Equal(0.98, device.RecordingCompleteness);
        Assert.Equal(store.Time.GetUtcNow(), device.LastOfflineAt);
        var latest = (await deviceStore.VersionsAsync(id, DeviceScope.All, ct))[0];
        Assert.Equal(("status", "status-feed"), (latest.Source, latest.ChangedBy));
        Assert.Equal(new FieldChange("status", "Online", "Offline"), Assert.Single(latest.Changes));

        // An edit made on the version before the status change is refused instead of writing the old status back.
        var stale = await service.UpdateAsync(id, DeviceFields.ToMap(Device(station, 1) with { Name = "改名" }), 1, Writer, DeviceScope.All, ct);
        Assert.Equal(DeviceWriteStatus.Stale, stale.Status);
    }

    internal static async Task<(DeviceService Service, DeviceStore Store, long StationId)> SetUpAsync(TestStore store, CancellationToken ct)
    {
        var organisations = new OrganisationStore(store.Database, store.Time);
        var bureau = await organisations.EnsureAsync("310118000000", null, "上海市公安局青浦分局", OrganisationKind.Bureau, null, ct);
        var station = await organisations.EnsureAsync("310118010000", bureau, "夏阳派出所", OrganisationKind.Station, "夏阳街道", ct);
        Assert.Equal(station, await organisations.EnsureAsync("310118010000", bureau, "夏阳派出所", OrganisationKind.Station, "夏阳街道", ct));
        var deviceStore = new DeviceStore(store.Database, store.Time);
        var catalog = new LedgerCatalog(store.Database, store.Time);
        await catalog.EnsureDefaultsAsync(ct);
        return (new DeviceService(deviceStore, catalog), deviceStore, station);
    }

    internal static Device Device(long organisationId, int serial, DeviceStatus status = DeviceStatus.Online) => new()
    {
        GbCode = GbCode.Create("31011801", "00", "132", 0, serial),
        Name = $"夏阳街道盈港东路华青路口东向_智能枪机_{serial}",
        KeyboardCode = $"10000{serial}",
        Type = DeviceType.SmartBullet,
        Status = status,
        OrganisationId = organisationId,
        Region = "夏阳街道",
        IpAddress = $"10.101.0.{serial}",
        Manufacturer = "海康威视",
        Model = "DS-2CD7A47",
        Resolution = "2560x1440",
        Longitude = 121.1,
        Latitude = 31.15,
    };
}

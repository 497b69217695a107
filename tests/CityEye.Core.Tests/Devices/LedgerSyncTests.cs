using CityEye.Core.Devices;
using CityEye.Core.Devices.Sync;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Validation;

namespace CityEye.Core.Tests.Devices;

public sealed class LedgerSyncTests
{
    private static readonly DeviceWriter Writer = new("ledger-system", "sync:qingpu-ledger");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Batches_AreAcceptedInSequence_ReplaysChangeNothing_AndGapsAreRefused(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var sync = new LedgerSyncStore(store.Database, store.Time);

        var first = await sync.AcceptAsync("qingpu-ledger", Batch("b1", 1, LedgerSyncModes.Incremental, []), "ledger-system", ct);
        Assert.Equal(LedgerSyncAcceptance.Accepted, first.Outcome);
        var replay = await sync.AcceptAsync("qingpu-ledger", Batch("b1", 1, LedgerSyncModes.Incremental, []), "ledger-system", ct);
        Assert.Equal(LedgerSyncAcceptance.Replay, replay.Outcome);
        Assert.Equal(LedgerSyncAcceptance.SequenceUsed, (await sync.AcceptAsync("qingpu-ledger", Batch("other", 1, LedgerSyncModes.Incremental, []), "ledger-system", ct)).Outcome);
        var gap = await sync.AcceptAsync("qingpu-ledger", Batch("b3", 3, LedgerSyncModes.Incremental, []), "ledger-system", ct);
        Assert.Equal((LedgerSyncAcceptance.SequenceGap, 2L), (gap.Outcome, gap.Expected));
        Assert.Equal(LedgerSyncAcceptance.Accepted, (await sync.AcceptAsync("other-source", Batch("b1", 1, LedgerSyncModes.Incremental, []), "ledger-system", ct)).Outcome);

        var source = await sync.GetSourceAsync("qingpu-ledger", ct);
        Assert.Equal((1L, 0L), (source!.AcceptedSequence, source.AppliedSequence));
        Assert.NotNull(await sync.NextToApplyAsync("qingpu-ledger", 1, ct));
        Assert.Null(await sync.NextToApplyAsync("qingpu-ledger", 0, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task FullRun_UpsertsInParts_ThenRemovesWhatTheSourceNoLongerHas_AndApplyingAgainWritesNothing(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (service, devices, station) = await DeviceServiceTests.SetUpAsync(store, ct);
        Assert.True((await service.CreateManyAsync([DeviceServiceTests.Device(station, 1), DeviceServiceTests.Device(station, 2), DeviceServiceTests.Device(station, 3)], Writer, ct)).Succeeded);
        var sync = new LedgerSyncStore(store.Database, store.Time);
        var applier = new LedgerSyncApplier(service, devices, sync);

        // The source has devices 1 (renamed), 2 (unchanged) and 4 (new, plus one with a bad IP); device 3 is gone.
        var renamed = Record(station, 1);
        renamed = renamed with { Fields = new Dictionary<string, string?> { ["name"] = "夏阳街道青赵公路外青松公路_智能枪机" } };
        var bad = Record(station, 5);
        ((Dictionary<string, string?>)bad.Fields!)["ipAddress"] = "10.0.0.300";
        await sync.AcceptAsync("qingpu-ledger", Batch("full-1a", 1, LedgerSyncModes.Full, [renamed, Record(station, 2)]) with { FullRunId = "run-1" }, "ledger-system", ct);
        await sync.AcceptAsync("qingpu-ledger", Batch("full-1b", 2, LedgerSyncModes.Full, [Record(station, 4), bad]) with { FullRunId = "run-1", Final = true, RemoveMissing = true, Cursor = "2026-11-26T01:00" }, "ledger-system", ct);

        var part1 = (await sync.NextToApplyAsync("qingpu-ledger", 2, ct))!;
        var (counts1, _) = await applier.ApplyAsync(part1, Writer, DeviceScope.All, (_, _) => Task.CompletedTask, ct);
        Assert.Equal(new LedgerSyncCounts(0, 1, 1, 0, 0, 0), counts1);

        // A crash before the batch was marked applied: applying it again writes nothing.
        var (again, _) = await applier.ApplyAsync(part1, Writer, DeviceScope.All, (_, _) => Task.CompletedTask, ct);
        Assert.Equal(new LedgerSyncCounts(0, 0, 2, 0, 0, 0), again);
        await sync.MarkAppliedAsync(part1, counts1, new LedgerSyncReport([], []), ct);

        var part2 = (await sync.NextToApplyAsync("qingpu-ledger", 2, ct))!;
        Assert.Equal(2, part2.Sequence);
        var (counts2, report) = await applier.ApplyAsync(part2, Writer, DeviceScope.All, (_, _) => Task.CompletedTask, ct);
        Assert.Equal(new LedgerSyncCounts(1, 0, 0, 1, 1, 1), counts2);
        var problem = Assert.Single(report.Problems);
        Assert.Equal((2, "ipAddress", ErrorCodes.Format), (problem.Record, problem.Violations[0].Field, problem.Violations[0].Code));
        Assert.Equal([GbCode(3)], report.Missing);
        await sync.MarkAppliedAsync(part2, counts2, report, ct);

        var ledger = (await devices.GetByGbCodesAsync([GbCode(1), GbCode(2), GbCode(3), GbCode(4), GbCode(5)], ct));
        Assert.Equal([GbCode(1), GbCode(2), GbCode(4)], ledger.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("夏阳街道青赵公路外青松公路_智能枪机", ledger[GbCode(1)].Name);
        Assert.Equal("10.101.0.1", ledger[GbCode(1)].IpAddress);
        var source = (await sync.GetSourceAsync("qingpu-ledger", ct))!;
        Assert.Equal((2L, "2026-11-26T01:00"), (source.AppliedSequence, source.Cursor));
        Assert.NotNull(source.LastFullSyncAt);
        var versions = await devices.VersionsAsync(ledger[GbCode(1)].Id, DeviceScope.All, ct);
        Assert.Contains(versions, v => v.Source == "sync:qingpu-ledger" && v.Action == "updated" && v.ChangedBy == "ledger-system");
    }

    private static string GbCode(int serial) => CityEye.Core.Domain.GbCode.Create("31011801", "00", "132", 0, serial);

    private static LedgerSyncRecord Record(long station, int serial)
    {
        var fields = DeviceFields.ToMap(DeviceServiceTests.Device(station, serial)).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new LedgerSyncRecord(GbCode(serial), null, fields);
    }

    private static LedgerSyncBatchRequest Batch(string id, long sequence, string mode, IReadOnlyList<LedgerSyncRecord> records) =>
        new(id, sequence, mode, null, false, false, null, records);
}

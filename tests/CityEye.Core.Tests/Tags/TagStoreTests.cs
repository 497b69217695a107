using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using CityEye.Core.Storage;
using CityEye.Core.Tags;
using CityEye.Core.Tests.Devices;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Validation;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.Core.Tests.Tags;

/// <summary>Tags on SQLite and PostgreSQL: one label per device and tag, merge and recycle all or nothing, derived labels through the outbox, statistics.</summary>
public sealed class TagStoreTests
{
    private sealed record Setup(TagStore Tags, LabelStore Labels, TagMaintenance Maintenance, long StationA, long StationB, IReadOnlyList<long> Devices);

    /// <summary>Four devices of station A and two of station B.</summary>
    private static async Task<Setup> SetUpAsync(TestStore store, CancellationToken ct)
    {
        var (service, _, stationA) = await DeviceServiceTests.SetUpAsync(store, ct);
        var organisations = new OrganisationStore(store.Database, store.Time);
        var bureau = (await organisations.ListAsync(DeviceScope.All, ct)).Single(o => o.ParentId is null).Id;
        var stationB = await organisations.EnsureAsync("310118020000", bureau, "盈浦派出所", OrganisationKind.Station, "盈浦街道", ct);
        var created = await service.CreateManyAsync(
            [.. Enumerable.Range(1, 4).Select(i => DeviceServiceTests.Device(stationA, i)), .. Enumerable.Range(5, 2).Select(i => DeviceServiceTests.Device(stationB, i))],
            new DeviceWriter("test", "test"),
            ct);
        Assert.True(created.Succeeded);
        return new Setup(new TagStore(store.Database, store.Time), new LabelStore(store.Database, store.Time), new TagMaintenance(store.Database, store.Time), stationA, stationB, created.Ids);
    }

    private static async Task<Tag> SceneAsync(TagStore tags, string kind, string name, long? parent, CancellationToken ct)
    {
        var (tag, _, problem) = await tags.CreateAsync(TagCategories.Scene, kind, name, parent, null, null, TagOrigins.Manual, "clerk", ct);
        Assert.Null(problem);
        return tag!;
    }

    private static async Task<List<(long Device, long Tag, string Origin)>> LabelsAsync(TestStore store, CancellationToken ct)
    {
        await using var connection = await store.Database.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<(long, long, string)>(new CommandDefinition("SELECT device_id, tag_id, origin FROM device_labels ORDER BY device_id, tag_id", cancellationToken: ct))];
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Labels_are_never_doubled_and_merge_and_recycle_move_every_label_and_count(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (tags, labels, maintenance, stationA, stationB, d) = await SetUpAsync(store, ct);

        var school = await SceneAsync(tags, TagKinds.PlaceType, "学校", null, ct);
        var gate = await SceneAsync(tags, TagKinds.PlacePart, "校门", school.Id, ct);
        var door = await SceneAsync(tags, TagKinds.PlacePart, "大门", school.Id, ct);
        var named = await SceneAsync(tags, TagKinds.PlaceName, "青浦区实验小学", door.Id, ct);

        // The same name (full-width, spaced) is the same tag; a part needs a place type above it.
        var (again, existing, _) = await tags.CreateAsync(TagCategories.Scene, TagKinds.PlacePart, " 校 门 ", school.Id, null, null, TagOrigins.Manual, "other", ct);
        Assert.True(existing);
        Assert.Equal(gate.Id, again!.Id);
        Assert.Equal(("parentId", ErrorCodes.TagParent), (await tags.CreateAsync(TagCategories.Scene, TagKinds.PlacePart, "操场", null, null, null, TagOrigins.Manual, "clerk", ct)) is var (_, _, p) ? (p!.Field, p.Code) : default);
        Assert.Equal(("groupId", ErrorCodes.TagGroup), (await tags.CreateAsync(TagCategories.Business, TagKinds.Tag, "重点部位", null, null, null, TagOrigins.Manual, "clerk", ct)) is var (_, _, q) ? (q!.Field, q.Code) : default);

        Assert.Equal(new LabelResult(3, 0), await labels.LabelAsync(gate.Id, [d[0], d[1], d[2]], "clerk", ct));
        Assert.Equal(new LabelResult(1, 1), await labels.LabelAsync(gate.Id, [d[2], d[4]], "clerk", ct));
        Assert.Equal(new LabelResult(2, 0), await labels.LabelAsync(door.Id, [d[2], d[3]], "other", ct));
        Assert.Equal(new LabelResult(2, 0), await labels.LabelAsync(named.Id, [d[3], d[5]], "other", ct));
        var outbox = await OutboxWriter.PendingAsync(store.Database, 100, ct);
        Assert.Equal(8, outbox.Count(m => m.Topic == LabelStore.Topic));

        // Counts take the descendants, once per device, inside the scope.
        await using (var connection = await store.Database.OpenConnectionAsync(ct))
        {
            var all = await new TagDirectory(store.Database).DeviceCountsAsync(connection, DeviceScope.All, ct);
            Assert.Equal((6L, 4L, 3L, 2L), (all[school.Id], all[gate.Id], all[door.Id], all[named.Id]));
            var onlyB = await new TagDirectory(store.Database).DeviceCountsAsync(connection, DeviceScope.Organisations([stationB]), ct);
            Assert.Equal((2L, 1L, 1L), (onlyB[school.Id], onlyB[gate.Id], onlyB[door.Id]));
        }

        // Users remove their own labels only (unless they may remove anyone's).
        Assert.Equal(LabelRemoval.NotOwner, await labels.RemoveAsync(door.Id, d[2], "clerk", anyone: false, ct));
        Assert.Equal(LabelRemoval.NotFound, await labels.RemoveAsync(door.Id, d[0], "clerk", anyone: true, ct));

        // Merge 大门 into 校门: d3 keeps one 校门 label, d4 gains it, the place name moves under 校门.
        Assert.Equal(ErrorCodes.TagMergeSelf, (await Assert.ThrowsAsync<TagMaintenanceException>(() => maintenance.MergeAsync(gate.Id, gate.Id, ct))).Code);
        Assert.Equal(ErrorCodes.TagMergeKind, (await Assert.ThrowsAsync<TagMaintenanceException>(() => maintenance.MergeAsync(door.Id, school.Id, ct))).Code);
        var merged = await maintenance.MergeAsync(door.Id, gate.Id, ct);
        Assert.Equal((1, 1, 2, 3, false), (merged.Tags, merged.LabelsMoved, merged.LabelsRemoved, merged.Devices, merged.AlreadyDone));
        var after = await LabelsAsync(store, ct);
        Assert.Equal(after.Count, after.Distinct().Count());
        Assert.Equal([d[0], d[1], d[2], d[3], d[4]], after.Where(l => l.Tag == gate.Id).Select(l => l.Device));
        Assert.DoesNotContain(after, l => l.Tag == door.Id);
        Assert.Equal(gate.Id, (await tags.GetAsync(named.Id, ct))!.ParentId);
        Assert.Equal((TagStates.Merged, (long?)gate.Id), (await tags.GetAsync(door.Id, ct)) is { } m ? (m.State, m.MergedInto) : default);
        Assert.True((await maintenance.MergeAsync(door.Id, gate.Id, ct)).AlreadyDone);
        Assert.Equal(ErrorCodes.TagNotActive, (await Assert.ThrowsAsync<TagMaintenanceException>(() => maintenance.MergeAsync(door.Id, school.Id, ct))).Code);
        // The devices whose indexed tags change: those of 大门 and those under the moved place name (d[5] only there).
        Assert.Equal([d[2], d[3], d[5]], (await OutboxWriter.PendingAsync(store.Database, 100, ct)).Where(m => m.Topic == TagMaintenance.Topic).Select(m => long.Parse(m.EntityKey, System.Globalization.CultureInfo.InvariantCulture)));

        // A new tag of the merged name can exist again (only active names are unique).
        Assert.False((await tags.CreateAsync(TagCategories.Scene, TagKinds.PlacePart, "大门", school.Id, null, null, TagOrigins.Manual, "clerk", ct)).Existing);

        // Recycling the place type takes every label of it and its sub-tags off every device.
        var recycled = await maintenance.RecycleAsync(school.Id, ct);
        Assert.Equal((4, 7, 6), (recycled.Tags, recycled.LabelsRemoved, recycled.Devices));
        Assert.Empty(await LabelsAsync(store, ct));
        Assert.Equal(TagStates.Recycled, (await tags.GetAsync(named.Id, ct))!.State);
        Assert.True((await maintenance.RecycleAsync(school.Id, ct)).AlreadyDone);
        var other = await SceneAsync(tags, TagKinds.PlaceType, "医院", null, ct);
        Assert.Equal(ErrorCodes.TagNotActive, (await Assert.ThrowsAsync<TagMaintenanceException>(() => maintenance.MergeAsync(other.Id, school.Id, ct))).Code);
        Assert.Null(await labels.LabelAsync(gate.Id, [d[0]], "clerk", ct));
        _ = stationA;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Derived_labels_follow_labels_rules_and_basic_plans_through_the_outbox(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (tags, labels, maintenance, _, _, d) = await SetUpAsync(store, ct);
        var derivation = new TagDerivation(store.Database, new OutboxReader(store.Database, store.Time), store.Time, NullLogger<TagDerivation>.Instance);
        var rules = new TagRuleStore(store.Database, store.Time);

        var school = await SceneAsync(tags, TagKinds.PlaceType, "学校", null, ct);
        var gate = await SceneAsync(tags, TagKinds.PlacePart, "校门", school.Id, ct);
        var name = await SceneAsync(tags, TagKinds.PlaceName, "青浦区实验小学", gate.Id, ct);
        var campus = (await tags.CreateAsync(TagCategories.Derived, TagKinds.Tag, "校园周边", null, null, null, TagOrigins.Manual, "admin", ct)).Tag!;
        await rules.SaveAsync(null, "学校校门", campus.Id, [school.Id, gate.Id], [], true, "admin", ct);

        // A place name under 学校/校门 satisfies both required tags; the type alone does not.
        await labels.LabelAsync(name.Id, [d[0]], "clerk", ct);
        await labels.LabelAsync(school.Id, [d[1]], "clerk", ct);
        await derivation.DrainOnceAsync(ct);
        Assert.Contains((d[0], campus.Id, LabelOrigins.Derived), await LabelsAsync(store, ct));
        Assert.DoesNotContain(await LabelsAsync(store, ct), l => l.Device == d[1] && l.Tag == campus.Id);
        Assert.Contains(await OutboxWriter.PendingAsync(store.Database, 100, ct), m => m.Topic == TagDerivation.Topic && m.EntityKey == d[0].ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Taking the label off takes the derived one too.
        Assert.Equal(LabelRemoval.Removed, await labels.RemoveAsync(name.Id, d[0], "clerk", anyone: false, ct));
        await derivation.DrainOnceAsync(ct);
        Assert.DoesNotContain(await LabelsAsync(store, ct), l => l.Tag == campus.Id);

        // A basic plan of a police line labels its devices with its business tag while they are in it.
        var group = (await tags.CreateGroupAsync(TagCategories.Business, "publicSecurity", null, "基础预案", "admin", ct))!;
        var planTag = (await tags.CreateAsync(TagCategories.Business, TagKinds.Tag, "学校周边巡查", null, group.Id, null, TagOrigins.Plan, "admin", ct)).Tag!;
        await store.Database.InTransactionAsync(async (connection, transaction) =>
        {
            var directory = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT id FROM plan_directories WHERE parent_id IS NULL AND plan_type = 'basic'", transaction: transaction, cancellationToken: ct));
            var plan = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO plans (directory_id, plan_type, name, police_line, business_tag_id, screens, split, patrol_seconds, view_count, version, created_by, created_at, updated_at)
                VALUES (@directory, 'basic', '学校周边巡查', 'publicSecurity', @tag, 1, 4, 30, 0, 1, 'admin', @now, @now) RETURNING id
                """,
                new { directory, tag = planTag.Id, now = store.Time.GetUtcNow() },
                transaction,
                cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO plan_devices (plan_id, device_id, position) VALUES (@plan, @device, 0)", new { plan, device = d[4] }, transaction, cancellationToken: ct));
            await OutboxWriter.WriteAsync(connection, transaction, TagDerivation.PlanDevicesTopic, "device", d[4].ToString(System.Globalization.CultureInfo.InvariantCulture), null, store.Time.GetUtcNow(), ct);
            return 0;
        }, ct);
        await derivation.DrainOnceAsync(ct);
        Assert.Contains((d[4], planTag.Id, LabelOrigins.Derived), await LabelsAsync(store, ct));
        Assert.Equal(LabelRemoval.Derived, await labels.RemoveAsync(planTag.Id, d[4], "admin", anyone: true, ct));

        // Recycling the rule's target switches the rule off; recomputing everything removes nothing else.
        await labels.LabelAsync(gate.Id, [d[2]], "clerk", ct);
        await derivation.DrainOnceAsync(ct);
        Assert.Contains((d[2], campus.Id, LabelOrigins.Derived), await LabelsAsync(store, ct));
        await maintenance.RecycleAsync(campus.Id, ct);
        Assert.False(Assert.Single(await rules.ListAsync(ct)).Enabled);
        await derivation.DrainOnceAsync(ct);
        Assert.Equal([(d[1], school.Id, LabelOrigins.Manual), (d[2], gate.Id, LabelOrigins.Manual), (d[4], planTag.Id, LabelOrigins.Derived)], await LabelsAsync(store, ct));
        Assert.Equal(0, await derivation.DeriveAsync(null, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Statistics_count_labelling_work_per_unit_and_Shanghai_day_inside_the_scope(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (tags, labels, _, stationA, stationB, d) = await SetUpAsync(store, ct);
        var statistics = new TagStatisticsService(store.Database);
        var school = await SceneAsync(tags, TagKinds.PlaceType, "学校", null, ct);
        var market = await SceneAsync(tags, TagKinds.PlaceType, "菜市场", null, ct);

        // 2026-11-25 08:00 UTC is the 25th in Shanghai; 17:00 UTC is already the 26th there.
        await labels.LabelAsync(school.Id, [d[0], d[1]], "clerk", ct);
        store.Time.SetUtcNow(new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero));
        await labels.LabelAsync(market.Id, [d[0], d[4]], "other", ct);
        store.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        await labels.LabelAsync(school.Id, [d[5]], "other", ct);

        var from = new DateOnly(2026, 11, 26);
        var to = new DateOnly(2026, 11, 27);
        var all = (await statistics.ComputeAsync(null, from, to, DeviceScope.All, ct))!;
        Assert.Equal((6L, 4L, 5L, 2), (all.TotalDevices, all.LabelledDevices, all.Labels, all.Labellers));
        Assert.Equal((3L, 2L), (all.Unit.NewLabels, all.Unit.NewLabelledDevices));
        Assert.Equal([(from, 2L, 1L), (to, 1L, 1L)], all.Trend.Select(t => (t.Day, t.Labels, t.NewLabelledDevices)));
        var a = all.SubUnits.Single(u => u.OrganisationId == stationA);
        var b = all.SubUnits.Single(u => u.OrganisationId == stationB);
        Assert.Equal((4L, 2L, 3L, 2, 1.0, 0L, 1L), (a.Devices, a.LabelledDevices, a.Labels, a.Labellers, a.DevicesPerLabeller, a.NewLabelledDevices, a.NewLabels));
        Assert.Equal((2L, 2L, 2L, 1, 2.0, 2L, 2L), (b.Devices, b.LabelledDevices, b.Labels, b.Labellers, b.DevicesPerLabeller, b.NewLabelledDevices, b.NewLabels));
        Assert.Equal(2, all.Categories.Single(c => c.Category == TagCategories.Scene).Tags);

        // Cumulative figures stop at the end of the period; the scope hides the other station.
        var early = (await statistics.ComputeAsync(null, new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 25), DeviceScope.All, ct))!;
        Assert.Equal((2L, 2L), (early.LabelledDevices, early.Labels));
        var onlyB = (await statistics.ComputeAsync(stationB, from, to, DeviceScope.Organisations([stationB]), ct))!;
        Assert.Equal((2L, 2L, 2L), (onlyB.TotalDevices, onlyB.LabelledDevices, onlyB.Labels));
        var hidden = (await statistics.ComputeAsync(null, from, to, DeviceScope.Organisations([stationB]), ct))!;
        Assert.Equal(0L, hidden.SubUnits.Single(u => u.OrganisationId == stationA).Devices);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Concurrent_merges_and_labels_leave_no_label_on_a_merged_tag(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (tags, labels, maintenance, _, _, d) = await SetUpAsync(store, ct);
        var a = await SceneAsync(tags, TagKinds.PlaceType, "甲", null, ct);
        var b = await SceneAsync(tags, TagKinds.PlaceType, "乙", null, ct);
        var c = await SceneAsync(tags, TagKinds.PlaceType, "丙", null, ct);
        await labels.LabelAsync(a.Id, [d[0], d[1]], "clerk", ct);
        await labels.LabelAsync(b.Id, [d[2]], "clerk", ct);

        // a → b, b → c and labels on a and b, all at once: whatever order they end up in, no merged tag keeps a label.
        var work = new List<Task>
        {
            Attempt(() => maintenance.MergeAsync(a.Id, b.Id, ct)),
            Attempt(() => maintenance.MergeAsync(b.Id, c.Id, ct)),
            labels.LabelAsync(a.Id, [d[3]], "clerk", ct),
            labels.LabelAsync(b.Id, [d[4]], "clerk", ct),
        };
        await Task.WhenAll(work);

        var states = new Dictionary<long, string>();
        foreach (var id in new[] { a.Id, b.Id, c.Id })
        {
            states[id] = (await tags.GetAsync(id, ct))!.State;
        }

        var rows = await LabelsAsync(store, ct);
        Assert.All(rows, l => Assert.Equal(TagStates.Active, states[l.Tag]));
        Assert.Equal(rows.Count, rows.Select(l => (l.Device, l.Tag)).Distinct().Count());
        Assert.Equal(TagStates.Active, states[c.Id]);

        static async Task Attempt(Func<Task> merge)
        {
            try
            {
                await merge();
            }
            catch (TagMaintenanceException e) when (e.Code == ErrorCodes.TagNotActive)
            {
                // The other merge took this tag first.
            }
        }
    }

    [Fact]
    public void Tag_access_comes_from_the_user_then_the_nearest_unit_rule_then_the_unit_kind()
    {
        var units = new Dictionary<long, (long? ParentId, OrganisationKind Kind)>
        {
            [1] = (null, OrganisationKind.Bureau),
            [2] = (1, OrganisationKind.Station),
            [3] = (1, OrganisationKind.Unit),
            [4] = (3, OrganisationKind.Unit),
            [5] = (1, OrganisationKind.Fire),
        };
        var now = DateTimeOffset.UnixEpoch;
        var rules = new Dictionary<long, TagAccessSetting> { [3] = new(null, ["criminal", "narcotics"], "admin", now) };

        var station = TagAccessStore.Resolve(2, false, null, units, rules);
        Assert.Equal((ConstructionLevels.Normal, TagAccess.FromDefault), (station.ConstructionLevel, station.LevelSource));
        Assert.Equal(["publicSecurity", "community"], station.PoliceLines);
        var squad = TagAccessStore.Resolve(4, false, null, units, rules);
        Assert.Equal(["criminal", "narcotics"], squad.PoliceLines);
        Assert.Equal((TagAccess.FromUnit, ConstructionLevels.High), (squad.LinesSource, squad.ConstructionLevel));
        var overridden = TagAccessStore.Resolve(4, false, new TagAccessSetting(ConstructionLevels.Sharing, null, "admin", now), units, rules);
        Assert.Equal((ConstructionLevels.Sharing, TagAccess.FromUser, TagAccess.FromUnit), (overridden.ConstructionLevel, overridden.LevelSource, overridden.LinesSource));

        // Levels: each sees its own fields and those below; business tags by police line; scene tags for all.
        var fire = TagAccessStore.Resolve(5, false, null, units, rules);
        var field = (Level: ConstructionLevels.Normal, Group: new TagGroup { Id = 1, Category = TagCategories.Construction, Level = ConstructionLevels.Normal, Name = "建设项目", CreatedBy = "admin" });
        var construction = new Tag { Id = 1, Category = TagCategories.Construction, Kind = TagKinds.Tag, Name = "雪亮工程", GroupId = 1, Origin = TagOrigins.Manual, State = TagStates.Active, CreatedBy = "admin" };
        Assert.True(station.Sees(construction, field.Group));
        Assert.False(fire.Sees(construction, field.Group));
        var line = new TagGroup { Id = 2, Category = TagCategories.Business, PoliceLine = "criminal", Name = "重点部位", CreatedBy = "admin" };
        var business = construction with { Id = 2, Category = TagCategories.Business, GroupId = 2 };
        Assert.True(squad.Sees(business, line));
        Assert.False(station.Sees(business, line));
        Assert.True(new TagAccess(true, ConstructionLevels.Sharing, [], TagAccess.FromDefault, TagAccess.FromDefault).Sees(business, line));
        Assert.True(fire.Sees(construction with { Category = TagCategories.Scene, Kind = TagKinds.PlaceType }, null));
    }
}

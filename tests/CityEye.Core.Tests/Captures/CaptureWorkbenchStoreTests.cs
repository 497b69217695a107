using CityEye.Core.Captures;
using CityEye.Core.Tests.Storage;

namespace CityEye.Core.Tests.Captures;

/// <summary>The workbench stores (person library, vehicle registry, favourites, search history, shelf) on SQLite and PostgreSQL.</summary>
public sealed class CaptureWorkbenchStoreTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_library_matches_by_cosine_and_the_registry_finds_owners(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var library = new PersonLibraryStore(store.Database, store.Time);
        float[][] vectors = [[1, 0, 0], [0.8f, 0.6f, 0], [0, 1, 0], [0, 0, 1]];
        for (var i = 0; i < vectors.Length; i++)
        {
            await library.UpsertAsync(Person(i), vectors[i], ct);
        }

        var top = await library.MatchAsync([0.7f, 0.5f, 0], 3, ct);
        Assert.Equal(["人员1", "人员0", "人员2"], top.Select(t => t.Person.Name).ToArray());
        Assert.Equal(0.86f / MathF.Sqrt(0.74f), top[0].Similarity, 4);

        // Updating a person by ID number replaces the vector the next match uses.
        await library.UpsertAsync(Person(3) with { Name = "人员3改" }, [0.7f, 0.5f, 0], ct);
        Assert.Equal("人员3改", (await library.MatchAsync([0.7f, 0.5f, 0], 1, ct))[0].Person.Name);
        Assert.Equal(4, await library.CountAsync(ct));

        var registry = new VehicleRegistryStore(store.Database);
        await registry.UpsertAsync(Vehicle("沪A12345", "张三"), ct);
        await registry.UpsertAsync(Vehicle("沪B54321", "张三") with { Related = [new RelatedPerson("李四", "310", "配偶", "139")] }, ct);
        var found = await registry.FindAsync("沪b54321", ct);
        Assert.Equal("配偶", Assert.Single(found!.Related).Relation);
        Assert.Equal(["沪A12345", "沪B54321"], (await registry.OwnedByAsync(found.OwnerIdNumber, ct)).ToArray());
        Assert.Null(await registry.FindAsync("沪C00000", ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Favourites_history_and_the_shelf_keep_each_user_apart(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var favourites = new CaptureFavouriteStore(store.Database, store.Time);
        var group = (await favourites.CreateGroupAsync("alice", "车辆", ct))!;
        Assert.Null(await favourites.CreateGroupAsync("alice", "车辆", ct));
        Assert.NotNull(await favourites.CreateGroupAsync("bob", "车辆", ct));
        Assert.Equal(2, await favourites.AddAsync("alice", group.Id, [(1, "vehicle"), (2, "vehicle")], ct));
        Assert.Equal(1, await favourites.AddAsync("alice", group.Id, [(2, "vehicle"), (3, "face")], ct));
        Assert.Null(await favourites.AddAsync("bob", group.Id, [(4, "face")], ct));
        Assert.Equal(3, (await favourites.ItemsAsync("alice", group.Id, 0, 10, ct))!.Value.Total);

        var history = new SearchHistoryStore(store.Database, store.Time);
        for (var i = 0; i < 25; i++)
        {
            await history.AddAsync("alice", new SearchHistoryEntry { Kind = "vehicle", Summary = $"#{i}", Request = "{}", Results = i }, ct);
        }

        await history.AddAsync("bob", new SearchHistoryEntry { Kind = "image", Summary = "bob", Request = "{}" }, ct);
        var kept = await history.ListAsync("alice", ct);
        Assert.Equal(SearchHistoryStore.Keep, kept.Count);
        Assert.Equal("#24", kept[0].Summary);
        Assert.Equal("#5", kept[^1].Summary);
        Assert.Single(await history.ListAsync("bob", ct));

        var shelf = new ShelfStore(store.Database, store.Time);
        Assert.Equal(3, await shelf.AddAsync("alice", [(10, "body"), (11, "body"), (12, "face")], ShelfStatus.Suspected, ct));
        Assert.Equal(0, await shelf.AddAsync("alice", [(10, "body")], ShelfStatus.Confirmed, ct));
        Assert.True(await shelf.UpdateAsync("alice", 11, ShelfStatus.Confirmed, "同一人", ct));
        Assert.False(await shelf.UpdateAsync("bob", 11, ShelfStatus.Confirmed, null, ct));
        var archive = (await shelf.ArchiveAsync("alice", "案件一", ct))!;
        Assert.Equal(3, archive.ItemCount);
        Assert.Null(await shelf.ArchiveAsync("alice", "空", ct));
        Assert.Empty(await shelf.ItemsAsync("alice", null, ct));

        // Capture 10 is staged again before the archive comes back: it keeps its new shelf entry, the others return.
        await shelf.AddAsync("alice", [(10, "body")], ShelfStatus.Confirmed, ct);
        Assert.Null(await shelf.RestoreAsync("bob", archive.Id, ct));
        Assert.Equal(2, await shelf.RestoreAsync("alice", archive.Id, ct));
        var items = await shelf.ItemsAsync("alice", null, ct);
        Assert.Equal(3, items.Count);
        Assert.Equal(ShelfStatus.Confirmed, items.Single(i => i.CaptureId == 10).Status);
        Assert.Equal("同一人", items.Single(i => i.CaptureId == 11).Note);
        Assert.Empty(await shelf.ArchivesAsync("alice", ct));
        Assert.Equal(2, await shelf.RemoveAsync("alice", [10, 12], ct));
    }

    private static LibraryPerson Person(int i) => new()
    {
        Name = $"人员{i}",
        IdNumber = $"31011819900101000{i}",
        Gender = "female",
        BirthDate = "1990-01-01",
        Address = "青浦",
        Photo = $"blob:p{i}.jpg",
        Source = "test",
    };

    private static RegisteredVehicle Vehicle(string plate, string owner) => new()
    {
        Plate = plate,
        PlateColour = "blue",
        VehicleColour = "white",
        VehicleType = "car",
        Brand = "大众",
        OwnerName = owner,
        OwnerIdNumber = "310118198001010011",
        OwnerPhone = "138",
        OwnerAddress = "青浦",
        RegisteredOn = "2020-01-01",
    };
}

using CityEye.Core.Tests.Storage;
using CityEye.Core.Walls;

namespace CityEye.Core.Tests.Walls;

/// <summary>The video wall's layout operations and its store on SQLite and PostgreSQL.</summary>
public sealed class VideoWallTests
{
    [Fact]
    public void Layout_operations_page_swap_and_patrol_without_ever_half_applying()
    {
        var state = WallLayout.New(2);
        state = WallLayout.SendScreen(state, 0, 4, [1, 2, null, 4, 5, 6, null, null], patrolSeconds: 10);
        var screen = state.Screens[0];
        // Trailing empty cells do not make a page.
        Assert.Equal(6, screen.Devices.Count);
        Assert.Equal(2, screen.Pages);
        Assert.True(screen.Patrolling);
        Assert.Equal([1, 2, null, 4], screen.Showing);

        state = WallLayout.Page(state, 0, -1);
        Assert.Equal(1, state.Screens[0].Page);
        Assert.Equal([5, 6, null, null], state.Screens[0].Showing);

        // A cell is a cell of the page on show.
        state = WallLayout.SendCell(state, 0, 3, 9);
        Assert.Equal([1, 2, null, 4, 5, 6, null, 9], state.Screens[0].Devices);
        state = WallLayout.Swap(state, 0, 0, 1, 2);
        Assert.Equal([null, null, 5], state.Screens[1].Devices);
        Assert.Equal([null, 6, null, 9], state.Screens[0].Showing);

        // A 9-split holds all of it: one page, the first device still on show.
        state = WallLayout.SetSplit(state, 0, 9);
        Assert.Equal(0, state.Screens[0].Page);
        Assert.Equal(1, state.Screens[0].Pages);

        var before = state;
        var error = Assert.Throws<WallCommandException>(() => WallLayout.Patrol(state, 0, running: true, 10));
        Assert.Equal(("running", "wall.nothingToPatrol"), (error.Field, error.Code));
        Assert.Equal("cell", Assert.Throws<WallCommandException>(() => WallLayout.SendCell(state, 1, 4, 1)).Field);
        Assert.Equal("split", Assert.Throws<WallCommandException>(() => WallLayout.SetSplit(state, 1, 5)).Field);
        Assert.Equal("deviceIds", Assert.Throws<WallCommandException>(() => WallLayout.SendScreen(state, 1, 4, [.. Enumerable.Range(0, 201).Select(i => (long?)i)], null)).Field);
        Assert.Same(before, state);

        state = WallLayout.Resize(WallLayout.Clear(state, 1), 3);
        Assert.Equal(3, state.Screens.Count);
        Assert.Empty(state.Screens[1].Devices);
        Assert.Equal([1, 2, null, 4, null, 6, null, 9], state.Screens[0].Devices);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Walls_keep_their_state_and_refuse_a_change_made_from_an_old_version(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var walls = new VideoWallStore(store.Database, store.Time);
        var wall = await walls.CreateAsync("指挥中心大屏", 2, 3, "admin", ct);
        Assert.NotNull(wall);
        Assert.Equal(6, wall.State.Screens.Count);
        Assert.Null(await walls.CreateAsync("指挥中心大屏", 1, 1, "admin", ct));

        var changed = wall with { State = WallLayout.SendCell(wall.State, 4, 2, 42) };
        var saved = await walls.SaveAsync(changed, wall.Version, ct);
        Assert.Equal(wall.Version + 1, saved!.Version);
        // Saving over the old version again loses to the change already saved.
        Assert.Null(await walls.SaveAsync(changed, wall.Version, ct));

        var read = await walls.GetAsync(wall.Id, ct);
        Assert.Equal([null, null, 42], read!.State.Screens[4].Devices);
        Assert.Equal(saved.Version, read.Version);

        var other = await walls.CreateAsync("值班室", 1, 1, "admin", ct);
        await Assert.ThrowsAsync<WallNameTakenException>(() => walls.SaveAsync(other! with { Name = "指挥中心大屏" }, other.Version, ct));
        Assert.Equal(2, (await walls.ListAsync(ct)).Count);
        Assert.True(await walls.DeleteAsync(wall.Id, ct));
        Assert.Null(await walls.GetAsync(wall.Id, ct));
        Assert.Equal(1, await walls.CountAsync(ct));
    }
}

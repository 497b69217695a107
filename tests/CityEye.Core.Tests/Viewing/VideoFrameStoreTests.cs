using CityEye.Core.Tests.Storage;
using CityEye.Core.Viewing;

namespace CityEye.Core.Tests.Viewing;

/// <summary>Frames from recorded video on SQLite and PostgreSQL: each the taker's own, with its unmarked picture and the captures made of it.</summary>
public sealed class VideoFrameStoreTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_frame_is_the_takers_and_remembers_the_captures_made_of_it(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var frames = new VideoFrameStore(store.Database, store.Time);
        var at = new DateTimeOffset(2026, 11, 27, 8, 30, 15, 133, TimeSpan.Zero);

        var taken = await frames.AddAsync("zhangsan", 42, [(at, "aa/marked.jpg", "bb/raw.jpg"), (at.AddMilliseconds(67), "cc/marked.jpg", "dd/raw.jpg")], ct);
        Assert.Equal(2, taken.Count);
        var frame = await frames.GetAsync("zhangsan", taken[0].Id, ct);
        Assert.NotNull(frame);
        Assert.Equal((42L, at, "aa/marked.jpg", "bb/raw.jpg"), (frame.DeviceId, frame.At, frame.Blob, frame.RawBlob));
        Assert.Null(frame.Captures);
        Assert.Null(await frames.GetAsync("lisi", taken[0].Id, ct));

        await frames.SetCapturesAsync("lisi", taken[0].Id, [1, 2], ct);
        Assert.Null((await frames.GetAsync("zhangsan", taken[0].Id, ct))!.Captures);
        await frames.SetCapturesAsync("zhangsan", taken[0].Id, [7, 9, 11], ct);
        Assert.Equal([7L, 9L, 11L], (await frames.GetAsync("zhangsan", taken[0].Id, ct))!.Captures);
        Assert.Null((await frames.GetAsync("zhangsan", taken[1].Id, ct))!.Captures);
    }
}

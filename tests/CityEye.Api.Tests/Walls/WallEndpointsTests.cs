using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using CityEye.Api.Tests.Captures;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Api.Walls;
using CityEye.Core.Walls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Walls;

/// <summary>The video wall through the real node: console commands pushed to an open wall page's event stream.</summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class WallEndpointsTests(ApiFactory factory)
{
    /// <summary>The events of a wall page, read as the browser's EventSource reads them.</summary>
    private sealed class WallPage(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events) : IAsyncDisposable
    {
        public static async Task<WallPage> OpenAsync(HttpClient client, long wallId, CancellationToken ct)
        {
            var response = await client.GetAsync(Url($"/api/walls/{wallId}/events"), HttpCompletionOption.ResponseHeadersRead, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var stream = await response.Content.ReadAsStreamAsync(ct);
            return new WallPage(response, SseParser.Create(stream).EnumerateAsync(ct).GetAsyncEnumerator(ct));
        }

        /// <summary>The next event other than a keep-alive ping (deleted: no data).</summary>
        public async Task<(string Type, JsonElement Data)> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (true)
            {
                var next = events.MoveNextAsync().AsTask();
                Assert.True(await Task.WhenAny(next, Task.Delay(Timeout.Infinite, timeout.Token).ContinueWith(_ => false, TaskScheduler.Default)) == next, "no wall event within 15 s");
                Assert.True(await next, "the event stream ended");
                if (events.Current.EventType != "ping")
                {
                    // A ping or deleted event carries no data.
                    return (events.Current.EventType, events.Current.Data.Length == 0 ? default : JsonDocument.Parse(events.Current.Data).RootElement.Clone());
                }
            }
        }

        /// <summary>Reads state events until one satisfies <paramref name="wanted"/> (a change may arrive as several states).</summary>
        public async Task<JsonElement> StateAsync(Func<JsonElement, bool> wanted)
        {
            while (true)
            {
                var (type, data) = await NextAsync();
                Assert.Equal("state", type);
                if (wanted(data))
                {
                    return data;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await events.DisposeAsync();
            response.Dispose();
        }
    }

    private static JsonElement Cell(JsonElement wall, int screen, int cell) => wall.GetProperty("screens")[screen].GetProperty("cells")[cell];

    private static long? CellId(JsonElement wall, int screen, int cell) => Cell(wall, screen, cell) is { ValueKind: JsonValueKind.Object } c ? c.GetProperty("id").GetInt64() : null;

    [Fact]
    public async Task Console_commands_reach_an_open_wall_page_at_once_and_bad_ones_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        var (inside, outside) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        var name = $"指挥中心 {Guid.NewGuid():N}"[..14];

        using var created = await admin.PostAsJsonAsync(Url("/api/walls"), new { name, rows = 1, columns = 2 }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/walls"), new { name, rows = 1, columns = 1 }, ct), "name", "field.unique", ct);
        await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url("/api/walls"), new { name = name + "x", rows = 9, columns = 1 }, ct), "rows", "field.range", ct);
        // Only the console's users command the wall.
        Assert.Equal(HttpStatusCode.Forbidden, (await station.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/cells/0"), new { deviceId = inside[0].Id }, ct)).StatusCode);

        // The station's display computer opens the wall page: the state at once, counted as a display.
        await using (var page = await WallPage.OpenAsync(station, id, ct))
        {
            var first = await page.StateAsync(_ => true);
            Assert.Equal(2, first.GetProperty("screens").GetArrayLength());
            Assert.Null(CellId(first, 0, 1));
            Assert.Contains((await admin.GetFromJsonAsync<JsonElement>(Url("/api/walls"), ct)).EnumerateArray(), w => w.GetProperty("id").GetInt64() == id && w.GetProperty("displays").GetInt32() == 1);

            using (var sent = await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/cells/1"), new { deviceId = inside[0].Id }, ct))
            {
                Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            }

            var shown = await page.StateAsync(w => CellId(w, 0, 1) == inside[0].Id);
            Assert.False(Cell(shown, 0, 1).GetProperty("hidden").GetBoolean());
            Assert.False(string.IsNullOrEmpty(Cell(shown, 0, 1).GetProperty("name").GetString()));

            // A device outside the station's scope reaches its page as hidden: no name, nothing to play.
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/1/cells/0"), new { deviceId = outside[0].Id }, ct)).StatusCode);
            var hidden = await page.StateAsync(w => CellId(w, 1, 0) == outside[0].Id);
            Assert.True(Cell(hidden, 1, 0).GetProperty("hidden").GetBoolean());
            Assert.Equal(JsonValueKind.Null, Cell(hidden, 1, 0).GetProperty("name").ValueKind);

            // Bad commands: a clear error naming the field, and the wall is as it was.
            var before = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/walls/{id}"), ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/cells/4"), new { deviceId = inside[0].Id }, ct), "cell", "field.range", ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/2/cells/0"), new { deviceId = inside[0].Id }, ct), "screen", "field.range", ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/cells/0"), new { deviceId = 987_654_321L }, ct), "deviceId", "notFound", ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/split"), new { split = 5 }, ct), "split", "wall.split", ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/walls/{id}/screens/0/patrol"), new { running = true, intervalSeconds = 10 }, ct), "running", "wall.nothingToPatrol", ct);
            await ProblemAssert.HasFieldErrorAsync(await admin.PostAsJsonAsync(Url($"/api/walls/{id}/screens/0/patrol"), new { running = false, intervalSeconds = 1 }, ct), "intervalSeconds", "field.range", ct);
            await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync(Url("/api/walls/987654321/screens/0/cells/0"), new { deviceId = inside[0].Id }, ct), HttpStatusCode.NotFound, "notFound", ct);
            Assert.Equal(before.GetProperty("version").GetInt64(), (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/walls/{id}"), ct)).GetProperty("version").GetInt64());

            // A whole screen of six devices in a 4-split is two pages; page, swap, clear.
            long?[] six = [inside[0].Id, inside[1].Id, null, inside[0].Id, inside[1].Id, inside[0].Id];
            using (var screen = await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/1"), new { split = 4, deviceIds = six }, ct))
            {
                var wall = await screen.Content.ReadFromJsonAsync<JsonElement>(ct);
                Assert.Equal(2, wall.GetProperty("screens")[1].GetProperty("pages").GetInt32());
                Assert.Equal(6, wall.GetProperty("screens")[1].GetProperty("devices").GetArrayLength());
            }

            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/walls/{id}/screens/1/page"), new { step = 1 }, ct)).StatusCode);
            var second = await page.StateAsync(w => w.GetProperty("screens")[1].GetProperty("page").GetInt32() == 1);
            Assert.Equal(inside[1].Id, CellId(second, 1, 0));
            Assert.Equal(inside[0].Id, CellId(second, 1, 1));
            Assert.Null(CellId(second, 1, 2));

            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/walls/{id}/swap"), new { fromScreen = 0, fromCell = 1, toScreen = 1, toCell = 2 }, ct)).StatusCode);
            var swapped = await page.StateAsync(w => CellId(w, 1, 2) == inside[0].Id);
            Assert.Null(CellId(swapped, 0, 1));

            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/walls/{id}/clear"), new { screen = (int?)null }, ct)).StatusCode);
            var cleared = await page.StateAsync(w => w.GetProperty("screens").EnumerateArray().All(s => s.GetProperty("devices").GetArrayLength() == 0));
            Assert.Equal(0, cleared.GetProperty("screens")[1].GetProperty("page").GetInt32());

            // Resizing keeps what the first screens show; deleting tells the page.
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0/cells/0"), new { deviceId = inside[1].Id }, ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(Url($"/api/walls/{id}"), new { name, rows = 2, columns = 2 }, ct)).StatusCode);
            var resized = await page.StateAsync(w => w.GetProperty("screens").GetArrayLength() == 4);
            Assert.Equal(inside[1].Id, CellId(resized, 0, 0));

            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/walls/{id}"), ct)).StatusCode);
            Assert.Equal("deleted", (await page.NextAsync()).Type);
        }

        await ProblemAssert.IsProblemAsync(await station.GetAsync(Url($"/api/walls/{id}/events"), ct), HttpStatusCode.NotFound, "notFound", ct);
    }

    [Fact]
    public async Task A_patrolling_screen_turns_its_pages_every_interval_and_a_paused_one_stays()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (inside, _) = await CaptureEndpointsTests.DevicesAsync(admin, ct);
        using var created = await admin.PostAsJsonAsync(Url("/api/walls"), new { name = $"轮巡 {Guid.NewGuid():N}"[..12], rows = 1, columns = 1 }, ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        using (var sent = await admin.PutAsJsonAsync(Url($"/api/walls/{id}/screens/0"), new { split = 1, deviceIds = new long?[] { inside[0].Id, inside[1].Id, inside[0].Id }, patrolSeconds = 3600 }, ct))
        {
            Assert.True((await sent.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("screens")[0].GetProperty("patrolling").GetBoolean());
        }

        // The node's own patrol runs on the clock; this one runs on a clock the test turns.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var store = factory.Services.GetRequiredService<VideoWallStore>();
        var patrol = new WallPatrol(store, factory.Services.GetRequiredService<WallConsole>(), time, NullLogger<WallPatrol>.Instance);
        async Task<int> PageAfterAsync(int seconds)
        {
            time.Advance(TimeSpan.FromSeconds(seconds));
            await patrol.TickAsync(ct);
            return (await store.GetAsync(id, ct))!.State.Screens[0].Page;
        }

        // An hour's interval: the node's own patrol never turns a page during the test.
        Assert.Equal(0, await PageAfterAsync(0));
        Assert.Equal(0, await PageAfterAsync(3599));
        Assert.Equal(1, await PageAfterAsync(1));
        Assert.Equal(2, await PageAfterAsync(3600));
        Assert.Equal(0, await PageAfterAsync(3600));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Url($"/api/walls/{id}/screens/0/patrol"), new { running = false, intervalSeconds = 3600 }, ct)).StatusCode);
        Assert.Equal(0, await PageAfterAsync(7200));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/walls/{id}"), ct)).StatusCode);
    }
}

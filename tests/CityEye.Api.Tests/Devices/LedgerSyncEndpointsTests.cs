using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class LedgerSyncEndpointsTests(ApiFactory factory)
{
    private static readonly string[] SyncScope = ["archive.sync"];

    [Fact]
    public async Task Connector_PushesIncrementalBatchesWithAToken_InOrder_WithAPerRecordReportAndACursor()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var created = await admin.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "一机一档系统", expiresInDays = 30, scopes = SyncScope }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        using var ledger = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        ledger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("secret").GetString());

        var a = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, 990_401, ct);
        var b = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, 990_402, ct);
        b["keyboardCode"] = "9990402";
        var outside = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, 990_403, ct);
        outside["keyboardCode"] = "9990403";
        outside["longitude"] = "121.9";
        var source = "qingpu-ledger-" + Guid.NewGuid().ToString("N")[..8];

        // Bad envelopes are 400 naming the field; nothing is stored.
        using var bad = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), new { batchId = "x y", sequence = 0, mode = "partial", records = new[] { new { gbCode = a["gbCode"] }, new { gbCode = a["gbCode"] } } }, ct);
        var fields = (await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Equal(["batchId", "sequence", "mode", "records[1].gbCode"], fields);
        using var badSource = await ledger.PostAsJsonAsync(Url("/api/archive/sync/Bad%20Source/batches"), Batch("b1", 1, []), ct);
        await ProblemAssert.IsProblemAsync(badSource, HttpStatusCode.BadRequest, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await ledger.GetAsync(Url($"/api/archive/sync/{source}"), ct)).StatusCode);

        using var pushed = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("2026-11-26-001", 1, [Upsert(a), Upsert(b), Upsert(outside)], cursor: "changelog:1001"), ct);
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var accepted = await pushed.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        var first = await AppliedAsync(ledger, source, 1, ct);
        Assert.Equal((2, 0, 1), (first.GetProperty("batch").GetProperty("created").GetInt32(), first.GetProperty("batch").GetProperty("updated").GetInt32(), first.GetProperty("batch").GetProperty("rejected").GetInt32()));
        var problem = first.GetProperty("problems")[0];
        Assert.Equal(3, problem.GetProperty("record").GetInt32());
        Assert.Equal("longitude", problem.GetProperty("violations")[0].GetProperty("field").GetString());
        Assert.Equal("device.outsideDistrict", problem.GetProperty("violations")[0].GetProperty("code").GetString());

        // A replay changes nothing; a used or skipped sequence number is refused with the one expected.
        using var replay = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("2026-11-26-001", 1, [Upsert(a)]), ct);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("applied", (await replay.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString());
        using var reused = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("2026-11-26-009", 1, []), ct);
        Assert.Equal(2, (await ProblemAssert.IsProblemAsync(reused, HttpStatusCode.Conflict, ct)).GetProperty("args").GetProperty("expected").GetInt64());
        using var gap = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("2026-11-26-003", 3, []), ct);
        Assert.Equal("sync.sequenceGap", (await ProblemAssert.IsProblemAsync(gap, HttpStatusCode.Conflict, ct)).GetProperty("code").GetString());

        // Increment 2: a rename (only the field that changed) and a delete.
        var renamed = new { gbCode = a["gbCode"], fields = new Dictionary<string, string> { ["name"] = "台账同步改名点位_智能枪机" } };
        var deleted = new { gbCode = b["gbCode"], op = "delete" };
        using var second = await ledger.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("2026-11-26-002", 2, [renamed, deleted], cursor: "changelog:1002"), ct);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var applied = (await AppliedAsync(ledger, source, 2, ct)).GetProperty("batch");
        Assert.Equal((1, 1), (applied.GetProperty("updated").GetInt32(), applied.GetProperty("deleted").GetInt32()));

        var state = await ledger.GetFromJsonAsync<JsonElement>(Url($"/api/archive/sync/{source}"), ct);
        Assert.Equal((2, 3, 0, "changelog:1002"), (state.GetProperty("appliedSequence").GetInt64(), state.GetProperty("nextSequence").GetInt64(), state.GetProperty("pending").GetInt64(), state.GetProperty("cursor").GetString()));
        var batches = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/archive/sync/{source}/batches?take=10"), ct);
        Assert.Equal(2, batches.GetProperty("total").GetInt32());
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/sync"), ct)).EnumerateArray(), s => s.GetProperty("source").GetString() == source);

        // The ledger shows it: the renamed device kept its other fields, its version names the sync path.
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        var hit = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?q={a["gbCode"]}"), ct)).GetProperty("items")[0];
        var file = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{hit.GetProperty("id").GetInt64()}"), ct);
        Assert.Equal("台账同步改名点位_智能枪机", file.GetProperty("fields").GetProperty("name").GetString());
        Assert.Equal(a["ipAddress"], file.GetProperty("fields").GetProperty("ipAddress").GetString());
        var versions = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{hit.GetProperty("id").GetInt64()}/versions"), ct)).EnumerateArray().ToList();
        Assert.All(versions, v => Assert.Equal("sync:" + source, v.GetProperty("source").GetString()));
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?q={b["gbCode"]}"), ct)).GetProperty("total").GetInt32());

        // A source belongs to whoever first pushed to it: another archive.sync holder cannot push to it (a clerk of the
        // whole district may read it; a unit-scoped holder would not see it).
        using var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        using var foreign = await clerk.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("clerk-1", 3, []), ct);
        Assert.Equal("sync.notOwner", (await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.Forbidden, ct)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync(Url($"/api/archive/sync/{source}/batches/1"), ct)).StatusCode);

        // The token can do nothing else; users without archive.sync cannot push.
        Assert.Equal(HttpStatusCode.Forbidden, (await ledger.GetAsync(Url("/api/devices/search?q=qp"), ct)).StatusCode);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.PostAsJsonAsync(Url($"/api/archive/sync/{source}/batches"), Batch("b3", 3, []), ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/devices/{hit.GetProperty("id").GetInt64()}?version={file.GetProperty("version").GetInt32()}"), ct)).StatusCode);
    }

    internal static object Batch(string id, long sequence, object[] records, string mode = "incremental", string? cursor = null) =>
        new { batchId = id, sequence, mode, cursor, records };

    private static object Upsert(Dictionary<string, string?> fields) => new { gbCode = fields["gbCode"], fields };

    /// <summary>Waits until the batch is applied and returns its detail.</summary>
    internal static async Task<JsonElement> AppliedAsync(HttpClient client, string source, long sequence, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var detail = await client.GetFromJsonAsync<JsonElement>(Url($"/api/archive/sync/{source}/batches/{sequence}"), ct);
            if (detail.GetProperty("batch").GetProperty("status").GetString() == "applied")
            {
                return detail;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the batch was not applied: " + detail);
            await Task.Delay(100, ct);
        }
    }
}

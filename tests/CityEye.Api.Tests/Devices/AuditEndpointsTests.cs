using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class AuditEndpointsTests(ApiFactory factory)
{
    private const string IpPortRule = "/api/archive/rules/ipAddress.port.unique";

    [Fact]
    public async Task Audit_FindsEveryRuleBreachPerDeviceAndField_CountsPerRuleAndUnit_AndNotifiesTheUnits()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);

        // Two devices share an IP address and port while the uniqueness rule is off; the audit must find both.
        using (var off = await admin.PutAsJsonAsync(Url(IpPortRule), new { enabled = false, blocking = true, parameters = "{\"fields\":[\"ipAddress\",\"port\"]}", description = "IP 地址与端口组合唯一" }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        var ids = new List<long>();
        try
        {
            foreach (var serial in new[] { 990_601, 990_602 })
            {
                var fields = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, serial, ct);
                fields["keyboardCode"] = "99" + serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields["ipAddress"] = "10.250.77.7";
                fields["address"] = "青浦区夏阳街道审计测试路 1 号";
                using var created = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields }, ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64());
            }

            using (var on = await admin.PutAsJsonAsync(Url(IpPortRule), new { enabled = true, blocking = true, parameters = "{\"fields\":[\"ipAddress\",\"port\"]}", description = "IP 地址与端口组合唯一" }, ct))
            {
                Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            }

            using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
            Assert.Equal(HttpStatusCode.Forbidden, (await investigator.PostAsync(Url("/api/archive/audit/runs"), null, ct)).StatusCode);
            var run = await RunAuditAsync(admin, ct);
            var runId = run.GetProperty("id").GetInt64();
            var ledger = await LedgerCountAsync(ct);
            Assert.Equal(ledger, run.GetProperty("devices").GetInt32());
            Assert.Equal("manual", run.GetProperty("kind").GetString());

            // Counts per rule match what the store holds, counted independently.
            var detail = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/archive/audit/runs/{runId}"), ct);
            var rules = detail.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("ruleId").GetString()!, r => r.GetProperty("devices").GetInt32());
            Assert.Equal(await CountAsync("SELECT COUNT(*) FROM devices WHERE maintainer IS NULL OR maintainer = ''", ct), rules["maintainer.required"]);
            Assert.Equal(await CountAsync("SELECT COUNT(*) FROM devices WHERE installed_on IS NULL OR installed_on = ''", ct), rules["installedOn.required"]);
            Assert.Equal(2, rules["ipAddress.port.unique"]);
            var completeness = run.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == "completeness");
            Assert.True(completeness.GetProperty("findings").GetInt32() >= rules["maintainer.required"]);
            Assert.Equal(run.GetProperty("findings").GetInt32(), detail.GetProperty("units").EnumerateArray().Sum(u => u.GetProperty("findings").GetInt32()));

            var duplicates = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/archive/audit/runs/{runId}/findings?ruleId=ipAddress.port.unique"), ct);
            Assert.Equal(ids.Order(), duplicates.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("deviceId").GetInt64()).Order());
            Assert.All(duplicates.GetProperty("items").EnumerateArray(), f => Assert.Equal(("ipAddress", "field.unique", "uniqueness", "10.250.77.7:5060"), (f.GetProperty("field").GetString(), f.GetProperty("code").GetString(), f.GetProperty("category").GetString(), f.GetProperty("value").GetString())));
            using var badCategory = await admin.GetAsync(Url($"/api/archive/audit/runs/{runId}/findings?category=beauty"), ct);
            await ProblemAssert.IsProblemAsync(badCategory, HttpStatusCode.BadRequest, ct);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Url("/api/archive/audit/runs/999999"), ct)).StatusCode);

            // The station user sees only its own unit, and was notified about it.
            using var station = await factory.SignInAsync("station", "Station#2026", ct);
            var own = await station.GetFromJsonAsync<JsonElement>(Url($"/api/archive/audit/runs/{runId}"), ct);
            var unit = Assert.Single(own.GetProperty("units").EnumerateArray());
            Assert.Equal("夏阳派出所", unit.GetProperty("organisationName").GetString());
            var stationFindings = await station.GetFromJsonAsync<JsonElement>(Url($"/api/archive/audit/runs/{runId}/findings?take=100"), ct);
            Assert.Equal(unit.GetProperty("findings").GetInt32(), stationFindings.GetProperty("total").GetInt32());
            Assert.All(stationFindings.GetProperty("items").EnumerateArray(), f => Assert.Equal(unit.GetProperty("organisationId").GetInt64(), f.GetProperty("organisationId").GetInt64()));

            var inbox = await station.GetFromJsonAsync<JsonElement>(Url("/api/notifications?unreadOnly=true&take=100"), ct);
            var notice = inbox.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("link").GetString()!.Contains($"run={runId}&", StringComparison.Ordinal));
            Assert.Equal("audit.unit", notice.GetProperty("kind").GetString());
            Assert.Contains("夏阳派出所", notice.GetProperty("title").GetString(), StringComparison.Ordinal);
            var unread = inbox.GetProperty("unread").GetInt32();
            using (var read = await station.PostAsJsonAsync(Url("/api/notifications/read"), new { ids = new[] { notice.GetProperty("id").GetInt64() } }, ct))
            {
                Assert.Equal(1, (await read.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("marked").GetInt32());
            }

            // (The scheduled audit may add notifications meanwhile: check this one, not the count.)
            var after = await station.GetFromJsonAsync<JsonElement>(Url("/api/notifications?take=100"), ct);
            Assert.NotEqual(JsonValueKind.Null, after.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("id").GetInt64() == notice.GetProperty("id").GetInt64()).GetProperty("readAt").ValueKind);
            Assert.True(unread >= 1);

            // Nobody marks another user's notification read.
            using var clerkOfOther = await factory.SignInAsync("clerk", "Clerk#2026", ct);
            using (var foreignRead = await clerkOfOther.PostAsJsonAsync(Url("/api/notifications/read"), new { ids = new[] { notice.GetProperty("id").GetInt64() } }, ct))
            {
                Assert.Equal(0, (await foreignRead.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("marked").GetInt32());
            }

            // Archive staff get the summary; nobody reads another user's notifications.
            using var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct);
            var clerkInbox = await clerk.GetFromJsonAsync<JsonElement>(Url("/api/notifications?take=100"), ct);
            Assert.Contains(clerkInbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "audit.summary" && n.GetProperty("link").GetString() == $"/archive/audit?run={runId}");
            Assert.DoesNotContain(clerkInbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("id").GetInt64() == notice.GetProperty("id").GetInt64());
            using (var readAll = await clerk.PostAsJsonAsync(Url("/api/notifications/read"), new { }, ct))
            {
                Assert.Equal(HttpStatusCode.OK, readAll.StatusCode);
            }

            var readState = (await clerk.GetFromJsonAsync<JsonElement>(Url("/api/notifications?take=100"), ct)).GetProperty("items").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt64(), n => n.GetProperty("readAt").ValueKind);
            Assert.All(clerkInbox.GetProperty("items").EnumerateArray(), n => Assert.NotEqual(JsonValueKind.Null, readState[n.GetProperty("id").GetInt64()]));

            // The scheduler ran the daily audit once the node was ready (no run existed for today's slot).
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/audit/runs?take=30"), ct)).GetProperty("items").EnumerateArray().Any(r => r.GetProperty("kind").GetString() == "scheduled"))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "no scheduled audit ran");
                await Task.Delay(200, ct);
            }
        }
        finally
        {
            foreach (var id in ids)
            {
                var current = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}"), ct);
                await admin.DeleteAsync(Url($"/api/devices/{id}?version={current.GetProperty("version").GetInt32()}"), ct);
            }

            using var restore = await admin.PutAsJsonAsync(Url(IpPortRule), new { enabled = true, blocking = true, parameters = "{\"fields\":[\"ipAddress\",\"port\"]}", description = "IP 地址与端口组合唯一" }, ct);
        }
    }

    [Theory]
    [InlineData("2026-11-26T17:30:00Z", "02:00", "2026-11-26T02:00:00+08:00")]
    [InlineData("2026-11-26T18:00:00Z", "02:00", "2026-11-27T02:00:00+08:00")]
    [InlineData("2026-11-26T18:30:00Z", "02:00", "2026-11-27T02:00:00+08:00")]
    [InlineData("2026-11-26T15:59:00Z", "00:00", "2026-11-26T00:00:00+08:00")]
    public void DailySlot_IsTheLastShanghaiTimeOfDayAtOrBeforeNow(string now, string dailyAt, string slot) =>
        Assert.Equal(DateTimeOffset.Parse(slot, System.Globalization.CultureInfo.InvariantCulture), CityEye.Api.Devices.Audit.AuditScheduler.LastSlot(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), dailyAt));

    /// <summary>Starts an audit and waits for its run to finish.</summary>
    private static async Task<JsonElement> RunAuditAsync(HttpClient admin, CancellationToken ct)
    {
        using var started = await admin.PostAsync(Url("/api/archive/audit/runs"), null, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var runs = await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/audit/runs?take=30"), ct);
            var run = runs.GetProperty("items").EnumerateArray().FirstOrDefault(r => r.GetProperty("jobId").GetString() == jobId);
            if (run.ValueKind == JsonValueKind.Object && run.GetProperty("status").GetString() != "running")
            {
                Assert.Equal("succeeded", run.GetProperty("status").GetString());
                return run.Clone();
            }

            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), "the audit did not finish");
            await Task.Delay(200, ct);
        }
    }

    private async Task<int> LedgerCountAsync(CancellationToken ct) => await CountAsync("SELECT COUNT(*) FROM devices", ct);

    private async Task<int> CountAsync(string sql, CancellationToken ct)
    {
        await using var connection = await factory.Services.GetRequiredService<Database>().OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, cancellationToken: ct));
    }
}

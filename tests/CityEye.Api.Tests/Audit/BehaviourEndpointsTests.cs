using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Analytics.Behaviour;
using CityEye.Analytics.Logging;
using CityEye.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Audit;

/// <summary>
/// The behaviour audit through the real node: generated history goes through the request log's journal into the
/// analytics store, an auditor retrains the model as a job, and the planted abuser leads the anomaly list; the
/// supervisors' dashboards count the same store.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class BehaviourEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Retraining_FindsThePlantedAbuser_WithReasons_AndTheDashboardsCountTheLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);

        // Nothing to train on yet is a clear failure of the job, not a crash (only when no other test wrote history).
        var stations = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray()
            .Where(o => o.GetProperty("kind").GetString() == "station").Select(o => new HistoryUnit(o.GetProperty("id").GetInt64(), o.GetProperty("name").GetString()!)).ToList();
        var search = await admin.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=200"), ct);
        var devices = search.GetProperty("items").EnumerateArray()
            .Select(d => new HistoryDevice(d.GetProperty("gbCode").GetString()!, d.GetProperty("name").GetString()!, d.GetProperty("organisationId").GetInt64())).ToList();
        var yesterday = DateOnly.FromDateTime(factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
        var generator = new AuditHistoryGenerator(70, 60, yesterday, stations, devices);
        var journal = factory.Services.GetRequiredService<LogJournal>();
        var written = 0;
        foreach (var entry in generator.Generate())
        {
            journal.Append(entry);
            written++;
        }

        Assert.InRange(written, 20_000, 200_000);
        await auditor.GetAsync(Url("/api/logs/verify"), ct); // drains the journal into the store

        using var started = await auditor.PostAsync(Url("/api/audit/runs"), null, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>(ct);
        var status = await WaitAsync(auditor, job.GetProperty("id").GetString()!, ct);
        Assert.Equal("succeeded", status.GetProperty("status").GetString());

        var page = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/audit/anomalies?pageSize=10"), ct);
        var run = page.GetProperty("run");
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("userDays").GetInt32() > 70 * 30);
        var top = page.GetProperty("items").EnumerateArray().ToList();
        var planted = generator.Planted.Select(p => (p.Username, p.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
        Assert.True(top.Count(i => planted.Contains((i.GetProperty("user").GetString()!, i.GetProperty("day").GetString()!))) >= 5, page.ToString());

        var abuser = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/audit/anomalies?user={AuditHistoryGenerator.Username(17)}"), ct);
        var night = abuser.GetProperty("items").EnumerateArray().First(i => i.GetProperty("rules").EnumerateArray().Any(r => r.GetString() == BehaviourRules.NightBulkExport));
        Assert.Contains(night.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("feature").GetString() == "exports");
        Assert.True(night.GetProperty("features").GetProperty("exports").GetDouble() >= 30);

        // Bad filters are 400 with the field named.
        using var backwards = await auditor.GetAsync(Url("/api/audit/anomalies?from=2026-11-10&to=2026-11-01"), ct);
        await ProblemAssert.IsProblemAsync(backwards, HttpStatusCode.BadRequest, ct);
        using var rule = await auditor.GetAsync(Url("/api/audit/anomalies?rule=%27%20OR%201%3D1"), ct);
        await ProblemAssert.IsProblemAsync(rule, HttpStatusCode.BadRequest, ct);

        // A second run while one is queued or running is refused.
        using var again = await auditor.PostAsync(Url("/api/audit/runs"), null, ct);
        if (again.StatusCode == HttpStatusCode.Accepted)
        {
            await WaitAsync(auditor, (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!, ct);
        }

        // Dashboards: the generated operations per unit and module, active users per day.
        var stats = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/stats/operations?days=60"), ct);
        Assert.Equal(60, stats.GetProperty("days").GetArrayLength());
        Assert.Contains(stats.GetProperty("modules").EnumerateArray(), m => m.GetProperty("key").GetString() == "captures");
        Assert.Contains(stats.GetProperty("units").EnumerateArray(), u => u.GetProperty("name").GetString() == stations[0].Name);
        Assert.True(stats.GetProperty("activeUsers").EnumerateArray().Max(v => v.GetInt64()) >= 40);
        Assert.NotEmpty(stats.GetProperty("topDevices").EnumerateArray());
        using var station = await factory.SignInAsync("station", "Station#2026", ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await station.GetAsync(Url("/api/stats/operations"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await station.GetAsync(Url("/api/audit/anomalies"), ct)).StatusCode);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string jobId, CancellationToken ct)
    {
        for (var i = 0; i < 600; i++)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(Url($"/api/jobs/{jobId}"), ct);
            if (job.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled")
            {
                return job;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException("The behaviour audit job did not finish.");
    }
}

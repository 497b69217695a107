using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Jobs;

[Collection(ApiFixtureGroup.Name)]
public sealed class JobEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task List_AfterStart_ShowsTheSucceededDemoSeedJobWithItsLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        var page = await client.GetFromJsonAsync<JsonElement>(Url("/api/jobs?kind=demo-seed"), ct);

        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var job = page.GetProperty("items")[0];
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        Assert.Contains("16,231", job.GetProperty("result").GetString(), StringComparison.Ordinal);
        var id = job.GetProperty("id").GetString();
        var one = await client.GetFromJsonAsync<JsonElement>(Url($"/api/jobs/{id}"), ct);
        Assert.Equal(id, one.GetProperty("id").GetString());

        using var cancel = await client.PostAsync(Url($"/api/jobs/{id}/cancel"), null, ct);
        var problem = await ProblemAssert.IsProblemAsync(cancel, HttpStatusCode.Conflict, ct);
        Assert.Equal("job.finished", problem.GetProperty("code").GetString());
        Assert.Equal("Succeeded", problem.GetProperty("args").GetProperty("status").GetString());
    }

    [Fact]
    public async Task WithoutJobsManage_AUserSeesAndCancelsOnlyOwnJobs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var clerk = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        using var investigator = await factory.SignInAsync("investigator", "Investigator#2026", ct);
        var seed = (await clerk.GetFromJsonAsync<JsonElement>(Url("/api/jobs?kind=demo-seed"), ct)).GetProperty("items")[0].GetProperty("id").GetString();

        var page = await investigator.GetFromJsonAsync<JsonElement>(Url("/api/jobs?kind=demo-seed"), ct);
        using var one = await investigator.GetAsync(Url($"/api/jobs/{seed}"), ct);
        using var cancel = await investigator.PostAsync(Url($"/api/jobs/{seed}/cancel"), null, ct);

        Assert.Equal(0, page.GetProperty("total").GetInt32());
        await ProblemAssert.IsProblemAsync(one, HttpStatusCode.NotFound, ct);
        await ProblemAssert.IsProblemAsync(cancel, HttpStatusCode.NotFound, ct);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_Returns404Problem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        using var unknown = await client.GetAsync(Url($"/api/jobs/{Guid.NewGuid()}"), ct);
        using var malformed = await client.GetAsync(Url("/api/jobs/not-a-guid"), ct);
        using var cancelUnknown = await client.PostAsync(Url($"/api/jobs/{Guid.NewGuid()}/cancel"), null, ct);

        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, ct);
        await ProblemAssert.IsProblemAsync(malformed, HttpStatusCode.NotFound, ct);
        await ProblemAssert.IsProblemAsync(cancelUnknown, HttpStatusCode.NotFound, ct);
    }

    [Theory]
    [InlineData("take=0", "take")]
    [InlineData("take=101", "take")]
    [InlineData("skip=-1", "skip")]
    public async Task List_BadPaging_Returns400NamingTheField(string query, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        using var response = await client.GetAsync(Url($"/api/jobs?{query}"), ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task List_NonNumericTake_Returns400Problem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        using var response = await client.GetAsync(Url("/api/jobs?take=lots"), ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ct);
        Assert.Contains("take", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

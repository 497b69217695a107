using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Infrastructure;

[Collection(ApiFixtureGroup.Name)]
public sealed class ConventionsTests(ApiFactory factory)
{
    [Fact]
    public void EveryEndpoint_DeclaresAPermissionOrIsExplicitlyAnonymous()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var undeclared = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is { } p && (p.StartsWith("perm:", StringComparison.Ordinal) || p == "signed-in")))
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.Empty(undeclared);
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText).ToHashSet();
        Assert.Contains("/api/auth/login", anonymous);
        Assert.DoesNotContain("/api/dashboard/summary", anonymous);
    }

    [Fact]
    public async Task Probes_ReportAliveAndEachEngineReady()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var anonymous = factory.CreateClient();

        using var alive = await client.GetAsync(Url("/healthz"), ct);
        var ready = await client.GetFromJsonAsync<JsonElement>(Url("/readyz"), ct);
        var bare = await anonymous.GetFromJsonAsync<JsonElement>(Url("/readyz"), ct);
        Assert.Equal("ready", bare.GetProperty("status").GetString());
        Assert.DoesNotContain("cityeye.db", bare.ToString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("checks").GetProperty("store").GetProperty("detail").ValueKind);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        foreach (var check in new[] { "store", "jobs", "demo" })
        {
            Assert.Equal("ready", ready.GetProperty("checks").GetProperty(check).GetProperty("state").GetString());
        }

        Assert.StartsWith("Sqlite", ready.GetProperty("checks").GetProperty("store").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheEndpointsAndTheReferencePageIsServed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("admin", "Admin#2026", ct);
        using var anonymous = factory.CreateClient();
        using var refused = await anonymous.GetAsync(Url("/openapi/v1.json"), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var document = await client.GetFromJsonAsync<JsonElement>(Url("/openapi/v1.json"), ct);
        using var reference = await client.GetAsync(Url("/api-docs/v1"), ct);

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/login", "/api/auth/me", "/api/dashboard/summary", "/api/jobs", "/api/organisations", "/readyz" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("CityEye API", await reference.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();

        using var api = await client.GetAsync(Url("/api/auth/me"), ct);
        using var docs = await client.GetAsync(Url("/api-docs/v1"), ct);

        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", api.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("script-src 'self';", api.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", docs.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/api/auth/no-such-thing")]
    public async Task UnknownApiRoute_Returns404Problem(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(Url(path), ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ct);
    }

    [Fact]
    public async Task WrongMethodOnApiPath_Returns405ProblemWithAllow()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(Url("/api/auth/login"), ct);

        using var cancel = await client.DeleteAsync(Url($"/api/jobs/{Guid.NewGuid()}/cancel"), ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, ct);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Equal("methodNotAllowed", problem.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(cancel, HttpStatusCode.MethodNotAllowed, ct);
    }

    [Fact]
    public async Task Start_DataFolderCannotBeCreated_ExitsWithOneClearLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var blocker = Path.Combine(factory.DataDir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder", ct);

        var (exitCode, stdout, stderr) = await ApiProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0", $"--CityEye:DataDir={Path.Combine(blocker, "data")}"], ct);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CityEye cannot start: Cannot create the data folder", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresDown_ExitsWithOneClearLine()
    {
        var ct = TestContext.Current.CancellationToken;

        var (exitCode, stdout, stderr) = await ApiProcess.RunToExitAsync(
            ["--urls", "http://127.0.0.1:0", "--Storage:Provider=Postgres", "--Storage:ConnectionString=Host=127.0.0.1;Port=1;Username=x;Password=y;Database=cityeye;Timeout=3"],
            ct);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CityEye cannot start: Cannot open the Postgres store at postgres://127.0.0.1:1/cityeye", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ElasticsearchUnreachable_ExitsWithOneClearLine()
    {
        var ct = TestContext.Current.CancellationToken;

        var (exitCode, stdout, stderr) = await ApiProcess.RunToExitAsync(
            ["--urls", "http://127.0.0.1:0", $"--CityEye:DataDir={Path.Combine(factory.DataDir, "es-test")}", "--Search:Provider=Elasticsearch", "--Search:Elasticsearch:Url=http://127.0.0.1:1"],
            ct);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CityEye cannot start: Elasticsearch", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Storage:Provider=Oracle", "Storage:Provider")]
    [InlineData("--Search:Provider=Solr", "Search:Provider")]
    [InlineData("--Search:Provider=Elasticsearch", "Search:Elasticsearch:Url")]
    [InlineData("--Auth:IdleTimeoutMinutes=0", "IdleTimeoutMinutes")]
    [InlineData("--Http:TrustedProxies:0=not-an-address", "TrustedProxies")]
    public async Task Start_InvalidConfiguration_ExitsWithOneLineNamingTheKey(string argument, string key)
    {
        var ct = TestContext.Current.CancellationToken;

        var (exitCode, stdout, stderr) = await ApiProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0", $"--CityEye:DataDir={Path.Combine(factory.DataDir, "config-test")}", argument], ct);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CityEye cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }
}

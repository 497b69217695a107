using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityEye.Api.Tests.Infrastructure;

/// <summary>
/// The real API over a SQLite store in a temp folder, seeded with the demo district once for the whole collection.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cityeye-api-test-").FullName;

    public string DataDir => _dataDir;

    public async ValueTask InitializeAsync()
    {
        using var client = CreateClient();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("The API did not become ready: " + await response.Content.ReadAsStringAsync());
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A client signed in as <paramref name="username"/> (cookie session).</summary>
    public async Task<HttpClient> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var response = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username, password }, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalising connection; the temp folder is cleaned by the OS.
        }

        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CityEye:DataDir", _dataDir);
        builder.UseSetting("CityEye:SeedDemo", "true");
        // The test host runs from the test project's folder, which no release manifest covers.
        builder.UseSetting("Crypto:Executables:Mode", "warn");
        // Tests edit demo devices by version: the simulated status feed would make them stale at random.
        builder.UseSetting("CityEye:StatusSimulationSeconds", "0");
        builder.UseSetting("CityEye:DemoAuditUsers", "0");
        builder.UseSetting("CityEye:DemoCaptures", "0");
        builder.UseSetting("Behaviour:Scheduled", "false");
        builder.UseSetting("CityEye:SpaRoot", Path.Combine(_dataDir, "no-spa"));
        // Fewer KDF rounds keep sign-in fast in tests; the format and code path are the production ones.
        builder.UseSetting("Auth:PasswordIterations", "5000");
        builder.UseSetting("Auth:MaxFailedAttempts", "3");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The whole suite signs in from one test address; the limiter and throttle have their own tests.
        builder.UseSetting("Auth:SignInPermitsPerMinute", "100000");
        builder.UseSetting("Auth:ThrottleFreeFailures", "1000");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());
    }

    /// <summary>Every client speaks like the SPA: state-changing requests carry the CSRF header.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-CityEye-Request", "1");
    }

    /// <summary>
    /// The test server has no socket, so no client address: <c>X-Test-Client-Address</c> sets it (default
    /// 192.0.2.10), which lets tests sign in "from" different addresses.
    /// </summary>
    private sealed class TestClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var header = context.Request.Headers["X-Test-Client-Address"].ToString();
                context.Connection.RemoteIpAddress = IPAddress.Parse(header.Length > 0 ? header : "192.0.2.10");
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class ApiFixtureGroup : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

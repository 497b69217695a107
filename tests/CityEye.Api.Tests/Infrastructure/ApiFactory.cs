using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CityEye.Api.Tests.Infrastructure;

/// <summary>
/// The real API over a SQLite store in a temp folder, seeded with the demo district once for the whole collection.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
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
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CityEye:DataDir", _dataDir);
        builder.UseSetting("CityEye:SeedDemo", "true");
        builder.UseSetting("CityEye:SpaRoot", Path.Combine(_dataDir, "no-spa"));
        // Fewer KDF rounds keep sign-in fast in tests; the format and code path are the production ones.
        builder.UseSetting("Auth:PasswordIterations", "5000");
        builder.UseSetting("Auth:MaxFailedAttempts", "3");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}

[CollectionDefinition(Name)]
public sealed class ApiFixtureGroup : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

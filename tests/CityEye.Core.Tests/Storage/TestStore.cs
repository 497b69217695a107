using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CityEye.Core.Tests.Storage;

/// <summary>
/// A fresh, migrated system-of-record database for one test: a SQLite file in a temp folder, or a new database
/// in the PostgreSQL cluster named by <c>CITYEYE_TEST_POSTGRES</c> (./test.sh starts a throw-away one).
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "CITYEYE_TEST_POSTGRES";
    private readonly string? _folder;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresDatabase;

    private TestStore(Database database, FakeTimeProvider time, string? folder, string? postgresAdmin, string? postgresDatabase)
    {
        Database = database;
        Time = time;
        _folder = folder;
        _postgresAdmin = postgresAdmin;
        _postgresDatabase = postgresDatabase;
    }

    /// <summary>Theory rows: one per provider.</summary>
    public static TheoryData<string> Providers => new("Sqlite", "Postgres");

    public Database Database { get; }

    public FakeTimeProvider Time { get; }

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable);

    public static async Task<TestStore> CreateAsync(string provider, CancellationToken cancellationToken)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        TestStore store;
        if (provider == "Sqlite")
        {
            var folder = Directory.CreateTempSubdirectory("cityeye-test-").FullName;
            store = new TestStore(Database.Create(new StorageOptions(), folder), time, folder, null, null);
        }
        else
        {
            var admin = PostgresConnectionString;
            Assert.SkipWhen(string.IsNullOrWhiteSpace(admin), $"Postgres: {PostgresVariable} is not set (./test.sh starts a throw-away cluster and sets it)");
            var name = "cityeye_test_" + Guid.NewGuid().ToString("N");
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync(cancellationToken);
                await connection.ExecuteAsync($"CREATE DATABASE {name}");
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            var options = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = builder.ConnectionString };
            store = new TestStore(Database.Create(options, Path.GetTempPath()), time, null, admin, name);
        }

        await new StoreMigrator(store.Database, NullLogger<StoreMigrator>.Instance).MigrateAsync(cancellationToken);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }

        if (_postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)");
        }
    }
}

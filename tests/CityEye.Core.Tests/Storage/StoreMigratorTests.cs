using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.Core.Tests.Storage;

public sealed class StoreMigratorTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task MigrateAsync_RunTwice_IsIdempotentAndCreatesEveryTable(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);

        await new StoreMigrator(store.Database, NullLogger<StoreMigrator>.Instance).MigrateAsync(ct);

        await using var connection = await store.Database.OpenConnectionAsync(ct);
        foreach (var table in new[] { "organisations", "roles", "role_permissions", "users", "user_roles", "role_device_grants", "role_services", "settings", "sessions", "api_tokens", "devices", "outbox", "jobs", "job_messages", "security_events" })
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task Migrations_SqliteAndPostgres_ProduceTheSameTablesAndColumns()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.SkipWhen(string.IsNullOrWhiteSpace(TestStore.PostgresConnectionString), "Postgres: CITYEYE_TEST_POSTGRES is not set (./test.sh starts a throw-away cluster and sets it)");
        await using var sqlite = await TestStore.CreateAsync("Sqlite", ct);
        await using var postgres = await TestStore.CreateAsync("Postgres", ct);

        var sqliteSchema = await SchemaAsync(sqlite.Database, """
            SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND lower(m.name) <> 'schemaversions'
            """, ct);
        var postgresSchema = await SchemaAsync(postgres.Database, """
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND lower(table_name) <> 'schemaversions'
            """, ct);

        Assert.Contains("users.password_changed_at", sqliteSchema);
        Assert.Equal(sqliteSchema, postgresSchema);
    }

    private static async Task<List<string>> SchemaAsync(Database database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct))).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task MigrateAsync_SqliteFolderMissing_ThrowsStoreUnavailableNamingTheFolder()
    {
        var missing = Path.Combine(Path.GetTempPath(), "cityeye-missing-" + Guid.NewGuid().ToString("N"), "deeper");
        await using var database = Database.Create(new StorageOptions(), missing);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => new StoreMigrator(database, NullLogger<StoreMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_PostgresDown_ThrowsStoreUnavailableWithOneLineReason()
    {
        var options = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=3" };
        await using var database = Database.Create(options, Path.GetTempPath());

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => new StoreMigrator(database, NullLogger<StoreMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("Cannot open the Postgres store at postgres://127.0.0.1:1/z", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Create_PostgresWithoutConnectionString_ThrowsStoreUnavailable()
    {
        var ex = Assert.Throws<StoreUnavailableException>(() => Database.Create(new StorageOptions { Provider = StorageProvider.Postgres }, Path.GetTempPath()));
        Assert.Contains("Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
    }
}

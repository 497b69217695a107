using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CityEye.Core.Storage;

/// <summary>Brings the store's schema up to date with the embedded DbUp scripts of its provider.</summary>
public sealed class StoreMigrator(Database database, ILogger<StoreMigrator> logger)
{
    /// <summary>Applies pending migrations. Throws <see cref="StoreUnavailableException"/> with a one-line reason.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or SocketException or IOException or TimeoutException or InvalidOperationException)
        {
            throw new StoreUnavailableException(
                $"Cannot open the {database.Provider} store at {database.Description}: {Describe(ex)}", ex);
        }

        var folder = database.Provider == StorageProvider.Sqlite ? ".Migrations.sqlite." : ".Migrations.postgres.";
        var builder = database.Provider == StorageProvider.Sqlite
            ? DeployChanges.To.SqliteDatabase(database.ConnectionString)
            : DeployChanges.To.PostgresqlDatabase(database.ConnectionString);
        var upgrader = builder
            .WithScriptsEmbeddedInAssembly(typeof(StoreMigrator).Assembly, name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();

        var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
        if (!result.Successful)
        {
            throw new StoreUnavailableException(
                $"Migrating the {database.Provider} store at {database.Description} failed in {result.ErrorScript?.Name ?? "(no script)"}: {result.Error.Message}",
                result.Error);
        }

        foreach (var script in result.Scripts)
        {
            logger.LogInformation("Applied migration {Migration} to {Store}", script.Name, database.Description);
        }
    }

    private async Task CheckConnectionAsync(CancellationToken cancellationToken)
    {
        if (database.Provider == StorageProvider.Sqlite)
        {
            var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new IOException($"the folder '{directory}' does not exist");
            }
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (database.Provider == StorageProvider.Sqlite)
        {
            // WAL is a property of the database file: set once, it stays. Readers then never block the writer.
            var mode = await connection.ExecuteScalarAsync<string>(
                new CommandDefinition("PRAGMA journal_mode=WAL;", cancellationToken: cancellationToken));
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "memory", StringComparison.OrdinalIgnoreCase))
            {
                logger.LogWarning("SQLite store {Store} runs in journal mode {JournalMode}, not WAL", database.Description, mode);
            }
        }
        else
        {
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
        }
    }

    private static string Describe(Exception ex)
    {
        return ex switch
        {
            SqliteException sqlite => $"{sqlite.Message.TrimEnd('.')} (SQLite error {sqlite.SqliteErrorCode})",
            NpgsqlException { InnerException: SocketException socket } => $"connection refused ({socket.SocketErrorCode}); is PostgreSQL running?",
            PostgresException pg => $"{pg.MessageText} ({pg.SqlState})",
            _ => ex.Message,
        };
    }
}

using CityEye.Core.Storage;

namespace CityEye.Api.Infrastructure.Startup;

/// <summary>Migrates the system of record (DbUp scripts for SQLite or PostgreSQL).</summary>
internal sealed class StoreStep(StoreMigrator migrator, Database database) : IStartupStep
{
    public const string StepName = "store";

    public string Name => StepName;

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        return $"{database.Provider}: {database.Description}";
    }
}

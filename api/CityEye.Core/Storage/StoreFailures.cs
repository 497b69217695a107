using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityEye.Core.Storage;

/// <summary>Which exceptions mean "the store cannot answer right now" (503, retry) rather than a bug (500).</summary>
public static class StoreFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        // Server errors (constraint violations, bad SQL) are bugs; connection loss, shutdown and pool exhaustion are not.
        PostgresException postgres => postgres.IsTransient,
        NpgsqlException => true,
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}

using System.Net.Sockets;
using CityEye.Core.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityEye.Api.Infrastructure;

/// <summary>Which exceptions mean "the store cannot answer right now" (503, retry) rather than a bug (500).</summary>
internal static class StoreFailures
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
        SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}

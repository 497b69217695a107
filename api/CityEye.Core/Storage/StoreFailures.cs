using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityEye.Core.Storage;

/// <summary>Which exceptions mean "the store cannot answer right now" (503, retry) rather than a bug (500).</summary>
public static class StoreFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// The column of a UNIQUE constraint a write broke (e.g. <c>gb_code</c>), or null when the exception is something
    /// else: two writers that both passed the rules' uniqueness check race, or a uniqueness rule was switched off.
    /// </summary>
    public static string? UniqueViolationColumn(Exception exception) => exception switch
    {
        PostgresException { SqlState: "23505" } postgres => postgres.ConstraintName is { } name
            ? name.Replace("devices_", string.Empty, StringComparison.Ordinal).Replace("_key", string.Empty, StringComparison.Ordinal)
            : string.Empty,
        SqliteException { SqliteErrorCode: 19 } sqlite when sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal) =>
            new string([.. sqlite.Message[(sqlite.Message.IndexOf("devices.", StringComparison.Ordinal) + 8)..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_')]),
        _ => exception.InnerException is { } inner ? UniqueViolationColumn(inner) : null,
    };

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

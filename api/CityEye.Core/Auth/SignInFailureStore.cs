using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Lockout per account name and client address (MLPS: limit failed sign-ins): after
/// <see cref="AuthOptions.MaxFailedAttempts"/> failures within <see cref="AuthOptions.LockoutMinutes"/> from one
/// address, that address may not sign in to that account until the lock ends. Other addresses are unaffected, so
/// anonymous failures cannot lock the real user out. Kept in the store, so a restart does not lift a lock.
/// </summary>
public sealed class SignInFailureStore(Database database)
{
    /// <summary>When the lock on this name from this address ends, or null when there is none.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string username, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var until = await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT locked_until FROM sign_in_failures WHERE username = @username AND ip_address = @address",
            new { username = UserStore.Normalise(username), address },
            cancellationToken: cancellationToken));
        return until > now ? until : null;
    }

    /// <summary>Counts a failure; returns the lock end when this failure locked the name for this address.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string username, string address, int maxAttempts, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = UserStore.Normalise(username);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            // Forget windows that have passed, so names typed at random do not pile up.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM sign_in_failures WHERE first_failed_at <= @windowStart AND (locked_until IS NULL OR locked_until <= @now)",
                new { windowStart = now - window, now },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO sign_in_failures (username, ip_address, failures, first_failed_at, locked_until)
                VALUES (@name, @address, 0, @now, NULL)
                ON CONFLICT (username, ip_address) DO NOTHING
                """,
                new { name, address, now },
                transaction,
                cancellationToken: cancellationToken));
            // A window that has passed (or a lock that has ended) starts counting again.
            var failures = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                UPDATE sign_in_failures
                SET failures = CASE WHEN first_failed_at <= @windowStart THEN 1 ELSE failures + 1 END,
                    first_failed_at = CASE WHEN first_failed_at <= @windowStart THEN @now ELSE first_failed_at END
                WHERE username = @name AND ip_address = @address
                RETURNING failures
                """,
                new { name, address, now, windowStart = now - window },
                transaction,
                cancellationToken: cancellationToken));
            if (failures < maxAttempts)
            {
                return (DateTimeOffset?)null;
            }

            var until = now + window;
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE sign_in_failures SET locked_until = @until, failures = 0, first_failed_at = @now WHERE username = @name AND ip_address = @address",
                new { name, address, until, now },
                transaction,
                cancellationToken: cancellationToken));
            return until;
        }, cancellationToken);
    }

    /// <summary>Clears this name's failures from this address (a successful sign-in).</summary>
    public async Task ClearAsync(string username, string address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sign_in_failures WHERE username = @username AND ip_address = @address",
            new { username = UserStore.Normalise(username), address },
            cancellationToken: cancellationToken));
    }

    /// <summary>Lifts every lock on this name (an administrator's unlock); returns how many addresses were locked.</summary>
    public async Task<int> ClearAllAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sign_in_failures WHERE username = @username",
            new { username = UserStore.Normalise(username) },
            cancellationToken: cancellationToken));
    }
}

using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>
/// Each user's device staging rack (设备暂存): devices put aside from the player to play together or to build a plan
/// from. Adding a device twice keeps it once (in its first place); at most <see cref="MaxDevices"/> per user.
/// </summary>
public sealed class DeviceStageStore(Database database, TimeProvider time)
{
    public const int MaxDevices = 500;

    /// <summary>The user's staged devices, in the order they were added.</summary>
    public async Task<IReadOnlyList<long>> ListAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT device_id FROM device_stage WHERE username = @username ORDER BY added_at, device_id", new { username }, cancellationToken: cancellationToken))];
    }

    /// <summary>Adds devices (those already staged stay where they are); false, adding nothing, beyond <see cref="MaxDevices"/>.</summary>
    public async Task<bool> AddAsync(string username, IReadOnlyList<long> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var staged = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT device_id FROM device_stage WHERE username = @username", new { username }, transaction, cancellationToken: cancellationToken))).ToHashSet();
            var added = deviceIds.Distinct().Where(d => !staged.Contains(d)).ToList();
            if (staged.Count + added.Count > MaxDevices)
            {
                return false;
            }

            // One tick apart, so the rack keeps the order they were given in.
            var now = time.GetUtcNow();
            for (var i = 0; i < added.Count; i++)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO device_stage (username, device_id, added_at) VALUES (@username, @deviceId, @at) ON CONFLICT (username, device_id) DO NOTHING",
                    new { username, deviceId = added[i], at = now.AddMilliseconds(i) },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Removes devices from the rack, or empties it when <paramref name="deviceIds"/> is null.</summary>
    public async Task RemoveAsync(string username, IReadOnlyList<long>? deviceIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(deviceIds is null
            ? new CommandDefinition("DELETE FROM device_stage WHERE username = @username", new { username }, cancellationToken: cancellationToken)
            : new CommandDefinition($"DELETE FROM device_stage WHERE username = @username AND {database.InList("device_id", "ids")}", new { username, ids = deviceIds.ToArray() }, cancellationToken: cancellationToken));
    }
}

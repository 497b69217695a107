using System.Globalization;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices;

/// <summary>One device's state as a status source (the PVG, a network probe, the demo simulator) reports it.</summary>
public sealed record StatusReport(string GbCode, DeviceStatus Status, DateTimeOffset At, double? RecordingCompleteness = null);

/// <summary>
/// Dynamic device information (AR-8): online state, last online/offline time and recording completeness, from a
/// status feed. Not a user edit, so it writes no version; a status change reaches the search index through the outbox.
/// </summary>
public sealed class DeviceStatusFeed(Database database, TimeProvider time)
{
    public const string StatusTopic = "device.status";

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>GB codes of <paramref name="count"/> devices picked at random (for the demo's simulated feed).</summary>
    public async Task<IReadOnlyList<string>> SampleGbCodesAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT gb_code FROM devices ORDER BY random() LIMIT @count", new { count }, cancellationToken: cancellationToken))).ToList();
    }

    /// <returns>How many devices changed status.</returns>
    public async Task<int> ApplyAsync(IReadOnlyList<StatusReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var changed = 0;
            foreach (var report in reports)
            {
                var row = await connection.QuerySingleOrDefaultAsync<(long Id, string Status, int Version)>(new CommandDefinition(
                    "SELECT id, status, version FROM devices WHERE gb_code = @GbCode", new { report.GbCode }, transaction, cancellationToken: cancellationToken));
                if (row.Id == 0)
                {
                    continue;
                }

                var status = report.Status.ToString();
                var online = report.Status == DeviceStatus.Online;
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE devices SET status = @status, version = version + CASE WHEN status <> @status THEN 1 ELSE 0 END,
                        last_online_at = CASE WHEN @online AND (status <> 'Online' OR last_online_at IS NULL) THEN @At ELSE last_online_at END,
                        last_offline_at = CASE WHEN NOT @online AND (status = 'Online' OR last_offline_at IS NULL) THEN @At ELSE last_offline_at END,
                        recording_completeness = COALESCE(@RecordingCompleteness, recording_completeness)
                    WHERE id = @id
                    """,
                    new { status, online, report.At, report.RecordingCompleteness, id = row.Id },
                    transaction,
                    cancellationToken: cancellationToken));
                if (!string.Equals(row.Status, status, StringComparison.Ordinal))
                {
                    // A status change is a new version (so an edit based on the old one is refused as stale), and
                    // the history says who changed it.
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO device_versions (device_id, version, action, source, changed_by, changed_at, changes)
                        VALUES (@id, @version, 'updated', 'status', 'status-feed', @now, @changes)
                        """,
                        new
                        {
                            id = row.Id,
                            version = row.Version + 1,
                            now,
                            changes = System.Text.Json.JsonSerializer.Serialize(new[] { new FieldChange("status", row.Status, status) }, Json),
                        },
                        transaction,
                        cancellationToken: cancellationToken));
                    changed++;
                    await OutboxWriter.WriteAsync(connection, transaction, StatusTopic, "device", row.Id.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
                }
            }

            return changed;
        }, cancellationToken);
    }
}

using System.Data.Common;
using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>A label: a device carrying a tag, who put it there and when.</summary>
public sealed record DeviceLabel
{
    public long DeviceId { get; init; }

    public long TagId { get; init; }

    public required string Origin { get; init; }

    public required string LabelledBy { get; init; }

    public DateTimeOffset LabelledAt { get; init; }
}

/// <summary>What labelling did: devices newly labelled, and devices that already carried the tag (merged, not doubled).</summary>
public sealed record LabelResult(int Labelled, int Merged);

/// <summary>How removing a label ended.</summary>
public enum LabelRemoval
{
    Removed,
    NotFound,

    /// <summary>Someone else's label, and the caller may only remove their own.</summary>
    NotOwner,

    /// <summary>A derived label: it follows its rule or plan and cannot be removed by hand.</summary>
    Derived,
}

/// <summary>
/// Labels of devices (TG-5 to TG-8). Every change writes an outbox entry per device (topic <see cref="Topic"/>), so
/// the search index and the derived tags follow in the background and a crash after the commit loses nothing.
/// Callers check the device scope and the tag permissions before calling.
/// </summary>
public sealed class LabelStore(Database database, TimeProvider time) : IDeviceReader
{
    /// <summary>Outbox topic of manual label changes (entity "device").</summary>
    public const string Topic = "tags.labels";

    /// <summary>Devices labelled per request at most.</summary>
    public const int MaxDevicesPerRequest = 2000;

    /// <summary>Labels devices with an active, non-derived tag; null when the tag is not active.</summary>
    [Unscoped("writes labels of devices the caller has checked against its scope")]
    public async Task<LabelResult?> LabelAsync(long tagId, IReadOnlyCollection<long> deviceIds, string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return await database.InTransactionAsync<LabelResult?>(async (connection, transaction) =>
        {
            // PostgreSQL: wait for a merge or recycle of this tag to commit, then see its state (SQLite: one writer).
            var state = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                connection is Npgsql.NpgsqlConnection ? "SELECT state FROM tags WHERE id = @tagId FOR SHARE" : "SELECT state FROM tags WHERE id = @tagId",
                new { tagId },
                transaction,
                cancellationToken: cancellationToken));
            if (state != TagStates.Active)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var labelled = 0;
            var merged = 0;
            foreach (var deviceId in deviceIds.Distinct())
            {
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO device_labels (device_id, tag_id, origin, labelled_by, labelled_at)
                    VALUES (@deviceId, @tagId, 'manual', @username, @now) ON CONFLICT (device_id, tag_id) DO NOTHING
                    """,
                    new { deviceId, tagId, username, now },
                    transaction,
                    cancellationToken: cancellationToken));
                if (inserted == 0)
                {
                    merged++;
                    continue;
                }

                labelled++;
                await OutboxWriter.WriteAsync(connection, transaction, Topic, "device", deviceId.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
            }

            return new LabelResult(labelled, merged);
        }, cancellationToken);
    }

    /// <summary>Removes one manual label; only the labeller's own unless <paramref name="anyone"/>.</summary>
    [Unscoped("removes a label of a device the caller has checked against its scope")]
    public async Task<LabelRemoval> RemoveAsync(long tagId, long deviceId, string username, bool anyone, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var label = await connection.QuerySingleOrDefaultAsync<DeviceLabel>(new CommandDefinition(
                "SELECT device_id, tag_id, origin, labelled_by, labelled_at FROM device_labels WHERE device_id = @deviceId AND tag_id = @tagId",
                new { deviceId, tagId },
                transaction,
                cancellationToken: cancellationToken));
            if (label is null)
            {
                return LabelRemoval.NotFound;
            }

            if (label.Origin == LabelOrigins.Derived)
            {
                return LabelRemoval.Derived;
            }

            if (!anyone && !string.Equals(label.LabelledBy, username, StringComparison.Ordinal))
            {
                return LabelRemoval.NotOwner;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM device_labels WHERE device_id = @deviceId AND tag_id = @tagId", new { deviceId, tagId }, transaction, cancellationToken: cancellationToken));
            await OutboxWriter.WriteAsync(connection, transaction, Topic, "device", deviceId.ToString(CultureInfo.InvariantCulture), null, time.GetUtcNow(), cancellationToken);
            return LabelRemoval.Removed;
        }, cancellationToken);
    }

    /// <summary>The labels of these devices (each device must be inside <paramref name="scope"/>, others are left out).</summary>
    public async Task<IReadOnlyList<DeviceLabel>> ForDevicesAsync(IReadOnlyCollection<long> deviceIds, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var labels = new List<DeviceLabel>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in deviceIds.Distinct().Chunk(500))
        {
            labels.AddRange(await connection.QueryAsync<DeviceLabel>(new CommandDefinition(
                $"""
                SELECT l.device_id, l.tag_id, l.origin, l.labelled_by, l.labelled_at
                FROM device_labels l JOIN devices d ON d.id = l.device_id
                WHERE {database.InList("l.device_id", "chunk")} AND {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}
                ORDER BY l.device_id, l.labelled_at, l.tag_id
                """,
                new { chunk, scopeOrganisations = Database.DeviceScopeParameter(scope) },
                cancellationToken: cancellationToken)));
        }

        return labels;
    }

    /// <summary>Tag ids by device for the search index (every device; the index applies the scope on search).</summary>
    [Unscoped("feeds the search index, which holds every device and applies the caller's scope on every search")]
    public static async Task<IReadOnlyDictionary<long, List<long>>> TagIdsAsync(DbConnection connection, Database database, IReadOnlyCollection<long> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(deviceIds);
        var result = new Dictionary<long, List<long>>();
        foreach (var chunk in deviceIds.Distinct().Chunk(500))
        {
            var rows = await connection.QueryAsync<(long, long)>(new CommandDefinition(
                $"SELECT device_id, tag_id FROM device_labels WHERE {database.InList("device_id", "chunk")}", new { chunk }, cancellationToken: cancellationToken));
            foreach (var (device, tag) in rows)
            {
                if (!result.TryGetValue(device, out var list))
                {
                    result[device] = list = [];
                }

                list.Add(tag);
            }
        }

        return result;
    }

    /// <summary>Ids of the devices inside <paramref name="scope"/> that carry at least one label (the tree's markers, TG-7).</summary>
    public async Task<IReadOnlyList<long>> LabelledDevicesAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            $"""
            SELECT DISTINCT l.device_id FROM device_labels l JOIN devices d ON d.id = l.device_id
            WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")} ORDER BY l.device_id
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken))];
    }
}

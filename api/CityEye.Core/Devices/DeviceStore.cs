using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices;

/// <summary>One field's change in a device version.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>A version of a device: who changed what, when, through which path (AR-5).</summary>
public sealed record DeviceVersion(long Id, long DeviceId, int Version, string Action, string Source, string? ChangedBy, DateTimeOffset ChangedAt, IReadOnlyList<FieldChange> Changes);

/// <summary>Who writes and through which path (ui, api, import, sync, demo, status).</summary>
public sealed record DeviceWriter(string Actor, string Source);

/// <summary>
/// Devices in the system of record. Every write also writes a version row and an outbox row in the same
/// transaction, so history, search index and cascade never miss a committed change.
/// </summary>
public sealed class DeviceStore(Database database, TimeProvider time) : IDeviceReader
{
    public const string CreatedTopic = "device.created";
    public const string UpdatedTopic = "device.updated";
    public const string DeletedTopic = "device.deleted";

    internal const string Columns =
        """
        id, gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer, model, resolution,
        longitude, latitude, address, business_group_id, function_type, video_signal_type, port, sip_domain, parent_platform,
        road, crossing, direction, maintainer, maintainer_contact, installed_on, construction_project, networking_level,
        last_online_at, last_offline_at, recording_completeness, attributes, version, created_at, updated_at
        """;

    private const string InsertSql =
        """
        INSERT INTO devices (gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer, model,
                             resolution, longitude, latitude, address, business_group_id, function_type, video_signal_type, port,
                             sip_domain, parent_platform, road, crossing, direction, maintainer, maintainer_contact, installed_on,
                             construction_project, networking_level, last_online_at, last_offline_at, recording_completeness,
                             attributes, version, created_at, updated_at)
        VALUES (@GbCode, @Name, @KeyboardCode, @TypeText, @StatusText, @OrganisationId, @Region, @IpAddress, @Manufacturer, @Model,
                @Resolution, @Longitude, @Latitude, @Address, @BusinessGroupId, @FunctionType, @VideoSignalType, @Port,
                @SipDomain, @ParentPlatform, @Road, @Crossing, @Direction, @Maintainer, @MaintainerContact, @InstalledOn,
                @ConstructionProject, @NetworkingLevel, @LastOnlineAt, @LastOfflineAt, @RecordingCompleteness,
                @Attributes, 1, @Now, @Now)
        RETURNING id
        """;

    public Database Database => database;

    /// <summary>Inserts devices with their version and outbox rows in one transaction; all or nothing.</summary>
    /// <returns>The new ids, in input order.</returns>
    [Unscoped("write path: DeviceService checks the caller's rights before it writes")]
    public async Task<IReadOnlyList<long>> InsertManyAsync(IReadOnlyList<Device> devices, DeviceWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(writer);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var ids = new List<long>(devices.Count);
            foreach (var device in devices)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ids.Add(await InsertOneAsync(connection, transaction, device, writer, now, cancellationToken));
            }

            return (IReadOnlyList<long>)ids;
        }, cancellationToken);
    }

    /// <summary>
    /// Creates and updates devices in one transaction (an import or a sync batch). An update whose device moved on
    /// from its expected version rolls the whole batch back and returns null.
    /// </summary>
    /// <returns>The id of each change, in input order.</returns>
    [Unscoped("write path: DeviceService checks the caller's rights before it writes")]
    public async Task<IReadOnlyList<long>?> WriteBatchAsync(IReadOnlyList<(Device? Before, Device After)> changes, DeviceWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(writer);
        try
        {
            return await database.InTransactionAsync<IReadOnlyList<long>?>(async (connection, transaction) =>
            {
                var now = time.GetUtcNow();
                var ids = new List<long>(changes.Count);
                foreach (var (before, after) in changes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (before is null)
                    {
                        ids.Add(await InsertOneAsync(connection, transaction, after, writer, now, cancellationToken));
                    }
                    else if (await UpdateOneAsync(connection, transaction, before, after, before.Version, writer, now, cancellationToken) is null)
                    {
                        throw new StaleBatchException();
                    }
                    else
                    {
                        ids.Add(before.Id);
                    }
                }

                return ids;
            }, cancellationToken);
        }
        catch (StaleBatchException)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces the editable fields of a device when its version is still <paramref name="expectedVersion"/>.
    /// </summary>
    /// <returns>The new version, or null when the device is gone or its version moved on (nothing written).</returns>
    [Unscoped("write path: DeviceService checks the caller's rights before it writes")]
    public async Task<int?> UpdateAsync(Device before, Device after, int expectedVersion, DeviceWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(writer);
        return await database.InTransactionAsync<int?>((connection, transaction) =>
            UpdateOneAsync(connection, transaction, before, after, expectedVersion, writer, time.GetUtcNow(), cancellationToken), cancellationToken);
    }

    private static async Task<long> InsertOneAsync(DbConnection connection, DbTransaction transaction, Device device, DeviceWriter writer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, Parameters(device, now), transaction, cancellationToken: cancellationToken));
        var changes = DeviceFields.ToMap(device).Where(p => p.Value is not null).Select(p => new FieldChange(p.Key, null, p.Value)).ToList();
        await WriteVersionAsync(connection, transaction, id, 1, "created", writer, now, changes, cancellationToken);
        await OutboxWriter.WriteAsync(connection, transaction, CreatedTopic, "device", Key(id), null, now, cancellationToken);
        return id;
    }

    private static async Task<int?> UpdateOneAsync(
        DbConnection connection, DbTransaction transaction, Device before, Device after, int expectedVersion, DeviceWriter writer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = DeviceFields.Diff(before, after);
        var p = Parameters(after, now);
        p.Add("id", before.Id);
        p.Add("expected", expectedVersion);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
                UPDATE devices SET gb_code = @GbCode, name = @Name, keyboard_code = @KeyboardCode, type = @TypeText, status = @StatusText,
                    organisation_id = @OrganisationId, region = @Region, ip_address = @IpAddress, manufacturer = @Manufacturer,
                    model = @Model, resolution = @Resolution, longitude = @Longitude, latitude = @Latitude, address = @Address,
                    business_group_id = @BusinessGroupId, function_type = @FunctionType, video_signal_type = @VideoSignalType,
                    port = @Port, sip_domain = @SipDomain, parent_platform = @ParentPlatform, road = @Road, crossing = @Crossing,
                    direction = @Direction, maintainer = @Maintainer, maintainer_contact = @MaintainerContact,
                    installed_on = @InstalledOn, construction_project = @ConstructionProject, networking_level = @NetworkingLevel,
                    attributes = @Attributes, version = version + 1, updated_at = @Now
                WHERE id = @id AND version = @expected
                """,
            p,
            transaction,
            cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return null;
        }

        var version = expectedVersion + 1;
        await WriteVersionAsync(connection, transaction, before.Id, version, "updated", writer, now, changes, cancellationToken);
        await OutboxWriter.WriteAsync(connection, transaction, UpdatedTopic, "device", Key(before.Id), null, now, cancellationToken);
        return version;
    }

    /// <summary>Deletes a device at <paramref name="expectedVersion"/>, keeping its history; false when it moved on or is gone.</summary>
    [Unscoped("write path: DeviceService checks the caller's rights before it writes")]
    public async Task<bool> DeleteAsync(Device before, int expectedVersion, DeviceWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(writer);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM devices WHERE id = @id AND version = @expectedVersion",
                new { id = before.Id, expectedVersion },
                transaction,
                cancellationToken: cancellationToken));
            if (deleted == 0)
            {
                return false;
            }

            // A deleted device leaves its tags and plans (a later device could otherwise inherit them by id).
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM device_labels WHERE device_id = @id", new { id = before.Id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plan_devices WHERE device_id = @id", new { id = before.Id }, transaction, cancellationToken: cancellationToken));
            var changes = DeviceFields.ToMap(before).Where(p => p.Value is not null).Select(p => new FieldChange(p.Key, p.Value, null)).ToList();
            await WriteVersionAsync(connection, transaction, before.Id, expectedVersion + 1, "deleted", writer, now, changes, cancellationToken);
            await OutboxWriter.WriteAsync(connection, transaction, DeletedTopic, "device", Key(before.Id), null, now, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Ids of every organisation and business group (a device must point at existing ones).</summary>
    [Unscoped("reference ids only, no device data")]
    public async Task<(IReadOnlySet<long> Organisations, IReadOnlySet<long> BusinessGroups)> ReferenceIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var organisations = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM organisations", cancellationToken: cancellationToken))).ToHashSet();
        var groups = (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM business_groups", cancellationToken: cancellationToken))).ToHashSet();
        return (organisations, groups);
    }

    /// <summary>Devices by GB code (for upserts by import and sync).</summary>
    [Unscoped("write path: DeviceService checks the caller's rights on each device it returns before writing")]
    public async Task<IReadOnlyDictionary<string, Device>> GetByGbCodesAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Device>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in gbCodes.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            foreach (var device in await connection.QueryAsync<Device>(new CommandDefinition(
                $"SELECT {Columns} FROM devices WHERE {database.InList("gb_code", "chunk")}", new { chunk }, cancellationToken: cancellationToken)))
            {
                found[device.GbCode] = device;
            }
        }

        return found;
    }

    /// <summary>Which of <paramref name="gbCodes"/> already exist.</summary>
    [Unscoped("uniqueness is ledger-wide; answers only which of the given codes are taken")]
    public async Task<IReadOnlySet<string>> ExistingGbCodesAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
    {
        var found = await FindByColumnAsync("gb_code", gbCodes, "gb_code", cancellationToken);
        return found.Select(r => r.Values[0]!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Devices whose <paramref name="firstColumn"/> is one of <paramref name="values"/>, with the values of
    /// <paramref name="columns"/> (comma-separated, constants of the caller, never user input) as invariant text.
    /// </summary>
    [Unscoped("uniqueness is ledger-wide; answers only ids and the values asked about")]
    internal async Task<IReadOnlyList<(long Id, string?[] Values)>> FindByColumnAsync(string firstColumn, IEnumerable<string> values, string columns, CancellationToken cancellationToken)
    {
        var wanted = values.Distinct(StringComparer.Ordinal).ToList();
        var found = new List<(long, string?[])>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in wanted.Chunk(500))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(
                $"SELECT id, {columns} FROM devices WHERE {database.InList(firstColumn, "chunk")}", new { chunk }, cancellationToken: cancellationToken));
            foreach (IDictionary<string, object?> row in rows)
            {
                found.Add((Convert.ToInt64(row["id"], CultureInfo.InvariantCulture), [.. row.Where(c => c.Key != "id").Select(c => c.Value is null or DBNull ? null : Convert.ToString(c.Value, CultureInfo.InvariantCulture))]));
            }
        }

        return found;
    }

    /// <summary>The ids among <paramref name="ids"/> of devices that exist and lie inside <paramref name="scope"/>.</summary>
    public async Task<IReadOnlySet<long>> VisibleIdsAsync(IReadOnlyCollection<long> ids, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var visible = new HashSet<long>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            visible.UnionWith(await connection.QueryAsync<long>(new CommandDefinition(
                $"SELECT id FROM devices WHERE {database.InList("id", "chunk")} AND {database.DeviceScopeFilter(scope, "organisation_id", "id")}",
                new { chunk, scopeOrganisations = Database.DeviceScopeParameter(scope) },
                cancellationToken: cancellationToken)));
        }

        return visible;
    }

    /// <summary>One device, or null when it does not exist or lies outside <paramref name="scope"/>.</summary>
    public async Task<Device?> GetAsync(long id, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Device>(new CommandDefinition(
            $"SELECT {Columns} FROM devices WHERE id = @id AND {database.DeviceScopeFilter(scope, "organisation_id", "id")}",
            new { id, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
    }

    /// <summary>Devices by id, for the search indexer (which indexes every device; searches apply the scope).</summary>
    [Unscoped("feeds the search index, which holds every device and applies the caller's scope on every search")]
    public async Task<IReadOnlyList<Device>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var devices = new List<Device>(ids.Count);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            devices.AddRange(await connection.QueryAsync<Device>(new CommandDefinition(
                $"SELECT {Columns} FROM devices WHERE {database.InList("id", "chunk")}", new { chunk }, cancellationToken: cancellationToken)));
        }

        return devices;
    }

    /// <summary>Every device in id order, a page at a time, for reindexing and the data audit.</summary>
    [Unscoped("feeds the search index and the ledger-wide data audit")]
    public async Task<IReadOnlyList<Device>> PageAfterAsync(long afterId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Device>(new CommandDefinition(
            $"SELECT {Columns} FROM devices WHERE id > @afterId ORDER BY id LIMIT @take", new { afterId, take }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Position, type and status of every device inside <paramref name="scope"/>, for the map.</summary>
    public async Task<IReadOnlyList<(long Id, double Longitude, double Latitude, string Type, string Status)>> MapPointsAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long, double, double, string, string)>(new CommandDefinition(
            $"SELECT id, longitude, latitude, type, status FROM devices WHERE {database.DeviceScopeFilter(scope, "organisation_id", "id")} ORDER BY id",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Position and function type of the cameras inside <paramref name="scope"/> that produce captures: smart cameras
    /// and checkpoints (function types 1 vehicle checkpoint, 2 person checkpoint, 3 micro checkpoint, 4 feature capture).
    /// </summary>
    public async Task<IReadOnlyList<(long Id, double Longitude, double Latitude, string FunctionType)>> CaptureCamerasAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long, double, double, string)>(new CommandDefinition(
            $"""
            SELECT id, longitude, latitude, COALESCE(function_type, '') FROM devices
            WHERE (type = 'SmartBullet' OR function_type IN ('1', '2', '3', '4')) AND {database.DeviceScopeFilter(scope, "organisation_id", "id")}
            ORDER BY id
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Id, owning organisation and position of every device inside <paramref name="scope"/> (capture regions).</summary>
    public async Task<IReadOnlyList<(long Id, long OrganisationId, double Longitude, double Latitude)>> LocatedAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long, long, double, double)>(new CommandDefinition(
            $"SELECT id, organisation_id, longitude, latitude FROM devices WHERE {database.DeviceScopeFilter(scope, "organisation_id", "id")} ORDER BY id",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    [Unscoped("a count of the whole ledger, to check the search index against; returns no device data")]
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM devices", cancellationToken: cancellationToken));
    }

    /// <summary>The versions of one device, newest first (also after it was deleted), when the device is in scope or was.</summary>
    public async Task<IReadOnlyList<DeviceVersion>> VersionsAsync(long deviceId, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
            "SELECT id, device_id, version, action, source, changed_by, changed_at, changes FROM device_versions WHERE device_id = @deviceId ORDER BY version DESC",
            new { deviceId },
            cancellationToken: cancellationToken));
        var versions = rows.Select(r => r.ToVersion()).ToList();
        if (versions.Count == 0 || scope.IsAll)
        {
            return versions;
        }

        // The owning unit of the device as each version left it: a user sees the history of devices in their scope.
        var owner = versions.SelectMany(v => v.Changes).FirstOrDefault(c => c.Field == "organisationId" && (c.After ?? c.Before) is not null);
        var current = await GetAsync(deviceId, scope, cancellationToken);
        return current is not null || (owner is not null && long.TryParse(owner.After ?? owner.Before, CultureInfo.InvariantCulture, out var org) && scope.Includes(org, deviceId))
            ? versions
            : [];
    }

    /// <summary>Counts by type, status and owning organisation of the devices inside <paramref name="scope"/>.</summary>
    public async Task<DeviceSummary> SummariseAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        var filter = "WHERE " + database.DeviceScopeFilter(scope, "d.organisation_id", "d.id");
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT d.type, d.status, COUNT(*) AS count FROM devices d {filter} GROUP BY d.type, d.status;
            SELECT o.id AS organisation_id, o.name, COUNT(*) AS count,
                   SUM(CASE WHEN d.status = 'Online' THEN 1 ELSE 0 END) AS online
            FROM devices d JOIN organisations o ON o.id = d.organisation_id {filter}
            GROUP BY o.id, o.name ORDER BY count DESC, o.name;
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        var byType = (await grid.ReadAsync<TypeStatusRow>()).Select(r => (r.Type, r.Status, r.Count)).ToList();
        var byOrganisation = (await grid.ReadAsync<OrganisationRow>()).Select(r => (r.OrganisationId, r.Name, r.Count, r.Online)).ToList();
        return new DeviceSummary(byType.Sum(r => r.Count), byType, byOrganisation);
    }

    private static DynamicParameters Parameters(Device device, DateTimeOffset now)
    {
        var p = new DynamicParameters(device);
        p.Add("TypeText", device.Type.ToString());
        p.Add("StatusText", device.Status.ToString());
        p.Add("Now", now);
        return p;
    }

    private static async Task WriteVersionAsync(
        DbConnection connection, DbTransaction transaction, long deviceId, int version, string action, DeviceWriter writer,
        DateTimeOffset now, List<FieldChange> changes, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO device_versions (device_id, version, action, source, changed_by, changed_at, changes)
            VALUES (@deviceId, @version, @action, @Source, @Actor, @now, @changes)
            """,
            new { deviceId, version, action, writer.Source, writer.Actor, now, changes = JsonSerializer.Serialize(changes, JsonOptions) },
            transaction,
            cancellationToken: cancellationToken));

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed class StaleBatchException : Exception;

    private sealed class VersionRow
    {
        public long Id { get; set; }

        public long DeviceId { get; set; }

        public int Version { get; set; }

        public string Action { get; set; } = string.Empty;

        public string Source { get; set; } = string.Empty;

        public string? ChangedBy { get; set; }

        public DateTimeOffset ChangedAt { get; set; }

        public string Changes { get; set; } = "[]";

        public DeviceVersion ToVersion() =>
            new(Id, DeviceId, Version, Action, Source, ChangedBy, ChangedAt, JsonSerializer.Deserialize<List<FieldChange>>(Changes, JsonOptions) ?? []);
    }

    private sealed class TypeStatusRow
    {
        public DeviceType Type { get; set; }

        public DeviceStatus Status { get; set; }

        public int Count { get; set; }
    }

    private sealed class OrganisationRow
    {
        public long OrganisationId { get; set; }

        public string Name { get; set; } = string.Empty;

        public int Count { get; set; }

        public int Online { get; set; }
    }
}

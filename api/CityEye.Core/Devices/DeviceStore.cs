using System.Data.Common;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices;

/// <summary>Device counts for dashboards, already restricted to what the caller may see.</summary>
public sealed record DeviceSummary(
    int Total,
    IReadOnlyList<(DeviceType Type, DeviceStatus Status, int Count)> ByTypeAndStatus,
    IReadOnlyList<(long OrganisationId, string Name, int Count, int Online)> ByOrganisation);

/// <summary>Devices in the system of record. Every write also writes an outbox row in the same transaction.</summary>
public sealed class DeviceStore(Database database, TimeProvider time)
{
    public const string CreatedTopic = "device.created";

    /// <summary>Inserts devices and their outbox rows in one transaction; all or nothing.</summary>
    /// <returns>The new ids, in input order.</returns>
    public async Task<IReadOnlyList<long>> InsertManyAsync(IReadOnlyList<Device> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var ids = new List<long>(devices.Count);
            foreach (var device in devices)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ids.Add(await InsertAsync(connection, transaction, device, now, cancellationToken).ConfigureAwait(false));
            }

            return (IReadOnlyList<long>)ids;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Which of <paramref name="gbCodes"/> already exist.</summary>
    public Task<IReadOnlySet<string>> ExistingGbCodesAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
        => ExistingValuesAsync("gb_code", gbCodes, cancellationToken);

    /// <summary>Which of <paramref name="keyboardCodes"/> already exist.</summary>
    public Task<IReadOnlySet<string>> ExistingKeyboardCodesAsync(IEnumerable<string> keyboardCodes, CancellationToken cancellationToken)
        => ExistingValuesAsync("keyboard_code", keyboardCodes, cancellationToken);

    public async Task<Device?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<Device>(new CommandDefinition(
            """
            SELECT id, gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer,
                   model, resolution, longitude, latitude, address, created_at, updated_at
            FROM devices WHERE id = @id
            """,
            new { id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Counts by type, status and owning organisation; <paramref name="organisationScope"/> null means every device.</summary>
    public async Task<DeviceSummary> SummariseAsync(IReadOnlyList<long>? organisationScope, CancellationToken cancellationToken)
    {
        var filter = organisationScope is null ? string.Empty : "WHERE " + database.InList("d.organisation_id", "scope");
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT d.type, d.status, COUNT(*) AS count FROM devices d {filter} GROUP BY d.type, d.status;
            SELECT o.id AS organisation_id, o.name, COUNT(*) AS count,
                   SUM(CASE WHEN d.status = 'Online' THEN 1 ELSE 0 END) AS online
            FROM devices d JOIN organisations o ON o.id = d.organisation_id {filter}
            GROUP BY o.id, o.name ORDER BY count DESC, o.name;
            """,
            new { scope = organisationScope?.ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var byType = (await grid.ReadAsync<TypeStatusRow>().ConfigureAwait(false)).Select(r => (r.Type, r.Status, r.Count)).ToList();
        var byOrganisation = (await grid.ReadAsync<OrganisationRow>().ConfigureAwait(false)).Select(r => (r.OrganisationId, r.Name, r.Count, r.Online)).ToList();
        return new DeviceSummary(byType.Sum(r => r.Count), byType, byOrganisation);
    }

    // column is a unique text column of devices, always a constant of this class (never user input).
    private async Task<IReadOnlySet<string>> ExistingValuesAsync(string column, IEnumerable<string> values, CancellationToken cancellationToken)
    {
        var wanted = values.ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in wanted.Chunk(500))
        {
            found.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT {column} FROM devices WHERE {database.InList(column, "chunk")}", new { chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false));
        }

        return found;
    }

    private static async Task<long> InsertAsync(DbConnection connection, DbTransaction transaction, Device device, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO devices (gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address,
                                 manufacturer, model, resolution, longitude, latitude, address, created_at, updated_at)
            VALUES (@GbCode, @Name, @KeyboardCode, @type, @status, @OrganisationId, @Region, @IpAddress,
                    @Manufacturer, @Model, @Resolution, @Longitude, @Latitude, @Address, @now, @now)
            RETURNING id
            """,
            new
            {
                device.GbCode,
                device.Name,
                device.KeyboardCode,
                type = device.Type.ToString(),
                status = device.Status.ToString(),
                device.OrganisationId,
                device.Region,
                device.IpAddress,
                device.Manufacturer,
                device.Model,
                device.Resolution,
                device.Longitude,
                device.Latitude,
                device.Address,
                now,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await OutboxWriter.WriteAsync(connection, transaction, CreatedTopic, "device", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, now, cancellationToken).ConfigureAwait(false);
        return id;
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

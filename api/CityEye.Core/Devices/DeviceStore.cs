using System.Data.Common;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices;

/// <summary>Devices in the system of record. Every write also writes an outbox row in the same transaction.</summary>
public sealed class DeviceStore(Database database, TimeProvider time) : IDeviceReader
{
    public const string CreatedTopic = "device.created";

    /// <summary>Inserts devices and their outbox rows in one transaction; all or nothing.</summary>
    /// <returns>The new ids, in input order.</returns>
    [Unscoped("write path: DeviceService checks the caller's rights before it writes")]
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
                ids.Add(await InsertAsync(connection, transaction, device, now, cancellationToken));
            }

            return (IReadOnlyList<long>)ids;
        }, cancellationToken);
    }

    /// <summary>Which of <paramref name="gbCodes"/> already exist.</summary>
    [Unscoped("uniqueness is ledger-wide; answers only which of the given codes are taken")]
    public Task<IReadOnlySet<string>> ExistingGbCodesAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
        => ExistingValuesAsync("gb_code", gbCodes, cancellationToken);

    /// <summary>Which of <paramref name="keyboardCodes"/> already exist.</summary>
    [Unscoped("uniqueness is ledger-wide; answers only which of the given codes are taken")]
    public Task<IReadOnlySet<string>> ExistingKeyboardCodesAsync(IEnumerable<string> keyboardCodes, CancellationToken cancellationToken)
        => ExistingValuesAsync("keyboard_code", keyboardCodes, cancellationToken);

    /// <summary>One device, or null when it does not exist or lies outside <paramref name="scope"/>.</summary>
    public async Task<Device?> GetAsync(long id, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Device>(new CommandDefinition(
            $"""
            SELECT id, gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer,
                   model, resolution, longitude, latitude, address, created_at, updated_at
            FROM devices WHERE id = @id AND {database.DeviceScopeFilter(scope, "organisation_id")}
            """,
            new { id, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
    }

    /// <summary>Counts by type, status and owning organisation of the devices inside <paramref name="scope"/>.</summary>
    public async Task<DeviceSummary> SummariseAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        var filter = "WHERE " + database.DeviceScopeFilter(scope, "d.organisation_id");
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

    // column is a unique text column of devices, always a constant of this class (never user input).
    private async Task<IReadOnlySet<string>> ExistingValuesAsync(string column, IEnumerable<string> values, CancellationToken cancellationToken)
    {
        var wanted = values.ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in wanted.Chunk(500))
        {
            found.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT {column} FROM devices WHERE {database.InList(column, "chunk")}", new { chunk }, cancellationToken: cancellationToken)));
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
            cancellationToken: cancellationToken));
        await OutboxWriter.WriteAsync(connection, transaction, CreatedTopic, "device", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, now, cancellationToken);
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

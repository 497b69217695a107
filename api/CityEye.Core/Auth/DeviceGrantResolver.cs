using System.Data.Common;
using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>
/// Turns device grants (of device roles) into the <see cref="DeviceScope"/> they reach: organisations and business
/// groups with everything below them, regions, single devices. The scope of a request is the union over the
/// caller's enabled device roles (<see cref="UserStore.GetDeviceScopeAsync"/>).
/// </summary>
public sealed class DeviceGrantResolver(Database database) : IDeviceReader
{
    /// <summary>
    /// The devices a set of device grants reaches: organisations and business groups with everything below them,
    /// regions and single devices; with the owning organisation of every single device.
    /// </summary>
    [Unscoped("resolves role grants into a scope; administrators compare it with their own (AccessGuard)")]
    public async Task<(DeviceScope Scope, IReadOnlyDictionary<long, long> DeviceOrganisations)> ResolveAsync(IEnumerable<DeviceGrant> grants, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ResolveAsync(connection, database, grants, cancellationToken);
    }

    internal static async Task<(DeviceScope Scope, IReadOnlyDictionary<long, long> DeviceOrganisations)> ResolveAsync(DbConnection connection, Database database, IEnumerable<DeviceGrant> grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var list = grants.ToList();
        if (list.Any(g => g.Kind == DeviceGrantKinds.All))
        {
            return (DeviceScope.All, new Dictionary<long, long>());
        }

        long[] Ids(string kind) => [.. list.Where(g => g.Kind == kind).Select(g => long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id > 0).Distinct()];
        var organisationRoots = Ids(DeviceGrantKinds.Organisation);
        var groupRoots = Ids(DeviceGrantKinds.Group);
        var deviceIds = Ids(DeviceGrantKinds.Device);
        var regions = list.Where(g => g.Kind == DeviceGrantKinds.Region).Select(g => g.Value).Distinct(StringComparer.Ordinal).ToArray();

        var organisations = organisationRoots.Length == 0 ? [] : (await connection.QueryAsync<long>(new CommandDefinition(
            $"""
            WITH RECURSIVE reach (id) AS (
                SELECT id FROM organisations WHERE {database.InList("id", "roots")}
                UNION
                SELECT o.id FROM organisations o JOIN reach r ON o.parent_id = r.id
            )
            SELECT id FROM reach
            """,
            new { roots = organisationRoots },
            cancellationToken: cancellationToken))).ToHashSet();

        var devices = new Dictionary<long, long>();
        void Add(IEnumerable<(long Id, long Organisation)> rows)
        {
            foreach (var (id, organisation) in rows)
            {
                if (!organisations.Contains(organisation))
                {
                    devices[id] = organisation;
                }
            }
        }

        if (groupRoots.Length > 0)
        {
            Add(await connection.QueryAsync<(long, long)>(new CommandDefinition(
                $"""
                WITH RECURSIVE reach (id) AS (
                    SELECT id FROM business_groups WHERE {database.InList("id", "roots")}
                    UNION
                    SELECT g.id FROM business_groups g JOIN reach r ON g.parent_id = r.id
                )
                SELECT d.id, d.organisation_id FROM devices d WHERE d.business_group_id IN (SELECT id FROM reach)
                """,
                new { roots = groupRoots },
                cancellationToken: cancellationToken)));
        }

        if (regions.Length > 0)
        {
            Add(await connection.QueryAsync<(long, long)>(new CommandDefinition(
                $"SELECT id, organisation_id FROM devices WHERE {database.InList("region", "regions")}", new { regions }, cancellationToken: cancellationToken)));
        }

        foreach (var chunk in deviceIds.Chunk(500))
        {
            Add(await connection.QueryAsync<(long, long)>(new CommandDefinition(
                $"SELECT id, organisation_id FROM devices WHERE {database.InList("id", "chunk")}", new { chunk }, cancellationToken: cancellationToken)));
        }

        return (DeviceScope.Of(organisations, devices.Keys), devices);
    }

    /// <summary>How many devices a scope reaches now.</summary>
    public async Task<int> CountDevicesAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM devices d WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
    }

    /// <summary>What each grant names, for people: the unit's, group's or device's name, the region, "全部设备".</summary>
    [Unscoped("names of the units, groups and devices that roles name, for user administrators")]
    public async Task<IReadOnlyDictionary<DeviceGrant, string>> GrantLabelsAsync(IEnumerable<DeviceGrant> grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var list = grants.Distinct().ToList();
        long[] Ids(string kind) => [.. list.Where(g => g.Kind == kind).Select(g => long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        async Task<Dictionary<string, string>> NamesAsync(string table, string column, long[] ids) => ids.Length == 0 ? [] :
            (await connection.QueryAsync<(long, string)>(new CommandDefinition(
                $"SELECT id, {column} FROM {table} WHERE {database.InList("id", "ids")}", new { ids }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Item1.ToString(CultureInfo.InvariantCulture), r => r.Item2, StringComparer.Ordinal);
        var organisations = await NamesAsync("organisations", "name", Ids(DeviceGrantKinds.Organisation));
        var groups = await NamesAsync("business_groups", "name", Ids(DeviceGrantKinds.Group));
        var devices = await NamesAsync("devices", "name", Ids(DeviceGrantKinds.Device));
        return list.ToDictionary(g => g, g => g.Kind switch
        {
            DeviceGrantKinds.All => "全部设备",
            DeviceGrantKinds.Organisation => organisations.GetValueOrDefault(g.Value, "#" + g.Value),
            DeviceGrantKinds.Group => groups.GetValueOrDefault(g.Value, "#" + g.Value),
            DeviceGrantKinds.Device => devices.GetValueOrDefault(g.Value, "#" + g.Value),
            _ => g.Value,
        });
    }

}

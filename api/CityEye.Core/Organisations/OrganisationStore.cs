using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Organisations;

/// <summary>The organisation tree in the system of record.</summary>
public sealed class OrganisationStore(Database database, TimeProvider time) : IDeviceReader
{
    /// <summary>Creates an organisation, or returns the id of the one that already has <paramref name="code"/>.</summary>
    [Unscoped("organisations, not devices: the tree itself is visible to every user with organisations.view")]
    public async Task<long> EnsureAsync(string code, long? parentId, string name, OrganisationKind kind, string? region, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var existing = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM organisations WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        if (existing is not null)
        {
            return existing.Value;
        }

        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO organisations (parent_id, code, name, kind, region, created_at)
            VALUES (@parentId, @code, @name, @kind, @region, @now)
            RETURNING id
            """,
            new { parentId, code, name, kind = kind.ToString(), region, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    [Unscoped("counts organisations, not devices (start-up: is the store empty?)")]
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM organisations", cancellationToken: cancellationToken));
    }

    [Unscoped("organisations, not devices")]
    public async Task<Organisation?> FindByCodeAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OrganisationWithCount>(new CommandDefinition(
            "SELECT id, parent_id, code, name, kind, region, 0 AS device_count FROM organisations WHERE code = @code",
            new { code },
            cancellationToken: cancellationToken));
        return row is null ? null : new Organisation(row.Id, row.ParentId, row.Code, row.Name, row.Kind, row.Region);
    }

    /// <summary>
    /// The whole tree with device counts; only devices inside <paramref name="scope"/> are counted (device-level
    /// permission).
    /// </summary>
    public async Task<IReadOnlyList<OrganisationWithCount>> ListAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        var scopeFilter = "WHERE " + database.DeviceScopeFilter(scope, "d.organisation_id", "d.id");
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OrganisationWithCount>(new CommandDefinition(
            $"""
            SELECT o.id, o.parent_id, o.code, o.name, o.kind, o.region, COALESCE(c.device_count, 0) AS device_count
            FROM organisations o
            LEFT JOIN (SELECT d.organisation_id, COUNT(*) AS device_count FROM devices d {scopeFilter} GROUP BY d.organisation_id) c
                ON c.organisation_id = o.id
            ORDER BY o.parent_id IS NOT NULL, o.parent_id, o.code
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

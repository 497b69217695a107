using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Groups;

/// <summary>A business group (业务分组) with the number of devices filed directly under it.</summary>
public sealed record BusinessGroup
{
    public long Id { get; init; }

    public long? ParentId { get; init; }

    public string Code { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public int Sort { get; init; }

    public int DeviceCount { get; init; }
}

/// <summary>A node of a directory tree (business groups, organisations, regions) with device counts.</summary>
/// <param name="Key">Node id as text (or the region name).</param>
/// <param name="ParentKey">Parent's key; null at a root.</param>
/// <param name="Name">Display name.</param>
/// <param name="DirectCount">Devices filed directly under the node.</param>
/// <param name="TotalCount">Devices under the node and every descendant.</param>
public sealed record TreeNode(string Key, string? ParentKey, string Name, int DirectCount, int TotalCount);

/// <summary>Business groups in the system of record, and the directory trees of AR-2.</summary>
public sealed class BusinessGroupStore(Database database, TimeProvider time) : IDeviceReader
{
    /// <summary>Creates a group, or returns the id of the one with <paramref name="code"/>.</summary>
    [Unscoped("business groups, not devices")]
    public async Task<long> EnsureAsync(string code, long? parentId, string name, int sort, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var existing = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM business_groups WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        if (existing is not null)
        {
            return existing.Value;
        }

        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO business_groups (parent_id, code, name, sort, created_at) VALUES (@parentId, @code, @name, @sort, @now) RETURNING id",
            new { parentId, code, name, sort, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Every group with the devices inside <paramref name="scope"/> filed directly under it.</summary>
    public async Task<IReadOnlyList<BusinessGroup>> ListAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<BusinessGroup>(new CommandDefinition(
            $"""
            SELECT g.id, g.parent_id, g.code, g.name, g.sort, COALESCE(c.device_count, 0) AS device_count
            FROM business_groups g
            LEFT JOIN (SELECT d.business_group_id, COUNT(*) AS device_count FROM devices d
                       WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")} GROUP BY d.business_group_id) c
                ON c.business_group_id = g.id
            ORDER BY g.sort, g.code
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Devices inside <paramref name="scope"/> filed under no business group.</summary>
    public async Task<int> UnfiledCountAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM devices d WHERE d.business_group_id IS NULL AND {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
    }

    /// <summary>Devices inside <paramref name="scope"/> per administrative region.</summary>
    public async Task<IReadOnlyList<(string Region, int Count)>> CountByRegionAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, int)>(new CommandDefinition(
            $"SELECT d.region, COUNT(*) FROM devices d WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")} GROUP BY d.region ORDER BY d.region",
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

/// <summary>Tree helpers for the directory trees and subtree filters.</summary>
public static class Trees
{
    /// <summary>Every ancestor of each node (nearest first), for subtree filters in the search index.</summary>
    public static IReadOnlyDictionary<long, IReadOnlyList<long>> Ancestors(IEnumerable<(long Id, long? ParentId)> nodes)
    {
        var parents = nodes.ToDictionary(n => n.Id, n => n.ParentId);
        var result = new Dictionary<long, IReadOnlyList<long>>();
        foreach (var id in parents.Keys)
        {
            var chain = new List<long>();
            var current = parents[id];
            while (current is { } p && chain.Count < 64 && !chain.Contains(p))
            {
                chain.Add(p);
                current = parents.GetValueOrDefault(p);
            }

            result[id] = chain;
        }

        return result;
    }

    /// <summary>Rolls direct counts up the tree: each node's total includes every descendant.</summary>
    public static IReadOnlyList<TreeNode> Tree(IReadOnlyList<(string Key, string? ParentKey, string Name, int Count)> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var totals = nodes.ToDictionary(n => n.Key, n => n.Count, StringComparer.Ordinal);
        var parents = nodes.ToDictionary(n => n.Key, n => n.ParentKey, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { node.Key };
            var parent = node.ParentKey;
            while (parent is not null && totals.ContainsKey(parent) && seen.Add(parent))
            {
                totals[parent] += node.Count;
                parent = parents[parent];
            }
        }

        return [.. nodes.Select(n => new TreeNode(n.Key, n.ParentKey, n.Name, n.Count, totals[n.Key]))];
    }
}

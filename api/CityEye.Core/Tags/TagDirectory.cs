using System.Data.Common;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>The tag lists with their device counts, which depend on the caller's device scope.</summary>
public sealed class TagDirectory(Database database) : IDeviceReader
{
    /// <summary>Tags matching <paramref name="query"/>, with device counts inside <paramref name="scope"/>.</summary>
    public async Task<IReadOnlyList<TagListItem>> ListAsync(TagQuery query, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var where = new List<string> { "t.state = @State" };
        if (query.Category is not null)
        {
            where.Add("t.category = @Category");
        }

        if (query.Kind is not null)
        {
            where.Add("t.kind = @Kind");
        }

        if (query.GroupId is not null)
        {
            where.Add("t.group_id = @GroupId");
        }

        if (query.ParentId is not null)
        {
            where.Add("t.parent_id = @ParentId");
        }

        if (query.PoliceLine is not null)
        {
            where.Add("g.police_line = @PoliceLine");
        }

        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            where.Add("t.name LIKE @pattern ESCAPE '\\'");
        }

        if (query.Ids.Count > 0)
        {
            where.Add(database.InList("t.id", "ids"));
        }

        var pattern = "%" + (query.Name ?? string.Empty).Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var rows = (await connection.QueryAsync<Tag>(new CommandDefinition(
            $"""
            SELECT t.id, t.category, t.kind, t.name, t.parent_id, t.group_id, t.city_code, t.origin, t.state, t.merged_into, t.search_count, t.created_by, t.created_at, t.updated_at
            FROM tags t LEFT JOIN tag_groups g ON g.id = t.group_id
            WHERE {string.Join(" AND ", where)}
            ORDER BY t.category, t.kind, t.name, t.id
            """,
            new { query.State, query.Category, query.Kind, query.GroupId, query.ParentId, query.PoliceLine, pattern, ids = query.Ids.ToArray() },
            cancellationToken: cancellationToken))).ToList();
        var groups = (await connection.QueryAsync<TagGroup>(new CommandDefinition($"SELECT {TagStore.GroupColumns} FROM tag_groups", cancellationToken: cancellationToken))).ToDictionary(g => g.Id);
        var counts = await DeviceCountsAsync(connection, scope, cancellationToken);
        return [.. rows.Select(t => new TagListItem(t, t.GroupId is { } g ? groups.GetValueOrDefault(g) : null, counts.GetValueOrDefault(t.Id)))];
    }

    /// <summary>Devices inside <paramref name="scope"/> labelled with each active tag or one of its descendants.</summary>
    public async Task<IReadOnlyDictionary<long, long>> DeviceCountsAsync(DbConnection connection, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rows = await connection.QueryAsync<(long, long)>(new CommandDefinition(
            $"""
            WITH RECURSIVE closure (ancestor, tag) AS (
                SELECT id, id FROM tags WHERE state = 'active'
                UNION ALL
                SELECT c.ancestor, t.id FROM closure c JOIN tags t ON t.parent_id = c.tag WHERE t.state = 'active'
            )
            SELECT c.ancestor, COUNT(DISTINCT l.device_id)
            FROM closure c JOIN device_labels l ON l.tag_id = c.tag JOIN devices d ON d.id = l.device_id
            WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}
            GROUP BY c.ancestor
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }
}

using System.Data.Common;
using CityEye.Core.Storage;
using CityEye.Core.Validation;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>Filters of the tag list (TG-11): all optional, combined with AND.</summary>
public sealed record TagQuery
{
    public string? Category { get; init; }

    public string? Kind { get; init; }

    public long? GroupId { get; init; }

    public long? ParentId { get; init; }

    public string? PoliceLine { get; init; }

    /// <summary>Part of the name.</summary>
    public string? Name { get; init; }

    public IReadOnlyList<long> Ids { get; init; } = [];

    /// <summary>Active tags unless set (recycled, merged).</summary>
    public string State { get; init; } = TagStates.Active;
}

/// <summary>A tag with its group and how many devices in the caller's scope carry it or one of its descendants.</summary>
public sealed record TagListItem(Tag Tag, TagGroup? Group, long DeviceCount);

/// <summary>Why a tag could not be written: the request field and the error code.</summary>
public sealed record TagProblem(string Field, string Code, IReadOnlyDictionary<string, object?>? Args = null);

/// <summary>
/// The tag dictionaries (TG-11 to TG-13): tags of the four categories, the scene hierarchy, business and construction
/// groups, and derivation rules. Active tags are unique by name key among their siblings (same category, kind,
/// parent and group), so asking for an existing name answers the existing tag instead of a duplicate.
/// </summary>
public sealed class TagStore(Database database, TimeProvider time)
{
    public const string TagColumns =
        "id, category, kind, name, parent_id, group_id, city_code, origin, state, merged_into, search_count, created_by, created_at, updated_at";

    public const string GroupColumns = "id, category, police_line, level, name, created_by, created_at";

    public Database Database => database;

    public async Task<Tag?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public static Task<Tag?> GetAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Tag>(new CommandDefinition($"SELECT {TagColumns} FROM tags WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>Every tag (any state) with every group: the small tables the labelling and statistics code keeps at hand.</summary>
    public async Task<(IReadOnlyList<Tag> Tags, IReadOnlyList<TagGroup> Groups)> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var tags = await connection.QueryAsync<Tag>(new CommandDefinition($"SELECT {TagColumns} FROM tags ORDER BY id", cancellationToken: cancellationToken));
        var groups = await connection.QueryAsync<TagGroup>(new CommandDefinition($"SELECT {GroupColumns} FROM tag_groups ORDER BY id", cancellationToken: cancellationToken));
        return ([.. tags], [.. groups]);
    }

    /// <summary>
    /// Creates a tag, or answers the active tag of the same name among its siblings (Existing = true): labelling or
    /// creating with an existing name never makes a duplicate (TG-8). Problems name the field at fault.
    /// </summary>
    public async Task<(Tag? Tag, bool Existing, TagProblem? Problem)> CreateAsync(
        string category, string kind, string name, long? parentId, long? groupId, string? cityCode, string origin, string createdBy, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(
            (connection, transaction) => CreateAsync(connection, transaction, category, kind, name, parentId, groupId, cityCode, origin, createdBy, cancellationToken),
            cancellationToken);
    }

    public async Task<(Tag? Tag, bool Existing, TagProblem? Problem)> CreateAsync(
        DbConnection connection, DbTransaction transaction, string category, string kind, string name, long? parentId, long? groupId, string? cityCode, string origin, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var clean = TagNames.Clean(name);
        if (clean.Length == 0)
        {
            return (null, false, new TagProblem("name", ErrorCodes.Required));
        }

        if (clean.Length > TagNames.MaxLength)
        {
            return (null, false, new TagProblem("name", ErrorCodes.Length, new Dictionary<string, object?> { ["max"] = TagNames.MaxLength }));
        }

        if (!TagCategories.All.Contains(category))
        {
            return (null, false, new TagProblem("category", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = category }));
        }

        var sceneKinds = new[] { TagKinds.PlaceType, TagKinds.PlacePart, TagKinds.PlaceName };
        if (category == TagCategories.Scene ? !sceneKinds.Contains(kind) : kind != TagKinds.Tag)
        {
            return (null, false, new TagProblem("kind", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = kind }));
        }

        // The parent of a scene tag is the level above it; only scene tags have parents.
        var parentKind = category == TagCategories.Scene ? TagKinds.ParentKind(kind) : null;
        if (parentKind is null && parentId is not null)
        {
            return (null, false, new TagProblem("parentId", ErrorCodes.TagParent));
        }

        if (parentKind is not null)
        {
            var parent = parentId is { } p ? await GetAsync(connection, transaction, p, cancellationToken) : null;
            if (parent is null || parent.State != TagStates.Active || parent.Category != TagCategories.Scene || parent.Kind != parentKind)
            {
                return (null, false, new TagProblem("parentId", ErrorCodes.TagParent));
            }
        }

        // Business and construction tags sit in a group of their category; scene and derived tags in none.
        var needsGroup = category is TagCategories.Business or TagCategories.Construction;
        if (!needsGroup && groupId is not null)
        {
            return (null, false, new TagProblem("groupId", ErrorCodes.TagGroup));
        }

        if (needsGroup)
        {
            var group = groupId is { } g ? await GetGroupAsync(connection, transaction, g, cancellationToken) : null;
            if (group is null || group.Category != category)
            {
                return (null, false, new TagProblem("groupId", ErrorCodes.TagGroup));
            }
        }

        var key = TagNames.Key(clean);
        var existing = await connection.QuerySingleOrDefaultAsync<Tag>(new CommandDefinition(
            $"""
            SELECT {TagColumns} FROM tags
            WHERE state = 'active' AND category = @category AND kind = @kind AND COALESCE(parent_id, 0) = @parent AND COALESCE(group_id, 0) = @group AND name_key = @key
            """,
            new { category, kind, parent = parentId ?? 0, group = groupId ?? 0, key },
            transaction,
            cancellationToken: cancellationToken));
        if (existing is not null)
        {
            return (existing, true, null);
        }

        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO tags (category, kind, name, name_key, parent_id, group_id, city_code, origin, state, search_count, created_by, created_at, updated_at)
            VALUES (@category, @kind, @clean, @key, @parentId, @groupId, @cityCode, @origin, 'active', 0, @createdBy, @now, @now) RETURNING id
            """,
            new { category, kind, clean, key, parentId, groupId, cityCode = string.IsNullOrWhiteSpace(cityCode) ? null : cityCode.Trim(), origin, createdBy, now },
            transaction,
            cancellationToken: cancellationToken));
        return (new Tag
        {
            Id = id,
            Category = category,
            Kind = kind,
            Name = clean,
            ParentId = parentId,
            GroupId = groupId,
            CityCode = cityCode,
            Origin = origin,
            State = TagStates.Active,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        }, false, null);
    }

    /// <summary>Renames an active tag (and sets its city code); a problem when another sibling has the name.</summary>
    public async Task<(Tag? Tag, TagProblem? Problem)> UpdateAsync(long id, string name, string? cityCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var clean = TagNames.Clean(name);
        if (clean.Length == 0 || clean.Length > TagNames.MaxLength)
        {
            return (null, new TagProblem("name", clean.Length == 0 ? ErrorCodes.Required : ErrorCodes.Length, new Dictionary<string, object?> { ["max"] = TagNames.MaxLength }));
        }

        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var tag = await GetAsync(connection, transaction, id, cancellationToken);
            if (tag is null || tag.State != TagStates.Active)
            {
                return (null, null);
            }

            var key = TagNames.Key(clean);
            var clash = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                SELECT id FROM tags WHERE state = 'active' AND id <> @id AND category = @Category AND kind = @Kind
                  AND COALESCE(parent_id, 0) = @parent AND COALESCE(group_id, 0) = @group AND name_key = @key
                """,
                new { id, tag.Category, tag.Kind, parent = tag.ParentId ?? 0, group = tag.GroupId ?? 0, key },
                transaction,
                cancellationToken: cancellationToken));
            if (clash is not null)
            {
                return ((Tag?)null, new TagProblem("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = clean }));
            }

            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE tags SET name = @clean, name_key = @key, city_code = @cityCode, updated_at = @now WHERE id = @id",
                new { id, clean, key, cityCode = string.IsNullOrWhiteSpace(cityCode) ? null : cityCode.Trim(), now },
                transaction,
                cancellationToken: cancellationToken));
            return (tag with { Name = clean, CityCode = cityCode, UpdatedAt = now }, (TagProblem?)null);
        }, cancellationToken);
    }

    /// <summary>Adds to the search counts of tags used as device-search filters (TG-11).</summary>
    public async Task AddSearchCountsAsync(IReadOnlyDictionary<long, long> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }

        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (id, count) in counts)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE tags SET search_count = search_count + @count WHERE id = @id", new { id, count }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
    }

    // Groups.
    public async Task<IReadOnlyList<(TagGroup Group, int Tags)>> GroupsAsync(string? category, string? policeLine, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TagGroup, long, (TagGroup, int)>(
            new CommandDefinition(
                """
                SELECT g.id, g.category, g.police_line, g.level, g.name, g.created_by, g.created_at,
                       (SELECT COUNT(*) FROM tags t WHERE t.group_id = g.id AND t.state = 'active') AS tags
                FROM tag_groups g
                WHERE (@category IS NULL OR g.category = @category) AND (@policeLine IS NULL OR g.police_line = @policeLine)
                ORDER BY g.category, g.police_line, g.name
                """,
                new { category, policeLine },
                cancellationToken: cancellationToken),
            (group, count) => (group, (int)count),
            splitOn: "tags");
        return [.. rows];
    }

    public static Task<TagGroup?> GetGroupAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<TagGroup>(new CommandDefinition($"SELECT {GroupColumns} FROM tag_groups WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    public async Task<TagGroup?> GetGroupAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetGroupAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Creates a group (null when the name is taken in that category and police line).</summary>
    public async Task<TagGroup?> CreateGroupAsync(string category, string? policeLine, string? level, string name, string createdBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clean = TagNames.Clean(name);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO tag_groups (category, police_line, level, name, created_by, created_at)
            VALUES (@category, @policeLine, @level, @clean, @createdBy, @now) ON CONFLICT DO NOTHING RETURNING id
            """,
            new { category, policeLine, level, clean, createdBy, now },
            cancellationToken: cancellationToken));
        return id is null ? null : new TagGroup { Id = id.Value, Category = category, PoliceLine = policeLine, Level = level, Name = clean, CreatedBy = createdBy, CreatedAt = now };
    }

    /// <summary>Renames a group or changes a construction field's level: false when the name is taken.</summary>
    public async Task<bool> UpdateGroupAsync(long id, string name, string? level, CancellationToken cancellationToken)
    {
        var clean = TagNames.Clean(name);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var group = await GetGroupAsync(connection, null, id, cancellationToken);
        if (group is null)
        {
            return true;
        }

        var taken = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM tag_groups WHERE id <> @id AND category = @Category AND COALESCE(police_line, '') = COALESCE(@PoliceLine, '') AND name = @clean",
            new { id, group.Category, group.PoliceLine, clean },
            cancellationToken: cancellationToken));
        if (taken is not null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tag_groups SET name = @clean, level = @level WHERE id = @id",
            new { id, clean, level = group.Category == TagCategories.Construction ? level ?? group.Level : null },
            cancellationToken: cancellationToken));
        return true;
    }

    /// <summary>Deletes a group without active tags: null when it does not exist, false when it still has tags.</summary>
    public async Task<bool?> DeleteGroupAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<bool?>(async (connection, transaction) =>
        {
            if (await GetGroupAsync(connection, transaction, id, cancellationToken) is null)
            {
                return null;
            }

            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM tags WHERE group_id = @id AND state = 'active'", new { id }, transaction, cancellationToken: cancellationToken)) > 0)
            {
                return false;
            }

            // Recycled and merged tags keep their rows (jobs and history refer to them) but leave the group.
            await connection.ExecuteAsync(new CommandDefinition("UPDATE tags SET group_id = NULL WHERE group_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM tag_groups WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);
    }
}

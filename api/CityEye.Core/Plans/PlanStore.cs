using System.Data.Common;
using System.Globalization;
using CityEye.Core.Storage;
using CityEye.Core.Tags;
using CityEye.Core.Validation;
using CityEye.Core.Walls;
using Dapper;

namespace CityEye.Core.Plans;

/// <summary>
/// Video plans and their directory trees (PL-1 to PL-3, PL-5 to PL-8, PL-10). Every plan change writes an outbox entry
/// (<see cref="TagDerivation.PlanTopic"/>) so that the business tags derived from basic plans follow (TG-9).
/// </summary>
public sealed class PlanStore(Database database, TagStore tags, TimeProvider time)
{
    private const string DirectoryColumns = "id, parent_id, plan_type, name, sort_order, created_by, created_at, updated_at";
    private const string PlanColumns =
        "id, directory_id, plan_type, name, description, police_line, business_tag_id, screens, split, patrol_seconds, view_count, version, created_by, created_at, updated_at";

    /// <summary>The name of the business tag group that holds the tags of basic plans, per police line.</summary>
    public const string BasicPlanGroup = "基础预案";

    public async Task<IReadOnlyList<PlanDirectory>> DirectoriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<PlanDirectory>(new CommandDefinition($"SELECT {DirectoryColumns} FROM plan_directories ORDER BY sort_order, name, id", cancellationToken: cancellationToken))];
    }

    /// <summary>Role ids allowed per directory (directories without rows inherit their parent's rule).</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> DirectoryRolesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Directory, long Role)>(new CommandDefinition("SELECT directory_id, role_id FROM plan_directory_roles", cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Directory).ToDictionary(g => g.Key, g => (IReadOnlyList<long>)[.. g.Select(r => r.Role).Order()]);
    }

    public async Task SetDirectoryRolesAsync(long id, IReadOnlyList<long> roleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roleIds);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plan_directory_roles WHERE directory_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            foreach (var role in roleIds.Distinct())
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO plan_directory_roles (directory_id, role_id) VALUES (@id, @role)", new { id, role }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
    }

    public async Task<PlanDirectory> CreateDirectoryAsync(long parentId, string name, string user, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var parent = await DirectoryAsync(connection, transaction, parentId, cancellationToken) ?? throw new PlanException("parentId", ErrorCodes.UnknownValue, Value(parentId));
            await UniqueDirectoryAsync(connection, transaction, parent.PlanType, parentId, name, 0, cancellationToken);
            var now = time.GetUtcNow();
            var order = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM plan_directories WHERE parent_id = @parentId", new { parentId }, transaction, cancellationToken: cancellationToken));
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO plan_directories (parent_id, plan_type, name, sort_order, created_by, created_at, updated_at)
                VALUES (@parentId, @PlanType, @name, @order, @user, @now, @now) RETURNING id
                """,
                new { parentId, parent.PlanType, name, order, user, now },
                transaction,
                cancellationToken: cancellationToken));
            return new PlanDirectory { Id = id, ParentId = parentId, PlanType = parent.PlanType, Name = name, SortOrder = order, CreatedBy = user, CreatedAt = now, UpdatedAt = now };
        }, cancellationToken);
    }

    /// <summary>Renames, moves (re-parents) and orders a directory; null when it does not exist.</summary>
    public async Task<PlanDirectory?> UpdateDirectoryAsync(long id, string name, long parentId, int? sortOrder, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var directory = await DirectoryAsync(connection, transaction, id, cancellationToken);
            if (directory is null)
            {
                return null;
            }

            if (directory.ParentId is null)
            {
                throw new PlanException("id", ErrorCodes.PlanDirectoryRoot);
            }

            if (connection is Npgsql.NpgsqlConnection)
            {
                // Two moves at once could each pass the cycle check below: moves run one at a time.
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = DirectoryLockKey }, transaction, cancellationToken: cancellationToken));
            }

            var parent = await DirectoryAsync(connection, transaction, parentId, cancellationToken) ?? throw new PlanException("parentId", ErrorCodes.UnknownValue, Value(parentId));
            if (parent.PlanType != directory.PlanType)
            {
                throw new PlanException("parentId", ErrorCodes.PlanDirectoryType);
            }

            // The new parent may not be the directory itself or one of its sub-directories.
            var all = (await connection.QueryAsync<(long Id, long? Parent)>(new CommandDefinition(
                "SELECT id, parent_id FROM plan_directories", transaction: transaction, cancellationToken: cancellationToken))).ToDictionary(d => d.Id, d => d.Parent);
            for (long? up = parentId; up is { } current; up = all.GetValueOrDefault(current))
            {
                if (current == id)
                {
                    throw new PlanException("parentId", ErrorCodes.PlanDirectoryCycle);
                }
            }

            await UniqueDirectoryAsync(connection, transaction, directory.PlanType, parentId, name, id, cancellationToken);
            var now = time.GetUtcNow();
            var order = sortOrder ?? (parentId == directory.ParentId ? directory.SortOrder : await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM plan_directories WHERE parent_id = @parentId", new { parentId }, transaction, cancellationToken: cancellationToken)));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE plan_directories SET name = @name, parent_id = @parentId, sort_order = @order, updated_at = @now WHERE id = @id",
                new { id, name, parentId, order, now },
                transaction,
                cancellationToken: cancellationToken));
            return directory with { Name = name, ParentId = parentId, SortOrder = order, UpdatedAt = now };
        }, cancellationToken);
    }

    /// <summary>Deletes an empty directory: false when it does not exist.</summary>
    public async Task<bool> DeleteDirectoryAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var directory = await DirectoryAsync(connection, transaction, id, cancellationToken);
            if (directory is null)
            {
                return false;
            }

            if (directory.ParentId is null)
            {
                throw new PlanException("id", ErrorCodes.PlanDirectoryRoot);
            }

            var used = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT (SELECT COUNT(*) FROM plan_directories WHERE parent_id = @id) + (SELECT COUNT(*) FROM plans WHERE directory_id = @id)", new { id }, transaction, cancellationToken: cancellationToken));
            if (used > 0)
            {
                throw new PlanException("id", ErrorCodes.PlanDirectoryNotEmpty);
            }

            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plan_directories WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);
    }

    /// <summary>Plans of these directories (null: all) whose name contains <paramref name="q"/>, newest first.</summary>
    public async Task<(long Total, IReadOnlyList<PlanSummary> Items)> ListAsync(
        IReadOnlyCollection<long>? directoryIds, string? q, string? planType, int offset, int limit, string orderBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var directories = (await connection.QueryAsync<PlanDirectory>(new CommandDefinition($"SELECT {DirectoryColumns} FROM plan_directories", cancellationToken: cancellationToken))).ToDictionary(d => d.Id);
        var where = new List<string> { "1 = 1" };
        if (directoryIds is not null)
        {
            where.Add(directoryIds.Count == 0 ? "1 = 0" : database.InList("p.directory_id", "directoryIds"));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            where.Add("p.name LIKE @pattern ESCAPE '\\'");
        }

        if (planType is not null)
        {
            where.Add("p.plan_type = @planType");
        }

        var pattern = "%" + (q ?? string.Empty).Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var args = new { directoryIds = directoryIds?.ToArray() ?? [], pattern, planType, offset, limit };
        var filter = string.Join(" AND ", where);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM plans p WHERE {filter}", args, cancellationToken: cancellationToken));
        var order = orderBy == "views" ? "p.view_count DESC, p.name" : orderBy == "name" ? "p.name, p.id" : "p.updated_at DESC, p.id DESC";
        var rows = await connection.QueryAsync<(long Id, long DirectoryId, string PlanType, string Name, long Devices, long ViewCount, string CreatedBy, DateTimeOffset UpdatedAt)>(new CommandDefinition(
            $"""
            SELECT p.id, p.directory_id, p.plan_type, p.name, (SELECT COUNT(*) FROM plan_devices d WHERE d.plan_id = p.id), p.view_count, p.created_by, p.updated_at
            FROM plans p WHERE {filter} ORDER BY {order} LIMIT @limit OFFSET @offset
            """,
            args,
            cancellationToken: cancellationToken));
        return (total, [.. rows.Select(r => new PlanSummary(r.Id, r.DirectoryId, PathOf(r.DirectoryId, directories), r.PlanType, r.Name, (int)r.Devices, r.ViewCount, r.CreatedBy, r.UpdatedAt))]);
    }

    private const long DirectoryLockKey = 0x50_6C_61_6E_44_69_72;

    /// <summary>"基础预案 / 治安 / 学校": a directory with its ancestors.</summary>
    public static string PathOf(long directoryId, IReadOnlyDictionary<long, PlanDirectory> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var names = new List<string>();
        for (long? id = directoryId; id is { } current && directories.TryGetValue(current, out var d) && names.Count <= directories.Count; id = d.ParentId)
        {
            names.Insert(0, d.Name);
        }

        return string.Join(" / ", names);
    }

    public async Task<Plan?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    private static async Task<Plan?> GetAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var plan = await connection.QuerySingleOrDefaultAsync<Plan>(new CommandDefinition($"SELECT {PlanColumns} FROM plans WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (plan is null)
        {
            return null;
        }

        var devices = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT device_id FROM plan_devices WHERE plan_id = @id ORDER BY position", new { id }, transaction, cancellationToken: cancellationToken));
        return plan with { DeviceIds = [.. devices] };
    }

    /// <summary>Creates a plan in a directory (its type is the directory's).</summary>
    public async Task<Plan> CreateAsync(PlanFields fields, string user, CancellationToken cancellationToken) =>
        (await CreateManyAsync([fields], user, cancellationToken))[0];

    /// <summary>Creates plans all or nothing (an import); a <see cref="PlanException"/> names the first problem.</summary>
    public async Task<IReadOnlyList<Plan>> CreateManyAsync(IReadOnlyList<PlanFields> plans, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plans);
        return await database.InTransactionAsync<IReadOnlyList<Plan>>(async (connection, transaction) =>
        {
            var created = new List<Plan>();
            foreach (var fields in plans)
            {
                var directory = await CheckAsync(connection, transaction, fields, 0, cancellationToken);
                var now = time.GetUtcNow();
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    """
                    INSERT INTO plans (directory_id, plan_type, name, description, police_line, business_tag_id, screens, split, patrol_seconds, view_count, version, created_by, created_at, updated_at)
                    VALUES (@DirectoryId, @type, @Name, @Description, @line, NULL, @Screens, @Split, @PatrolSeconds, 0, 1, @user, @now, @now) RETURNING id
                    """,
                    new { fields.DirectoryId, type = directory.PlanType, fields.Name, fields.Description, line = directory.PlanType == PlanTypes.Basic ? fields.PoliceLine : null, fields.Screens, fields.Split, fields.PatrolSeconds, user, now },
                    transaction,
                    cancellationToken: cancellationToken));
                await WriteDevicesAsync(connection, transaction, id, fields.DeviceIds, cancellationToken);
                await BusinessTagAsync(connection, transaction, id, user, cancellationToken);
                await OutboxWriter.WriteAsync(connection, transaction, TagDerivation.PlanTopic, "plan", id.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
                created.Add((await GetAsync(connection, transaction, id, cancellationToken))!);
            }

            return created;
        }, cancellationToken);
    }

    /// <summary>Role ids by role name (directory permissions are stored by role id).</summary>
    public async Task<IReadOnlyDictionary<string, long>> RoleIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long Id, string Name)>(new CommandDefinition("SELECT id, name FROM roles", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>Saves a plan if it is still at <paramref name="expectedVersion"/>; null when it does not exist.</summary>
    public async Task<Plan?> UpdateAsync(long id, PlanFields fields, long expectedVersion, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var before = await GetAsync(connection, transaction, id, cancellationToken);
            if (before is null)
            {
                return null;
            }

            var directory = await CheckAsync(connection, transaction, fields, id, cancellationToken);
            if (directory.PlanType != before.PlanType)
            {
                throw new PlanException("directoryId", ErrorCodes.PlanDirectoryType);
            }

            var now = time.GetUtcNow();
            var line = directory.PlanType == PlanTypes.Basic ? fields.PoliceLine : null;
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE plans SET directory_id = @DirectoryId, name = @Name, description = @Description, police_line = @line,
                    business_tag_id = CASE WHEN @line IS NULL OR @line <> COALESCE(police_line, '') THEN NULL ELSE business_tag_id END,
                    screens = @Screens, split = @Split, patrol_seconds = @PatrolSeconds, version = version + 1, updated_at = @now
                WHERE id = @id AND version = @expectedVersion
                """,
                new { id, fields.DirectoryId, fields.Name, fields.Description, line, fields.Screens, fields.Split, fields.PatrolSeconds, now, expectedVersion },
                transaction,
                cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new PlanException("version", ErrorCodes.PlanStale);
            }

            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plan_devices WHERE plan_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await WriteDevicesAsync(connection, transaction, id, fields.DeviceIds, cancellationToken);
            await BusinessTagAsync(connection, transaction, id, user, cancellationToken);
            await OutboxWriter.WriteAsync(connection, transaction, TagDerivation.PlanTopic, "plan", id.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
            return await GetAsync(connection, transaction, id, cancellationToken);
        }, cancellationToken);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plan_devices WHERE plan_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            if (await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plans WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)) == 0)
            {
                return false;
            }

            await OutboxWriter.WriteAsync(connection, transaction, TagDerivation.PlanTopic, "plan", id.ToString(CultureInfo.InvariantCulture), null, time.GetUtcNow(), cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Counts a view (an execution) of the plan.</summary>
    public async Task AddViewAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE plans SET view_count = view_count + 1 WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Plans per directory (each with its sub-directories), per type, and the most viewed (PL-8).</summary>
    public async Task<(IReadOnlyList<(long DirectoryId, long Plans, long Devices, long Views)> Directories, IReadOnlyList<(string Type, long Plans, long Views)> Types)> StatsAsync(
        IReadOnlySet<long> visibleDirectories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visibleDirectories);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var plans = (await connection.QueryAsync<(long Directory, string Type, long Devices, long Views)>(new CommandDefinition(
            "SELECT p.directory_id, p.plan_type, (SELECT COUNT(*) FROM plan_devices d WHERE d.plan_id = p.id), p.view_count FROM plans p", cancellationToken: cancellationToken)))
            .Where(p => visibleDirectories.Contains(p.Directory))
            .ToList();
        var parents = (await connection.QueryAsync<(long Id, long? Parent)>(new CommandDefinition("SELECT id, parent_id FROM plan_directories", cancellationToken: cancellationToken))).ToDictionary(d => d.Id, d => d.Parent);
        var totals = parents.Keys.ToDictionary(id => id, _ => (Plans: 0L, Devices: 0L, Views: 0L));
        foreach (var plan in plans)
        {
            for (long? id = plan.Directory; id is { } current && totals.ContainsKey(current); id = parents[current])
            {
                var t = totals[current];
                totals[current] = (t.Plans + 1, t.Devices + plan.Devices, t.Views + plan.Views);
            }
        }

        return (
            [.. totals.Select(t => (t.Key, t.Value.Plans, t.Value.Devices, t.Value.Views))],
            [.. PlanTypes.All.Select(type => (type, (long)plans.Count(p => p.Type == type), plans.Where(p => p.Type == type).Sum(p => p.Views)))]);
    }

    private static Dictionary<string, object?> Value(object? value) => new() { ["value"] = value };

    private static Task<PlanDirectory?> DirectoryAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<PlanDirectory>(new CommandDefinition($"SELECT {DirectoryColumns} FROM plan_directories WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    private static async Task UniqueDirectoryAsync(DbConnection connection, DbTransaction transaction, string planType, long parentId, string name, long self, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT id FROM plan_directories WHERE plan_type = @planType AND parent_id = @parentId AND name = @name AND id <> @self",
                new { planType, parentId, name, self },
                transaction,
                cancellationToken: cancellationToken)) is not null)
        {
            throw new PlanException("name", ErrorCodes.Unique, Value(name));
        }
    }

    private static async Task<PlanDirectory> CheckAsync(DbConnection connection, DbTransaction transaction, PlanFields fields, long self, CancellationToken cancellationToken)
    {
        var directory = await DirectoryAsync(connection, transaction, fields.DirectoryId, cancellationToken)
            ?? throw new PlanException("directoryId", ErrorCodes.UnknownValue, Value(fields.DirectoryId));
        if (fields.DeviceIds.Count > PlanLayout.MaxDevices)
        {
            throw new PlanException("deviceIds", ErrorCodes.PlanTooManyDevices, new Dictionary<string, object?> { ["max"] = PlanLayout.MaxDevices });
        }

        if (!WallLayout.Splits.Contains(fields.Split))
        {
            throw new PlanException("split", ErrorCodes.WallSplit, new Dictionary<string, object?> { ["allowed"] = string.Join("/", WallLayout.Splits), ["value"] = fields.Split });
        }

        if (fields.PoliceLine is not null && !PoliceLines.IsKnown(fields.PoliceLine))
        {
            throw new PlanException("policeLine", ErrorCodes.UnknownValue, Value(fields.PoliceLine));
        }

        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT id FROM plans WHERE directory_id = @DirectoryId AND name = @Name AND id <> @self", new { fields.DirectoryId, fields.Name, self }, transaction, cancellationToken: cancellationToken)) is not null)
        {
            throw new PlanException("name", ErrorCodes.Unique, Value(fields.Name));
        }

        return directory;
    }

    private static async Task WriteDevicesAsync(DbConnection connection, DbTransaction transaction, long planId, IReadOnlyList<long> deviceIds, CancellationToken cancellationToken)
    {
        var position = 0;
        foreach (var device in deviceIds.Distinct())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO plan_devices (plan_id, device_id, position) VALUES (@planId, @device, @position)", new { planId, device, position = position++ }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>A basic plan of a police line gets a business tag of its name in that line's group 基础预案 (TG-9).</summary>
    private async Task BusinessTagAsync(DbConnection connection, DbTransaction transaction, long planId, string user, CancellationToken cancellationToken)
    {
        var plan = (await GetAsync(connection, transaction, planId, cancellationToken))!;
        if (plan.PlanType != PlanTypes.Basic || plan.PoliceLine is null || plan.BusinessTagId is not null)
        {
            return;
        }

        var group = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM tag_groups WHERE category = 'business' AND police_line = @PoliceLine AND name = @name",
            new { plan.PoliceLine, name = BasicPlanGroup },
            transaction,
            cancellationToken: cancellationToken));
        group ??= await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO tag_groups (category, police_line, level, name, created_by, created_at) VALUES ('business', @PoliceLine, NULL, @name, @user, @now) RETURNING id",
            new { plan.PoliceLine, name = BasicPlanGroup, user, now = time.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken));
        var (tag, _, _) = await tags.CreateAsync(connection, transaction, TagCategories.Business, TagKinds.Tag, plan.Name, null, group, null, TagOrigins.Plan, user, cancellationToken);
        if (tag is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE plans SET business_tag_id = @Id WHERE id = @planId", new { tag.Id, planId }, transaction, cancellationToken: cancellationToken));
        }
    }
}

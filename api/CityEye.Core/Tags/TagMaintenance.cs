using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CityEye.Core.Jobs;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>What a merge or recycle did.</summary>
public sealed record TagMaintenanceResult(string Action, long TagId, long? TargetId, int Tags, int LabelsMoved, int LabelsRemoved, int Devices, bool AlreadyDone);

/// <summary>A merge or recycle that cannot be done, with the error code (and the tag at fault).</summary>
public sealed class TagMaintenanceException(string code, long tagId) : Exception($"{code} (tag {tagId})")
{
    public string Code { get; } = code;

    public long TagId { get; } = tagId;
}

/// <summary>
/// Recycling and merging tags (TG-13), each in one transaction: all of it or nothing. Recycle removes the labels of
/// a tag and its descendants from every device and marks them recycled; merge relabels every device of the source
/// (and merges or moves its children) to the target without doubling a label, adds the search count, and points
/// rules and plans at the target. Both write an outbox entry per changed device, so the search index and the derived
/// tags follow; both are idempotent (a second run finds the work done and reports it).
/// </summary>
public sealed class TagMaintenance(Database database, TimeProvider time)
{
    public const string Recycle = "recycle";
    public const string Merge = "merge";

    /// <summary>Outbox topic of label changes made by maintenance (entity "device").</summary>
    public const string Topic = "tags.maintenance";

    /// <summary>Checks a merge before it is queued (the job checks again inside its transaction).</summary>
    public static string? MergeProblem(Tag source, Tag? target, TagGroup? sourceGroup, TagGroup? targetGroup)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (target is null)
        {
            return Validation.ErrorCodes.NotFound;
        }

        if (source.Id == target.Id)
        {
            return Validation.ErrorCodes.TagMergeSelf;
        }

        if (target.State != TagStates.Active)
        {
            return Validation.ErrorCodes.TagNotActive;
        }

        // Same category and level; a construction tag keeps its field's level and a business tag its police line, so
        // that a merge never shows devices to users who could not see them before.
        return source.Category != target.Category || source.Kind != target.Kind
            || (source.Category == TagCategories.Construction && (sourceGroup?.Level ?? ConstructionLevels.High) != (targetGroup?.Level ?? ConstructionLevels.High))
            || (source.Category == TagCategories.Business && sourceGroup?.PoliceLine != targetGroup?.PoliceLine)
            ? Validation.ErrorCodes.TagMergeKind : null;
    }

    public async Task<TagMaintenanceResult> RecycleAsync(long tagId, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, [tagId], cancellationToken);
            var tag = await TagStore.GetAsync(connection, transaction, tagId, cancellationToken) ?? throw new TagMaintenanceException(Validation.ErrorCodes.NotFound, tagId);
            if (tag.State != TagStates.Active)
            {
                return new TagMaintenanceResult(Recycle, tagId, null, 0, 0, 0, 0, AlreadyDone: true);
            }

            var ids = await SubtreeAsync(connection, transaction, tagId, cancellationToken);
            var devices = new HashSet<long>();
            var removed = 0;
            foreach (var id in ids)
            {
                devices.UnionWith(await connection.QueryAsync<long>(new CommandDefinition(
                    "SELECT device_id FROM device_labels WHERE tag_id = @id", new { id }, transaction, cancellationToken: cancellationToken)));
                removed += await connection.ExecuteAsync(new CommandDefinition("DELETE FROM device_labels WHERE tag_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            }

            var now = time.GetUtcNow();
            foreach (var id in ids)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE tags SET state = 'recycled', updated_at = @now WHERE id = @id", new { id, now }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE plans SET business_tag_id = NULL WHERE business_tag_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            }

            // Rules that need or make a recycled tag can no longer hold: switch them off (they stay for the record).
            var rules = await connection.QueryAsync<(long Id, long Target, string Required)>(new CommandDefinition(
                "SELECT id, target_tag_id, required_tag_ids FROM tag_rules WHERE enabled = @yes", new { yes = true }, transaction, cancellationToken: cancellationToken));
            var set = ids.ToHashSet();
            var rulesChanged = false;
            foreach (var rule in rules.Where(r => set.Contains(r.Target) || TagRuleStore.Ids(r.Required).Any(set.Contains)))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE tag_rules SET enabled = @no, updated_at = @now WHERE id = @Id", new { rule.Id, no = false, now }, transaction, cancellationToken: cancellationToken));
                rulesChanged = true;
            }

            await NotifyAsync(connection, transaction, devices, rulesChanged, now, cancellationToken);
            return new TagMaintenanceResult(Recycle, tagId, null, ids.Count, 0, removed, devices.Count, AlreadyDone: false);
        }, cancellationToken);
    }

    public async Task<TagMaintenanceResult> MergeAsync(long sourceId, long targetId, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, [sourceId, targetId], cancellationToken);
            var source = await TagStore.GetAsync(connection, transaction, sourceId, cancellationToken) ?? throw new TagMaintenanceException(Validation.ErrorCodes.NotFound, sourceId);
            if (source.State == TagStates.Merged && source.MergedInto == targetId)
            {
                return new TagMaintenanceResult(Merge, sourceId, targetId, 0, 0, 0, 0, AlreadyDone: true);
            }

            if (source.State != TagStates.Active)
            {
                throw new TagMaintenanceException(Validation.ErrorCodes.TagNotActive, sourceId);
            }

            var target = await TagStore.GetAsync(connection, transaction, targetId, cancellationToken);
            var sourceGroup = source.GroupId is { } sg ? await TagStore.GetGroupAsync(connection, transaction, sg, cancellationToken) : null;
            var targetGroup = target?.GroupId is { } tg ? await TagStore.GetGroupAsync(connection, transaction, tg, cancellationToken) : null;
            if (MergeProblem(source, target, sourceGroup, targetGroup) is { } problem)
            {
                throw new TagMaintenanceException(problem, problem == Validation.ErrorCodes.TagMergeSelf ? sourceId : targetId);
            }

            // A scene tag cannot be merged into its own descendant (the tree would lose its root).
            if ((await SubtreeAsync(connection, transaction, sourceId, cancellationToken)).Contains(targetId))
            {
                throw new TagMaintenanceException(Validation.ErrorCodes.TagMergeSelf, targetId);
            }

            var now = time.GetUtcNow();
            var devices = new HashSet<long>();
            var counts = new int[3];
            await MergeOneAsync(connection, transaction, source, target!, devices, counts, now, cancellationToken);
            await NotifyAsync(connection, transaction, devices, rulesChanged: true, now, cancellationToken);
            return new TagMaintenanceResult(Merge, sourceId, targetId, counts[0], counts[1], counts[2], devices.Count, AlreadyDone: false);
        }, cancellationToken);
    }

    private static async Task MergeOneAsync(
        DbConnection connection, DbTransaction transaction, Tag source, Tag target, HashSet<long> devices, int[] counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        counts[0]++;
        var labelled = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT device_id FROM device_labels WHERE tag_id = @Id", new { source.Id }, transaction, cancellationToken: cancellationToken))).ToList();
        devices.UnionWith(labelled);

        // Relabel to the target (a device already carrying it keeps its one label), then drop the source's labels.
        counts[1] += await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO device_labels (device_id, tag_id, origin, labelled_by, labelled_at)
            SELECT device_id, @target, origin, labelled_by, labelled_at FROM device_labels WHERE tag_id = @source
            ON CONFLICT (device_id, tag_id) DO NOTHING
            """,
            new { source = source.Id, target = target.Id },
            transaction,
            cancellationToken: cancellationToken));
        counts[2] += await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM device_labels WHERE tag_id = @Id", new { source.Id }, transaction, cancellationToken: cancellationToken));

        // Children: merged into the target's child of the same name, or moved under the target.
        var children = await connection.QueryAsync<Tag>(new CommandDefinition(
            $"SELECT {TagStore.TagColumns} FROM tags WHERE parent_id = @Id AND state = 'active'", new { source.Id }, transaction, cancellationToken: cancellationToken));
        foreach (var child in children.ToList())
        {
            var twin = await connection.QuerySingleOrDefaultAsync<Tag>(new CommandDefinition(
                $"""
                SELECT {TagStore.TagColumns} FROM tags
                WHERE parent_id = @target AND state = 'active' AND kind = @Kind AND name_key = (SELECT name_key FROM tags WHERE id = @Id)
                """,
                new { target = target.Id, child.Kind, child.Id },
                transaction,
                cancellationToken: cancellationToken));
            if (twin is null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE tags SET parent_id = @target, updated_at = @now WHERE id = @Id", new { target = target.Id, now, child.Id }, transaction, cancellationToken: cancellationToken));

                // The index holds each label with its ancestors: every device labelled anywhere under the moved child changes.
                foreach (var moved in await SubtreeAsync(connection, transaction, child.Id, cancellationToken))
                {
                    devices.UnionWith(await connection.QueryAsync<long>(new CommandDefinition(
                        "SELECT device_id FROM device_labels WHERE tag_id = @moved", new { moved }, transaction, cancellationToken: cancellationToken)));
                }
            }
            else
            {
                await MergeOneAsync(connection, transaction, child, twin, devices, counts, now, cancellationToken);
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tags SET state = 'merged', merged_into = @target, updated_at = @now WHERE id = @source",
            new { source = source.Id, target = target.Id, now },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tags SET search_count = search_count + @SearchCount, updated_at = @now WHERE id = @Id",
            new { source.SearchCount, now, target.Id },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE plans SET business_tag_id = @target WHERE business_tag_id = @source", new { source = source.Id, target = target.Id }, transaction, cancellationToken: cancellationToken));

        // Rules follow the target.
        var rules = await connection.QueryAsync<(long Id, long Target, string Required)>(new CommandDefinition(
            "SELECT id, target_tag_id, required_tag_ids FROM tag_rules", transaction: transaction, cancellationToken: cancellationToken));
        foreach (var rule in rules)
        {
            var required = TagRuleStore.Ids(rule.Required);
            if (rule.Target == source.Id || required.Contains(source.Id))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE tag_rules SET target_tag_id = @target, required_tag_ids = @required, updated_at = @now WHERE id = @Id",
                    new
                    {
                        target = rule.Target == source.Id ? target.Id : rule.Target,
                        required = TagRuleStore.Join(required.Select(r => r == source.Id ? target.Id : r)),
                        now,
                        rule.Id,
                    },
                    transaction,
                    cancellationToken: cancellationToken));
            }
        }
    }

    /// <summary>
    /// PostgreSQL: merges and recycles run one at a time across nodes (an advisory lock) and hold the rows of their
    /// tags, so a label written meanwhile waits and then sees the tag's new state. SQLite has one writer anyway.
    /// </summary>
    private static async Task LockAsync(DbConnection connection, DbTransaction transaction, long[] tagIds, CancellationToken cancellationToken)
    {
        if (connection is not Npgsql.NpgsqlConnection)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = MaintenanceLockKey }, transaction, cancellationToken: cancellationToken));
        var all = new List<long>();
        foreach (var id in tagIds)
        {
            all.AddRange(await SubtreeAsync(connection, transaction, id, cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT id FROM tags WHERE id = ANY(@all) ORDER BY id FOR UPDATE", new { all = all.Distinct().ToArray() }, transaction, cancellationToken: cancellationToken));
    }

    private const long MaintenanceLockKey = 0x54_61_67_4D_61_69_6E;

    /// <summary>The tag and its active descendants.</summary>
    private static async Task<List<long>> SubtreeAsync(DbConnection connection, DbTransaction transaction, long tagId, CancellationToken cancellationToken)
    {
        var ids = new List<long> { tagId };
        for (var i = 0; i < ids.Count; i++)
        {
            ids.AddRange(await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM tags WHERE parent_id = @id AND state = 'active'", new { id = ids[i] }, transaction, cancellationToken: cancellationToken)));
        }

        return ids;
    }

    private static async Task NotifyAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long> devices, bool rulesChanged, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var device in devices.Order())
        {
            await OutboxWriter.WriteAsync(connection, transaction, Topic, "device", device.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
        }

        if (rulesChanged)
        {
            await OutboxWriter.WriteAsync(connection, transaction, TagRuleStore.Topic, TagRuleStore.EntityType, "maintenance", null, now, cancellationToken);
        }
    }
}

/// <summary>Job parameters of a merge or recycle.</summary>
public sealed record TagMaintenanceRequest(string Action, long TagId, long? TargetId);

/// <summary>
/// Runs merges and recycles as jobs (one at a time, so two merges never interleave), with progress and a result the
/// jobs page shows. Resumable: a job interrupted by a restart runs again and finds its work done or not yet begun.
/// </summary>
public sealed class TagMaintenanceJob(TagMaintenance maintenance) : IJobHandler
{
    public const string JobKind = "tag-maintenance";

    public string Kind => JobKind;

    public bool Resumable => true;

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = JsonSerializer.Deserialize<TagMaintenanceRequest>(context.Job.Parameters ?? "{}", JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The job has no parameters.");
        await context.ReportAsync(0.05, request.Action == TagMaintenance.Merge ? "正在合并标签 (merging)" : "正在回收标签 (recycling)", cancellationToken);
        var result = request.Action switch
        {
            TagMaintenance.Merge => await maintenance.MergeAsync(request.TagId, request.TargetId ?? 0, cancellationToken),
            TagMaintenance.Recycle => await maintenance.RecycleAsync(request.TagId, cancellationToken),
            _ => throw new InvalidOperationException("Unknown action " + request.Action),
        };
        await context.ReportAsync(1, result.AlreadyDone ? "已完成（无需重复处理） (already done)" : "已完成 (done)", cancellationToken);
        return JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
    }
}

using System.Data.Common;
using System.Globalization;
using CityEye.Core.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityEye.Core.Tags;

/// <summary>
/// Derived labels (TG-9, TG-10), kept in step through the outbox: manual label changes and plan membership changes
/// recompute the derived labels of those devices; rule changes, plan changes and tag maintenance recompute all of
/// them. A device gets a rule's target when it carries every required tag (or a descendant) and, if the rule names
/// plans, belongs to one of them; it gets a basic plan's business tag while it is in that plan. The cursor moves
/// only after the derived labels are committed, so a crash in between loses nothing.
/// </summary>
public sealed class TagDerivation(Database database, OutboxReader outbox, TimeProvider time, ILogger<TagDerivation> logger) : BackgroundService
{
    public const string Consumer = "tag-derivation";

    /// <summary>Outbox topic of derived label changes (entity "device"), which this consumer ignores.</summary>
    public const string Topic = "tags.derived";

    /// <summary>Plan device lists changed (entity "device").</summary>
    public const string PlanDevicesTopic = "plans.devices";

    /// <summary>A plan changed in a way that affects all its devices (entity "plan").</summary>
    public const string PlanTopic = "plans.changed";

    private const int BatchSize = 2000;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public static TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Handles the pending outbox entries once; returns how many it read.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var cursor = await outbox.CursorAsync(Consumer, cancellationToken) ?? 0;
            var (messages, safe) = await outbox.ReadAsync(cursor, BatchSize, cancellationToken);
            var handled = messages.Where(m => m.Id <= safe).ToList();
            var everything = handled.Any(m => m.Topic is TagRuleStore.Topic or PlanTopic);
            var devices = handled
                .Where(m => m.EntityType == "device" && m.Topic is LabelStore.Topic or PlanDevicesTopic or TagMaintenance.Topic)
                .Select(m => long.Parse(m.EntityKey, CultureInfo.InvariantCulture))
                .ToHashSet();
            if (everything || devices.Count > 0)
            {
                await DeriveAsync(everything ? null : devices, cancellationToken);
            }

            if (safe > cursor)
            {
                await outbox.SetCursorAsync(Consumer, safe, cancellationToken);
            }

            return handled.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Recomputes the derived labels of these devices (null: of every device); returns the devices changed.</summary>
    public async Task<int> DeriveAsync(IReadOnlySet<long>? deviceIds, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var parents = (await connection.QueryAsync<(long Id, long? Parent)>(new CommandDefinition(
                "SELECT id, parent_id FROM tags WHERE state = 'active'", transaction: transaction, cancellationToken: cancellationToken))).ToDictionary(t => t.Id, t => t.Parent);
            var rules = (await connection.QueryAsync<(long Target, string Required, string Plans)>(new CommandDefinition(
                "SELECT target_tag_id, required_tag_ids, plan_ids FROM tag_rules WHERE enabled = @yes", new { yes = true }, transaction, cancellationToken: cancellationToken)))
                .Where(r => parents.ContainsKey(r.Target))
                .Select(r => (r.Target, Required: TagRuleStore.Ids(r.Required), Plans: TagRuleStore.Ids(r.Plans).ToHashSet()))
                .Where(r => r.Required.Count > 0 || r.Plans.Count > 0)
                .ToList();
            var planTags = (await connection.QueryAsync<(long Plan, long Tag)>(new CommandDefinition(
                "SELECT id, business_tag_id FROM plans WHERE plan_type = 'basic' AND business_tag_id IS NOT NULL", transaction: transaction, cancellationToken: cancellationToken)))
                .Where(p => parents.ContainsKey(p.Tag))
                .ToDictionary(p => p.Plan, p => p.Tag);

            var manual = await PairsAsync(connection, transaction, "SELECT device_id, tag_id FROM device_labels WHERE origin = 'manual'", "device_id", deviceIds, cancellationToken);
            var membership = await PairsAsync(connection, transaction, "SELECT device_id, plan_id FROM plan_devices", "device_id", deviceIds, cancellationToken);
            var existing = await PairsAsync(connection, transaction, "SELECT device_id, tag_id FROM device_labels WHERE origin = 'derived'", "device_id", deviceIds, cancellationToken);
            var devices = deviceIds ?? manual.Keys.Concat(membership.Keys).Concat(existing.Keys).ToHashSet();

            var now = time.GetUtcNow();
            var changed = 0;
            foreach (var device in devices.Order())
            {
                var own = manual.GetValueOrDefault(device) ?? [];
                var carried = own.SelectMany(t => Lineage(t, parents)).ToHashSet();
                var plans = membership.GetValueOrDefault(device) ?? [];
                var wanted = rules
                    .Where(r => r.Required.All(carried.Contains) && (r.Plans.Count == 0 || plans.Any(r.Plans.Contains)))
                    .Select(r => r.Target)
                    .Concat(plans.Where(planTags.ContainsKey).Select(p => planTags[p]))
                    .Where(t => !own.Contains(t))
                    .ToHashSet();
                var had = existing.GetValueOrDefault(device) ?? [];
                var add = wanted.Except(had).ToList();
                var drop = had.Except(wanted).ToList();
                foreach (var tag in add)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO device_labels (device_id, tag_id, origin, labelled_by, labelled_at)
                        VALUES (@device, @tag, 'derived', 'system', @now) ON CONFLICT (device_id, tag_id) DO NOTHING
                        """,
                        new { device, tag, now },
                        transaction,
                        cancellationToken: cancellationToken));
                }

                foreach (var tag in drop)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "DELETE FROM device_labels WHERE device_id = @device AND tag_id = @tag AND origin = 'derived'", new { device, tag }, transaction, cancellationToken: cancellationToken));
                }

                if (add.Count + drop.Count > 0)
                {
                    changed++;
                    await OutboxWriter.WriteAsync(connection, transaction, Topic, "device", device.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
                }
            }

            return changed;
        }, cancellationToken);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        OutboxConsumerLoop.RunAsync("Tag derivation", DrainOnceAsync, () => IdleDelay, null, logger, stoppingToken);

    /// <summary>A tag and its ancestors.</summary>
    private static IEnumerable<long> Lineage(long tag, Dictionary<long, long?> parents)
    {
        for (long? current = tag; current is { } id && parents.ContainsKey(id); current = parents[id])
        {
            yield return id;
        }
    }

    private async Task<Dictionary<long, HashSet<long>>> PairsAsync(
        DbConnection connection, DbTransaction transaction, string sql, string deviceColumn, IReadOnlySet<long>? deviceIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, HashSet<long>>();
        var chunks = deviceIds is null ? [null] : deviceIds.Chunk(500).Select(c => (long[]?)c);
        foreach (var chunk in chunks)
        {
            var rows = await connection.QueryAsync<(long, long)>(new CommandDefinition(
                chunk is null ? sql : $"{sql} {(sql.Contains(" WHERE ", StringComparison.Ordinal) ? "AND" : "WHERE")} {database.InList(deviceColumn, "chunk")}", new { chunk }, transaction, cancellationToken: cancellationToken));
            foreach (var (device, value) in rows)
            {
                if (!result.TryGetValue(device, out var set))
                {
                    result[device] = set = [];
                }

                set.Add(value);
            }
        }

        return result;
    }
}

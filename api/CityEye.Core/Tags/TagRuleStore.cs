using System.Globalization;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>
/// Derivation rules (TG-10): data, not code. Every change writes an outbox entry (topic <see cref="Topic"/>) so the
/// derived labels of every device are recomputed in the background.
/// </summary>
public sealed class TagRuleStore(Database database, TimeProvider time)
{
    public const string Topic = "tags.rules";
    public const string EntityType = "tag-rules";

    private sealed record Row
    {
        public long Id { get; init; }

        public required string Name { get; init; }

        public long TargetTagId { get; init; }

        public required string RequiredTagIds { get; init; }

        public required string PlanIds { get; init; }

        public bool Enabled { get; init; }

        public required string CreatedBy { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public TagRule ToRule() => new(Id, Name, TargetTagId, Ids(RequiredTagIds), Ids(PlanIds), Enabled, CreatedBy, CreatedAt, UpdatedAt);
    }

    private const string Columns = "id, name, target_tag_id, required_tag_ids, plan_ids, enabled, created_by, created_at, updated_at";

    /// <summary>Parses a stored id list ("3,7,12").</summary>
    public static IReadOnlyList<long> Ids(string? list) =>
        string.IsNullOrEmpty(list) ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, CultureInfo.InvariantCulture))];

    /// <summary>Stores an id list.</summary>
    public static string Join(IEnumerable<long> ids) => string.Join(',', ids.Distinct().Order().Select(i => i.ToString(CultureInfo.InvariantCulture)));

    public async Task<IReadOnlyList<TagRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. (await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM tag_rules ORDER BY name", cancellationToken: cancellationToken))).Select(r => r.ToRule())];
    }

    /// <summary>Creates (id null) or replaces a rule; null when the name is taken (or the rule is gone).</summary>
    public async Task<TagRule?> SaveAsync(long? id, string name, long targetTagId, IReadOnlyList<long> requiredTagIds, IReadOnlyList<long> planIds, bool enabled, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requiredTagIds);
        ArgumentNullException.ThrowIfNull(planIds);
        return await database.InTransactionAsync<TagRule?>(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT id FROM tag_rules WHERE name = @name AND id <> @self", new { name, self = id ?? 0 }, transaction, cancellationToken: cancellationToken)) is not null)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var args = new { id, name, targetTagId, required = Join(requiredTagIds), plans = Join(planIds), enabled, user, now };
            var saved = id is null
                ? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    INSERT INTO tag_rules (name, target_tag_id, required_tag_ids, plan_ids, enabled, created_by, created_at, updated_at)
                    VALUES (@name, @targetTagId, @required, @plans, @enabled, @user, @now, @now) RETURNING id
                    """, args, transaction, cancellationToken: cancellationToken))
                : await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE tag_rules SET name = @name, target_tag_id = @targetTagId, required_tag_ids = @required, plan_ids = @plans, enabled = @enabled, updated_at = @now
                    WHERE id = @id
                    """, args, transaction, cancellationToken: cancellationToken)) == 1 ? id : null;
            if (saved is null)
            {
                return null;
            }

            await OutboxWriter.WriteAsync(connection, transaction, Topic, EntityType, saved.Value.ToString(CultureInfo.InvariantCulture), null, now, cancellationToken);
            var row = await connection.QuerySingleAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM tag_rules WHERE id = @saved", new { saved }, transaction, cancellationToken: cancellationToken));
            return row.ToRule();
        }, cancellationToken);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition("DELETE FROM tag_rules WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)) == 0)
            {
                return false;
            }

            await OutboxWriter.WriteAsync(connection, transaction, Topic, EntityType, id.ToString(CultureInfo.InvariantCulture), null, time.GetUtcNow(), cancellationToken);
            return true;
        }, cancellationToken);
    }
}

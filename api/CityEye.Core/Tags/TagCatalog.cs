using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>
/// The small tag tables (tags, groups, permission settings, the unit tree) held in memory for a few seconds, so that
/// every device search can resolve the caller's tag access and name its tag facets without extra queries. Writers
/// call <see cref="Invalidate"/>.
/// </summary>
public sealed class TagCatalog(TagStore tags, TagAccessStore access, Database database, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private volatile Snapshot? _snapshot;

    public sealed record Snapshot(
        DateTimeOffset At,
        IReadOnlyDictionary<long, Tag> Tags,
        IReadOnlyDictionary<long, TagGroup> Groups,
        IReadOnlyDictionary<long, (long? ParentId, OrganisationKind Kind)> Units,
        IReadOnlyDictionary<long, TagAccessSetting> UnitRules,
        IReadOnlyDictionary<long, TagAccessSetting> UserRules)
    {
        public TagAccess Access(long userId, long organisationId, bool everything) =>
            TagAccessStore.Resolve(organisationId, everything, UserRules.GetValueOrDefault(userId), Units, UnitRules);

        public TagGroup? GroupOf(Tag tag)
        {
            ArgumentNullException.ThrowIfNull(tag);
            return tag.GroupId is { } g ? Groups.GetValueOrDefault(g) : null;
        }

        /// <summary>"学校 / 校门 / 青浦区实验小学": a tag with its ancestors.</summary>
        public string Path(Tag tag)
        {
            ArgumentNullException.ThrowIfNull(tag);
            var names = new List<string> { tag.Name };
            for (var parent = tag.ParentId; parent is { } p && Tags.TryGetValue(p, out var up); parent = up.ParentId)
            {
                names.Insert(0, up.Name);
            }

            return string.Join(" / ", names);
        }
    }

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } current && time.GetUtcNow() - current.At < Lifetime)
        {
            return current;
        }

        var (all, groups) = await tags.AllAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var units = (await connection.QueryAsync<(long Id, long? ParentId, string Kind)>(new CommandDefinition(
            "SELECT id, parent_id, kind FROM organisations", cancellationToken: cancellationToken)))
            .ToDictionary(u => u.Id, u => (u.ParentId, Enum.TryParse<OrganisationKind>(u.Kind, out var kind) ? kind : OrganisationKind.Unit));
        var snapshot = new Snapshot(
            time.GetUtcNow(),
            all.ToDictionary(t => t.Id),
            groups.ToDictionary(g => g.Id),
            units,
            await access.UnitSettingsAsync(cancellationToken),
            await access.UserSettingsAsync(cancellationToken));
        _snapshot = snapshot;
        return snapshot;
    }

    public void Invalidate() => _snapshot = null;
}

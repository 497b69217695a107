using CityEye.Core.Domain;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Tags;

/// <summary>
/// What tags a user works with (TG-15): the construction-tag level (which construction fields they see) and the police
/// lines whose business tags they see and label. <see cref="Everything"/> holders (tags.manage) see all tags.
/// Scene and derived tags are visible to everyone who sees devices. Each setting says where it came from: the
/// user's manual override, the unit's rule (the nearest unit upwards that has one), or the default of the unit kind.
/// </summary>
public sealed record TagAccess(bool Everything, string ConstructionLevel, IReadOnlyList<string> PoliceLines, string LevelSource, string LinesSource)
{
    public const string FromUser = "user";
    public const string FromUnit = "unit";
    public const string FromDefault = "default";

    public bool Sees(Tag tag, TagGroup? group)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return Everything || tag.Category switch
        {
            TagCategories.Construction => ConstructionLevels.Sees(ConstructionLevel, group?.Level),
            TagCategories.Business => group?.PoliceLine is { } line && PoliceLines.Contains(line),
            _ => true,
        };
    }

    /// <summary>True when the user may put the tag on devices: visible, active and not derived.</summary>
    public bool CanLabel(Tag tag, TagGroup? group) => tag is { State: TagStates.Active } && tag.Category != TagCategories.Derived && Sees(tag, group);

    /// <summary>The default level of a unit kind: police units high, stations normal, units outside the police (fire) sharing.</summary>
    public static string DefaultLevel(OrganisationKind kind) => kind switch
    {
        OrganisationKind.Station => ConstructionLevels.Normal,
        OrganisationKind.Fire => ConstructionLevels.Sharing,
        _ => ConstructionLevels.High,
    };

    /// <summary>The default police lines of a unit kind: stations 治安 and 社区, the traffic police 交警, the bureau all.</summary>
    public static IReadOnlyList<string> DefaultLines(OrganisationKind kind) => kind switch
    {
        OrganisationKind.Bureau => [.. Tags.PoliceLines.All.Keys],
        OrganisationKind.Station => ["publicSecurity", "community"],
        OrganisationKind.Traffic => ["traffic"],
        _ => [],
    };
}

/// <summary>A unit's or a user's tag-permission setting; null fields mean "matched from above".</summary>
public sealed record TagAccessSetting(string? ConstructionLevel, IReadOnlyList<string>? PoliceLines, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>Reads and writes the tag permissions of units and users and resolves a user's effective access.</summary>
public sealed class TagAccessStore(Database database, TimeProvider time)
{
    private sealed record Row
    {
        public long Key { get; init; }

        public string? ConstructionLevel { get; init; }

        public string? PoliceLines { get; init; }

        public required string UpdatedBy { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public TagAccessSetting ToSetting() => new(ConstructionLevel, Split(PoliceLines), UpdatedBy, UpdatedAt);
    }

    private static IReadOnlyList<string>? Split(string? lines) => lines is null ? null : [.. lines.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// The effective access of a user of <paramref name="organisationId"/> (<paramref name="everything"/> for tags.manage
    /// holders): the user's override, else the nearest unit upwards with a rule, else the default of the unit's kind.
    /// </summary>
    public static TagAccess Resolve(
        long organisationId,
        bool everything,
        TagAccessSetting? user,
        IReadOnlyDictionary<long, (long? ParentId, OrganisationKind Kind)> units,
        IReadOnlyDictionary<long, TagAccessSetting> rules)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(rules);
        string? level = null;
        IReadOnlyList<string>? lines = null;
        for (long? id = organisationId; id is { } current && units.TryGetValue(current, out var unit); id = unit.ParentId)
        {
            if (rules.TryGetValue(current, out var rule))
            {
                level ??= rule.ConstructionLevel;
                lines ??= rule.PoliceLines;
            }
        }

        var kind = units.TryGetValue(organisationId, out var own) ? own.Kind : OrganisationKind.Unit;
        var (effectiveLevel, levelSource) = user?.ConstructionLevel is { } userLevel ? (userLevel, TagAccess.FromUser)
            : level is not null ? (level, TagAccess.FromUnit) : (TagAccess.DefaultLevel(kind), TagAccess.FromDefault);
        var (effectiveLines, linesSource) = user?.PoliceLines is { } userLines ? (userLines, TagAccess.FromUser)
            : lines is not null ? (lines, TagAccess.FromUnit) : (TagAccess.DefaultLines(kind), TagAccess.FromDefault);
        return new TagAccess(everything, effectiveLevel, effectiveLines, levelSource, linesSource);
    }

    public async Task<IReadOnlyDictionary<long, TagAccessSetting>> UserSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT user_id AS key, construction_level, police_lines, updated_by, updated_at FROM tag_user_access", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.ToSetting());
    }

    public async Task<TagAccessSetting?> UserSettingAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT user_id AS key, construction_level, police_lines, updated_by, updated_at FROM tag_user_access WHERE user_id = @userId", new { userId }, cancellationToken: cancellationToken)))?.ToSetting();
    }

    public async Task<IReadOnlyDictionary<long, TagAccessSetting>> UnitSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT organisation_id AS key, construction_level, police_lines, updated_by, updated_at FROM tag_unit_access", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.ToSetting());
    }

    /// <summary>Sets (or, with both null, clears) a user's override.</summary>
    public Task SetUserAsync(long userId, string? level, IReadOnlyList<string>? lines, string updatedBy, CancellationToken cancellationToken) =>
        SetAsync("tag_user_access", "user_id", userId, level, lines, updatedBy, cancellationToken);

    /// <summary>Sets (or, with both null, clears) a unit's rule, which its sub-units inherit.</summary>
    public Task SetUnitAsync(long organisationId, string? level, IReadOnlyList<string>? lines, string updatedBy, CancellationToken cancellationToken) =>
        SetAsync("tag_unit_access", "organisation_id", organisationId, level, lines, updatedBy, cancellationToken);

    private async Task SetAsync(string table, string keyColumn, long key, string? level, IReadOnlyList<string>? lines, string updatedBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (level is null && lines is null)
        {
            await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE {keyColumn} = @key", new { key }, cancellationToken: cancellationToken));
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {table} ({keyColumn}, construction_level, police_lines, updated_by, updated_at) VALUES (@key, @level, @joined, @updatedBy, @now)
            ON CONFLICT ({keyColumn}) DO UPDATE SET construction_level = excluded.construction_level, police_lines = excluded.police_lines,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """,
            new { key, level, joined = lines is null ? null : string.Join(',', lines.Distinct()), updatedBy, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }
}

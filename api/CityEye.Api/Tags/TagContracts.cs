using System.ComponentModel.DataAnnotations;
using CityEye.Core.Tags;

namespace CityEye.Api.Tags;

/// <summary>Filters of the tag list.</summary>
public sealed record TagListRequest(
    [property: AllowedValues(null, TagCategories.Construction, TagCategories.Scene, TagCategories.Business, TagCategories.Derived)] string? Category = null,
    [property: AllowedValues(null, TagKinds.PlaceType, TagKinds.PlacePart, TagKinds.PlaceName, TagKinds.Tag)] string? Kind = null,
    long? GroupId = null,
    long? ParentId = null,
    string? PoliceLine = null,
    [property: StringLength(TagNames.MaxLength)] string? Q = null,
    [property: AllowedValues(null, TagStates.Active, TagStates.Recycled, TagStates.Merged)] string? State = null);

/// <summary>A tag as lists show it: where it sits, how many devices in the caller's scope carry it, who made it.</summary>
public sealed record TagResponse(
    long Id,
    string Category,
    string Kind,
    string Name,
    string Path,
    long? ParentId,
    long? GroupId,
    string? GroupName,
    string? PoliceLine,
    string? Level,
    string? CityCode,
    string Origin,
    string State,
    long? MergedInto,
    long DeviceCount,
    long SearchCount,
    string CreatedBy,
    DateTimeOffset CreatedAt);

/// <summary>A new tag. Scene tags: placeType (no parent), placePart (parent a place type), placeName (parent a part).</summary>
public sealed record TagCreateRequest(
    [property: Required, AllowedValues(TagCategories.Construction, TagCategories.Scene, TagCategories.Business, TagCategories.Derived)] string? Category,
    [property: Required, AllowedValues(TagKinds.PlaceType, TagKinds.PlacePart, TagKinds.PlaceName, TagKinds.Tag)] string? Kind,
    [property: Required, StringLength(TagNames.MaxLength)] string? Name,
    long? ParentId = null,
    long? GroupId = null,
    [property: StringLength(40)] string? CityCode = null);

/// <summary>A tag and whether it existed already (labelling or creating with an existing name reuses it).</summary>
public sealed record TagCreateResponse(TagResponse Tag, bool Existing);

public sealed record TagUpdateRequest([property: Required, StringLength(TagNames.MaxLength)] string? Name, [property: StringLength(40)] string? CityCode = null);

public sealed record TagLabelRequest([property: Required, MinLength(1), MaxLength(LabelStore.MaxDevicesPerRequest)] long[]? DeviceIds);

/// <summary>Devices newly labelled, and devices that already carried the tag (merged, not doubled).</summary>
public sealed record TagLabelResponse(int Labelled, int Merged);

public sealed record TagMergeRequest([property: Required] long? TargetId);

/// <summary>A device's label with the tag it names.</summary>
public sealed record DeviceLabelResponse(long DeviceId, long TagId, string Category, string Kind, string Name, string Path, string? PoliceLine, string Origin, string LabelledBy, DateTimeOffset LabelledAt, bool Mine);

public sealed record TagGroupResponse(long Id, string Category, string? PoliceLine, string? Level, string Name, int Tags, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record TagGroupRequest(
    [property: Required, AllowedValues(TagCategories.Business, TagCategories.Construction)] string? Category,
    [property: Required, StringLength(40)] string? Name,
    string? PoliceLine = null,
    [property: AllowedValues(null, ConstructionLevels.High, ConstructionLevels.Normal, ConstructionLevels.Sharing)] string? Level = null);

public sealed record TagGroupUpdateRequest(
    [property: Required, StringLength(40)] string? Name,
    [property: AllowedValues(null, ConstructionLevels.High, ConstructionLevels.Normal, ConstructionLevels.Sharing)] string? Level = null);

public sealed record PoliceLineResponse(string Code, string Name);

public sealed record TagRuleResponse(long Id, string Name, long TargetTagId, string TargetName, IReadOnlyList<long> RequiredTagIds, IReadOnlyList<string> RequiredNames, IReadOnlyList<long> PlanIds, bool Enabled, string CreatedBy, DateTimeOffset UpdatedAt);

public sealed record TagRuleRequest(
    [property: Required, StringLength(64)] string? Name,
    [property: Required] long? TargetTagId,
    [property: MaxLength(10)] long[]? RequiredTagIds = null,
    [property: MaxLength(50)] long[]? PlanIds = null,
    bool Enabled = true);

/// <summary>The caller's tag access and where each part comes from (user, unit, default).</summary>
public sealed record TagAccessResponse(bool Everything, string ConstructionLevel, IReadOnlyList<string> PoliceLines, string LevelSource, string LinesSource);

/// <summary>A unit's or user's setting: null fields are matched from above.</summary>
public sealed record TagAccessSettingRequest(
    [property: AllowedValues(null, ConstructionLevels.High, ConstructionLevels.Normal, ConstructionLevels.Sharing)] string? ConstructionLevel,
    [property: MaxLength(20)] string[]? PoliceLines);

public sealed record TagUnitAccessResponse(long OrganisationId, string OrganisationName, string? ConstructionLevel, IReadOnlyList<string>? PoliceLines, string EffectiveLevel, IReadOnlyList<string> EffectiveLines, string? UpdatedBy, DateTimeOffset? UpdatedAt);

public sealed record TagUserAccessResponse(long UserId, string? ConstructionLevel, IReadOnlyList<string>? PoliceLines, TagAccessResponse Effective);

public sealed record TagStatsRequest(long? OrganisationId = null, DateOnly? From = null, DateOnly? To = null);

public sealed record TagStatsResponse(
    long TotalDevices,
    long LabelledDevices,
    double Ratio,
    long Labels,
    int Labellers,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<CategoryLabelling> Categories,
    UnitLabelling Unit,
    IReadOnlyList<UnitLabelling> SubUnits,
    IReadOnlyList<LabellingDay> Trend);

/// <summary>What the scene-dictionary import did, with a report per rejected row.</summary>
public sealed record SceneImportResponse(int Rows, int Created, int Existing, IReadOnlyList<SceneImportProblem> Problems);

public sealed record SceneImportProblem(int Row, string Field, string Code, string Message);

using System.ComponentModel.DataAnnotations;
using CityEye.Core.Plans;
using CityEye.Core.Walls;

namespace CityEye.Api.Plans;

public sealed record PlanDirectoryResponse(long Id, long? ParentId, string PlanType, string Name, int SortOrder, long Plans, IReadOnlyList<long> RoleIds);

public sealed record PlanDirectoryRequest([property: Required, StringLength(40, MinimumLength = 1)] string? Name, [property: Required] long? ParentId, int? SortOrder = null);

public sealed record PlanDirectoryRolesRequest([property: Required, MaxLength(100)] long[]? RoleIds);

public sealed record PlanListRequest(
    long? DirectoryId = null,
    [property: StringLength(64)] string? Q = null,
    [property: AllowedValues(null, PlanTypes.Basic, PlanTypes.Task, PlanTypes.Special)] string? Type = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 20,
    [property: AllowedValues(null, "updated", "name", "views")] string? Sort = null);

public sealed record PlanListResponse(long Total, int Page, int PageSize, IReadOnlyList<PlanSummary> Items);

/// <summary>A plan's fields. Devices in wall order; screens × split cells are on show at once, the rest patrol.</summary>
public sealed record PlanRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string? Name,
    [property: Required] long? DirectoryId,
    [property: StringLength(500)] string? Description = null,
    string? PoliceLine = null,
    [property: Range(1, PlanLayout.MaxScreens)] int Screens = 1,
    int Split = 4,
    [property: Range(WallLayout.MinPatrolSeconds, WallLayout.MaxPatrolSeconds)] int PatrolSeconds = WallLayout.DefaultPatrolSeconds,
    [property: MaxLength(PlanLayout.MaxDevices)] long[]? DeviceIds = null,
    long? Version = null);

public sealed record PlanCloneRequest([property: StringLength(64, MinimumLength = 1)] string? Name = null, long? DirectoryId = null);

/// <summary>A plan made from the caller's device staging rack (its devices in rack order).</summary>
public sealed record PlanFromStageRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string? Name,
    [property: Required] long? DirectoryId,
    [property: Range(1, PlanLayout.MaxScreens)] int Screens = 1,
    int Split = 4,
    [property: Range(WallLayout.MinPatrolSeconds, WallLayout.MaxPatrolSeconds)] int PatrolSeconds = WallLayout.DefaultPatrolSeconds);

/// <summary>A device of a plan; devices outside the caller's scope are listed hidden, without their details.</summary>
public sealed record PlanDeviceResponse(
    long Id, int Position, bool Hidden, string? Name, string? GbCode, string? KeyboardCode, string? Type, string? Status, string? Resolution, string? Manufacturer,
    string? OrganisationName, string? Address, double? Longitude, double? Latitude);

public sealed record PlanResponse(
    long Id,
    long DirectoryId,
    string DirectoryPath,
    string PlanType,
    string Name,
    string? Description,
    string? PoliceLine,
    long? BusinessTagId,
    int Screens,
    int Split,
    int PatrolSeconds,
    long ViewCount,
    long Version,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<PlanDeviceResponse> Devices);

/// <summary>Where to execute a plan: in the caller's player, or on a video wall (wall.control).</summary>
public sealed record PlanExecuteRequest([property: Required, AllowedValues("player", "wall")] string? Target, long? WallId = null);

/// <summary>What executing did: the devices to play (those the caller may watch) and, on a wall, the wall's id.</summary>
public sealed record PlanExecuteResponse(long PlanId, IReadOnlyList<long> DeviceIds, int Split, int PatrolSeconds, long? WallId, int Hidden);

public sealed record PlanDirectoryStat(long DirectoryId, string Path, long Plans, long Devices, long Views);

public sealed record PlanTypeStat(string Type, long Plans, long Views);

public sealed record PlanStatsResponse(IReadOnlyList<PlanDirectoryStat> Directories, IReadOnlyList<PlanTypeStat> Types, IReadOnlyList<PlanSummary> MostViewed);

/// <summary>The export and import format (<c>cityeye-plans/1</c>): plans with their devices by GB code.</summary>
public sealed record PlanDocument([property: Required] string? Format, [property: Required, MaxLength(1000)] PlanDocumentItem[]? Plans);

public sealed record PlanDocumentItem(
    string? Name, string? Type, string? Directory, string? Description, string? PoliceLine, int Screens, int Split, int PatrolSeconds, string[]? Devices);

public sealed record PlanImportProblem(int Plan, string? Name, string Field, string Code, string Message);

public sealed record PlanImportResponse(int Plans, int Created, IReadOnlyList<PlanImportProblem> Problems);

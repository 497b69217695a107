namespace CityEye.Core.Plans;

/// <summary>The three plan types (PL-1), each with its own directory tree.</summary>
public static class PlanTypes
{
    public const string Basic = "basic";
    public const string Task = "task";
    public const string Special = "special";

    public static IReadOnlyList<string> All { get; } = [Basic, Task, Special];
}

/// <summary>A directory of the plan tree; the roots (one per type) have no parent.</summary>
public sealed record PlanDirectory
{
    public long Id { get; init; }

    public long? ParentId { get; init; }

    public required string PlanType { get; init; }

    public required string Name { get; init; }

    public int SortOrder { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A video plan (视频预案): its devices in wall order and how the wall shows them.</summary>
public sealed record Plan
{
    public long Id { get; init; }

    public long DirectoryId { get; init; }

    public required string PlanType { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Basic plans: the police line whose business tag the plan's devices get (TG-9).</summary>
    public string? PoliceLine { get; init; }

    public long? BusinessTagId { get; init; }

    /// <summary>Screens of the wall the layout is made for.</summary>
    public int Screens { get; init; }

    /// <summary>Cells per screen (1, 4, 6, 8, 9, 16).</summary>
    public int Split { get; init; }

    public int PatrolSeconds { get; init; }

    public long ViewCount { get; init; }

    public long Version { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Device ids in wall order (filled by the store's reads of one plan).</summary>
    public IReadOnlyList<long> DeviceIds { get; init; } = [];
}

/// <summary>What a plan is saved with.</summary>
public sealed record PlanFields(
    long DirectoryId, string Name, string? Description, string? PoliceLine, int Screens, int Split, int PatrolSeconds, IReadOnlyList<long> DeviceIds);

/// <summary>A plan as lists and searches show it.</summary>
public sealed record PlanSummary(long Id, long DirectoryId, string DirectoryPath, string PlanType, string Name, int Devices, long ViewCount, string CreatedBy, DateTimeOffset UpdatedAt);

/// <summary>Why a plan or directory write was refused: the request field and the error code.</summary>
public sealed class PlanException(string field, string code, IReadOnlyDictionary<string, object?>? args = null) : Exception(code)
{
    public string Field { get; } = field;

    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?>? Args { get; } = args;
}

/// <summary>Plan limits and the wall layout of a plan.</summary>
public static class PlanLayout
{
    public const int MaxDevices = 500;
    public const int MaxScreens = 64;

    /// <summary>
    /// The devices each screen of a wall of <paramref name="screens"/> screens shows, a page of <paramref name="split"/>
    /// at a time: page by page, the first page of each screen, then the second page of each, and so on — so the first
    /// screens × split devices are on show at once and the rest come round with the patrol.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<long>> Distribute(IReadOnlyList<long> devices, int screens, int split)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var result = Enumerable.Range(0, Math.Max(1, screens)).Select(_ => new List<long>()).ToList();
        for (var i = 0; i < devices.Count; i++)
        {
            result[(i / split) % result.Count].Add(devices[i]);
        }

        return result;
    }
}

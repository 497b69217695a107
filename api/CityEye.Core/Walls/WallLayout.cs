using CityEye.Core.Validation;

namespace CityEye.Core.Walls;

/// <summary>
/// One screen of a wall: its split (how many cells it shows), the devices sent to it in cell order (null = an empty
/// cell; a list longer than the split is shown a page at a time) and its patrol (轮巡: the next page every interval).
/// </summary>
public sealed record WallScreen(int Split, IReadOnlyList<long?> Devices, int Page, bool Patrolling, int PatrolSeconds)
{
    /// <summary>A screen nothing has been sent to.</summary>
    public static WallScreen Empty { get; } = new(4, [], 0, false, WallLayout.DefaultPatrolSeconds);

    /// <summary>How many pages the devices fill (at least one).</summary>
    public int Pages => Math.Max(1, (Devices.Count + Split - 1) / Split);

    /// <summary>The devices of the page on show, one per cell (null for an empty cell).</summary>
    public IReadOnlyList<long?> Showing => [.. Enumerable.Range(Page * Split, Split).Select(i => i < Devices.Count ? Devices[i] : null)];
}

/// <summary>What a wall shows: its screens in row order, and when the console last asked the displays to start afresh.</summary>
public sealed record WallState(IReadOnlyList<WallScreen> Screens, DateTimeOffset? SyncedAt = null);

/// <summary>A video wall: rows × columns of screens and what they show.</summary>
public sealed record VideoWall(long Id, string Name, int Rows, int Columns, WallState State, long Version, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A console command that does not fit the wall: the request field at fault and the error code.</summary>
public sealed class WallCommandException : Exception
{
    public WallCommandException()
    {
    }

    public WallCommandException(string message)
        : base(message)
    {
    }

    public WallCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WallCommandException(string field, string code, IReadOnlyDictionary<string, object?> args)
        : base($"{field}: {code}")
    {
        Field = field;
        Code = code;
        Args = args;
    }

    public string Field { get; } = string.Empty;

    public string Code { get; } = string.Empty;

    public IReadOnlyDictionary<string, object?> Args { get; } = new Dictionary<string, object?>();
}

/// <summary>
/// The wall console's operations (send a cell or a whole screen, swap, page, patrol, clear) as pure functions of the
/// state: they never half-apply, and a command that does not fit throws <see cref="WallCommandException"/> with the
/// field and the error code.
/// </summary>
public static class WallLayout
{
    public const int MaxRows = 8;
    public const int MaxColumns = 8;
    public const int MaxDevicesPerScreen = 200;
    public const int DefaultPatrolSeconds = 30;
    public const int MinPatrolSeconds = 5;
    public const int MaxPatrolSeconds = 3600;

    /// <summary>The splits a screen can show (the player's, and 16 for large screens).</summary>
    public static IReadOnlyList<int> Splits { get; } = [1, 4, 6, 8, 9, 16];

    public static WallState New(int screens) => new([.. Enumerable.Repeat(WallScreen.Empty, screens)]);

    /// <summary>The state of a wall resized to <paramref name="screens"/> screens: screens beyond it go, new ones are empty.</summary>
    public static WallState Resize(WallState state, int screens) =>
        state with { Screens = [.. Enumerable.Range(0, screens).Select(i => i < state.Screens.Count ? state.Screens[i] : WallScreen.Empty)] };

    /// <summary>Puts a device (or nothing) into a cell of the page on show.</summary>
    public static WallState SendCell(WallState state, int screen, int cell, long? deviceId)
    {
        var s = Screen(state, screen);
        Check(cell >= 0 && cell < s.Split, "cell", 0, s.Split - 1);
        var devices = Padded(s.Devices, (s.Page * s.Split) + cell + 1);
        devices[(s.Page * s.Split) + cell] = deviceId;
        return With(state, screen, s with { Devices = Trimmed(devices) });
    }

    /// <summary>Sends a whole screen: its split and its devices from the first cell, shown from the first page.</summary>
    public static WallState SendScreen(WallState state, int screen, int split, IReadOnlyList<long?> devices, int? patrolSeconds)
    {
        var s = Screen(state, screen);
        CheckSplit(split);
        if (devices.Count > MaxDevicesPerScreen)
        {
            throw new WallCommandException("deviceIds", ErrorCodes.WallTooManyDevices, new Dictionary<string, object?> { ["max"] = MaxDevicesPerScreen });
        }

        var seconds = patrolSeconds ?? s.PatrolSeconds;
        Check(seconds is >= MinPatrolSeconds and <= MaxPatrolSeconds, "patrolSeconds", MinPatrolSeconds, MaxPatrolSeconds);
        var next = new WallScreen(split, Trimmed([.. devices]), 0, patrolSeconds is not null, seconds);
        return With(state, screen, next with { Patrolling = next.Patrolling && next.Pages > 1 });
    }

    /// <summary>Changes a screen's split, keeping its devices in order (the page on show keeps its first device).</summary>
    public static WallState SetSplit(WallState state, int screen, int split)
    {
        var s = Screen(state, screen);
        CheckSplit(split);
        var first = s.Page * s.Split;
        var changed = s with { Split = split };
        return With(state, screen, changed with { Page = Math.Min(first / split, changed.Pages - 1) });
    }

    /// <summary>Swaps two cells of the pages on show (of one screen or of two).</summary>
    public static WallState Swap(WallState state, int fromScreen, int fromCell, int toScreen, int toCell)
    {
        var a = Screen(state, fromScreen);
        var b = Screen(state, toScreen);
        Check(fromCell >= 0 && fromCell < a.Split, "fromCell", 0, a.Split - 1);
        Check(toCell >= 0 && toCell < b.Split, "toCell", 0, b.Split - 1);
        var first = a.Showing[fromCell];
        var second = b.Showing[toCell];
        return SendCell(SendCell(state, fromScreen, fromCell, second), toScreen, toCell, first);
    }

    /// <summary>Shows the next (+1) or previous (−1) page of a screen, wrapping around.</summary>
    public static WallState Page(WallState state, int screen, int step)
    {
        var s = Screen(state, screen);
        Check(step is 1 or -1, "step", -1, 1);
        return With(state, screen, s with { Page = (((s.Page + step) % s.Pages) + s.Pages) % s.Pages });
    }

    /// <summary>Starts or pauses a screen's patrol (a screen with one page has nothing to patrol).</summary>
    public static WallState Patrol(WallState state, int screen, bool running, int seconds)
    {
        var s = Screen(state, screen);
        Check(seconds is >= MinPatrolSeconds and <= MaxPatrolSeconds, "intervalSeconds", MinPatrolSeconds, MaxPatrolSeconds);
        if (running && s.Pages < 2)
        {
            throw new WallCommandException("running", ErrorCodes.WallNothingToPatrol, new Dictionary<string, object?> { ["split"] = s.Split });
        }

        return With(state, screen, s with { Patrolling = running, PatrolSeconds = seconds });
    }

    /// <summary>Empties one screen, or every screen when <paramref name="screen"/> is null.</summary>
    public static WallState Clear(WallState state, int? screen) =>
        screen is { } one
            ? With(state, one, Screen(state, one) with { Devices = [], Page = 0, Patrolling = false })
            : state with { Screens = [.. state.Screens.Select(s => s with { Devices = [], Page = 0, Patrolling = false })] };

    /// <summary>Every device the wall holds (on show or on other pages).</summary>
    public static IEnumerable<long> DeviceIds(WallState state) =>
        state.Screens.SelectMany(s => s.Devices).OfType<long>().Distinct();

    private static WallScreen Screen(WallState state, int screen)
    {
        Check(screen >= 0 && screen < state.Screens.Count, "screen", 0, state.Screens.Count - 1);
        return state.Screens[screen];
    }

    /// <summary>The state with one screen replaced; a page beyond the screen's last (its list shrank) becomes the last, and a single page stops its patrol.</summary>
    private static WallState With(WallState state, int screen, WallScreen replacement)
    {
        var settled = replacement with { Page = Math.Min(replacement.Page, replacement.Pages - 1) };
        settled = settled with { Patrolling = settled.Patrolling && settled.Pages > 1 };
        return state with { Screens = [.. state.Screens.Select((s, i) => i == screen ? settled : s)] };
    }

    private static List<long?> Padded(IReadOnlyList<long?> devices, int length)
    {
        var list = devices.ToList();
        while (list.Count < length)
        {
            list.Add(null);
        }

        return list;
    }

    /// <summary>Drops trailing empty cells, so the pages count only what was sent.</summary>
    private static List<long?> Trimmed(List<long?> devices)
    {
        while (devices.Count > 0 && devices[^1] is null)
        {
            devices.RemoveAt(devices.Count - 1);
        }

        return devices;
    }

    private static void CheckSplit(int split)
    {
        if (!Splits.Contains(split))
        {
            throw new WallCommandException("split", ErrorCodes.WallSplit, new Dictionary<string, object?> { ["value"] = split, ["allowed"] = string.Join('/', Splits) });
        }
    }

    private static void Check(bool ok, string field, int min, int max)
    {
        if (!ok)
        {
            throw new WallCommandException(field, ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = min, ["max"] = max });
        }
    }
}

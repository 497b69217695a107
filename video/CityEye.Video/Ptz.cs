namespace CityEye.Video;

/// <summary>
/// A PTZ command (VI-9): move (<see cref="PtzActions.Moves"/>, a step whose size grows with <see cref="Speed"/>),
/// zoom in or out, stop, or a preset: go to, save (with a name) or remove preset number <see cref="Preset"/>.
/// </summary>
public sealed record PtzCommand(string Action, int Speed, int? Preset = null, string? Name = null);

/// <summary>Where a PTZ camera looks: pan and tilt from 0 to 1 across its range, the zoom factor.</summary>
/// <param name="Pan"></param>
/// <param name="Tilt"></param>
/// <param name="Zoom"></param>
/// <param name="Applied">Whether a running live stream was moved at once (false when nobody watches it now).</param>
public sealed record PtzPosition(double Pan, double Tilt, int Zoom, bool Applied);

/// <summary>A saved PTZ position.</summary>
public sealed record PtzPreset(int Number, string Name, double Pan, double Tilt, int Zoom);

/// <summary>The actions of <see cref="PtzCommand"/>.</summary>
public static class PtzActions
{
    public const string GotoPreset = "gotoPreset";
    public const string SetPreset = "setPreset";
    public const string RemovePreset = "removePreset";
    public const string ZoomIn = "zoomIn";
    public const string ZoomOut = "zoomOut";
    public const string Stop = "stop";
    public const int MaxPreset = 255;

    /// <summary>Each move with its direction (x right, y down).</summary>
    public static readonly IReadOnlyDictionary<string, (int X, int Y)> Moves = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["up"] = (0, -1),
        ["down"] = (0, 1),
        ["left"] = (-1, 0),
        ["right"] = (1, 0),
        ["upLeft"] = (-1, -1),
        ["upRight"] = (1, -1),
        ["downLeft"] = (-1, 1),
        ["downRight"] = (1, 1),
    };

    public static readonly IReadOnlyList<string> All = [.. Moves.Keys, ZoomIn, ZoomOut, Stop, GotoPreset, SetPreset, RemovePreset];

    public static bool NeedsPreset(string action) => action is GotoPreset or SetPreset or RemovePreset;
}

/// <summary>The device is a fixed camera: it has no PTZ.</summary>
public sealed class PtzUnsupportedException : Exception
{
    public PtzUnsupportedException()
    {
    }

    public PtzUnsupportedException(string message)
        : base(message)
    {
    }

    public PtzUnsupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A preset number that is not saved.</summary>
public sealed class PtzPresetNotFoundException : Exception
{
    public PtzPresetNotFoundException()
    {
    }

    public PtzPresetNotFoundException(string message)
        : base(message)
    {
    }

    public PtzPresetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

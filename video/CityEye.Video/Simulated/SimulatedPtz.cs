using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace CityEye.Video.Simulated;

/// <summary>
/// The PTZ of the simulated dome cameras: the camera looks at a window of a <see cref="PanoramaWidth"/>×
/// <see cref="PanoramaHeight"/> panorama; pan and tilt move the window's centre, zoom picks one of
/// <see cref="Levels"/> window sizes (×1, ×2, ×4; ffmpeg 5.1 stalls when a crop changes its size while running, so
/// the encoder crops all three and <c>streamselect</c> shows one). Positions and presets are kept per device in
/// <c>{root}/{id}.json</c>, so they survive a restart, and every move is appended to <c>{root}/{id}.log</c> (time in
/// Unix milliseconds, centre, level), which recordings replay: a recording of any past moment shows where the camera
/// looked then.
/// </summary>
internal sealed class SimulatedPtz(string root)
{
    public const int PanoramaWidth = 2560;
    public const int PanoramaHeight = 1440;
    public const int Levels = 3;
    private const int WidestWindow = 1280;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<long, State> _states = new();
    private readonly ConcurrentDictionary<long, List<(long At, Position Position)>> _history = new();
    private readonly Lock _write = new();

    /// <summary>The window's centre in panorama pixels and the zoom level (0: widest).</summary>
    public sealed record Position(double X, double Y, int Level)
    {
        public static Position Home => new(PanoramaWidth / 2.0, PanoramaHeight / 2.0, 0);

        public int Zoom => 1 << Level;

        /// <summary>The top-left corner of the window of a zoom level, kept inside the panorama.</summary>
        public (int X, int Y, int Width, int Height) Window(int level)
        {
            var width = WidestWindow >> level;
            var height = width * 9 / 16;
            return ((int)Math.Clamp(Math.Round(X - (width / 2.0)), 0, PanoramaWidth - width), (int)Math.Clamp(Math.Round(Y - (height / 2.0)), 0, PanoramaHeight - height), width, height);
        }

        public PtzPosition ToPublic(bool applied)
        {
            var (x, y, width, height) = Window(Level);
            return new PtzPosition(
                Math.Round(x / (double)(PanoramaWidth - width), 3),
                Math.Round(y / (double)(PanoramaHeight - height), 3),
                Zoom,
                applied);
        }
    }

    private sealed record State(Position Position, IReadOnlyList<PtzPreset> Presets);

    public Position PositionOf(long deviceId) => Load(deviceId).Position;

    public IReadOnlyList<PtzPreset> Presets(long deviceId) => Load(deviceId).Presets;

    /// <summary>Applies a command now and returns the new position (saved and logged before it returns).</summary>
    public Position Apply(long deviceId, PtzCommand command, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(time);
        lock (_write)
        {
            // Taken under the lock, so the log is in time order.
            var at = time.GetUtcNow();
            var state = Load(deviceId);
            var position = state.Position;
            var presets = state.Presets;
            if (PtzActions.Moves.TryGetValue(command.Action, out var direction))
            {
                // A step of 2 % to 20 % of the view's width, so that the same speed feels the same at every zoom.
                var (_, _, width, _) = position.Window(position.Level);
                var step = width * 0.02 * Math.Clamp(command.Speed, 1, 10);
                var (x0, y0, w, h) = position.Window(position.Level);
                position = position with
                {
                    X = Math.Clamp(x0 + (w / 2.0) + (direction.X * step), w / 2.0, PanoramaWidth - (w / 2.0)),
                    Y = Math.Clamp(y0 + (h / 2.0) + (direction.Y * step), h / 2.0, PanoramaHeight - (h / 2.0)),
                };
            }
            else if (command.Action == PtzActions.ZoomIn)
            {
                position = position with { Level = Math.Min(Levels - 1, position.Level + 1) };
            }
            else if (command.Action == PtzActions.ZoomOut)
            {
                position = position with { Level = Math.Max(0, position.Level - 1) };
            }
            else if (command.Action == PtzActions.GotoPreset)
            {
                var preset = presets.FirstOrDefault(p => p.Number == command.Preset)
                    ?? throw new PtzPresetNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Preset {command.Preset} is not saved."));
                position = FromPublic(preset);
            }
            else if (command.Action == PtzActions.SetPreset)
            {
                var (x, y, width, height) = position.Window(position.Level);
                var name = string.IsNullOrWhiteSpace(command.Name) ? string.Create(CultureInfo.InvariantCulture, $"预置位 {command.Preset}") : command.Name.Trim();
                presets = [.. presets.Where(p => p.Number != command.Preset), new PtzPreset(command.Preset!.Value, name, x / (double)(PanoramaWidth - width), y / (double)(PanoramaHeight - height), position.Zoom)];
                presets = [.. presets.OrderBy(p => p.Number)];
            }
            else if (command.Action == PtzActions.RemovePreset)
            {
                if (presets.All(p => p.Number != command.Preset))
                {
                    throw new PtzPresetNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Preset {command.Preset} is not saved."));
                }

                presets = [.. presets.Where(p => p.Number != command.Preset)];
            }

            if (position != state.Position)
            {
                Log(deviceId, at, state.Position, position);
            }

            Save(deviceId, new State(position, presets));
            return position;
        }
    }

    /// <summary>
    /// Where the camera looked at <paramref name="at"/>: the last logged move before it (the log starts with where the
    /// camera looked before its first move); a camera never moved looks where it looks now.
    /// </summary>
    public Position PositionAt(long deviceId, DateTimeOffset at)
    {
        var history = History(deviceId);
        lock (history)
        {
            if (history.Count == 0)
            {
                return PositionOf(deviceId);
            }

            var ms = at.ToUnixTimeMilliseconds();
            var last = history.FindLastIndex(h => h.At <= ms);
            return last < 0 ? history[0].Position : history[last].Position;
        }
    }

    /// <summary>The moves logged in [<paramref name="from"/>, <paramref name="until"/>), as seconds from <paramref name="from"/>.</summary>
    public IReadOnlyList<(double Offset, Position Position)> MovesDuring(long deviceId, DateTimeOffset from, DateTimeOffset until)
    {
        var history = History(deviceId);
        lock (history)
        {
            var start = from.ToUnixTimeMilliseconds();
            var end = until.ToUnixTimeMilliseconds();
            return [.. history.Where(h => h.At > start && h.At < end).Select(h => ((h.At - start) / 1000.0, h.Position))];
        }
    }

    /// <summary>The <c>sendcmd</c> file that replays moves in a rendered recording (one line per move).</summary>
    public static string SendCommands(IEnumerable<(double Offset, Position Position)> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        return string.Concat(moves.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Offset:0.###} {string.Join(", ", Commands(m.Position))};\n")));
    }

    /// <summary>The zmq commands that move a running encoder's crops and zoom switch to a position.</summary>
    public static IEnumerable<string> Commands(Position position)
    {
        ArgumentNullException.ThrowIfNull(position);
        for (var level = 0; level < Levels; level++)
        {
            var (x, y, _, _) = position.Window(level);
            yield return string.Create(CultureInfo.InvariantCulture, $"crop@z{level} x {x}");
            yield return string.Create(CultureInfo.InvariantCulture, $"crop@z{level} y {y}");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"streamselect@zoom map {position.Level}");
    }

    private static Position FromPublic(PtzPreset preset)
    {
        var level = Math.Clamp((int)Math.Round(Math.Log2(Math.Max(1, preset.Zoom))), 0, Levels - 1);
        var width = WidestWindow >> level;
        var height = width * 9 / 16;
        return new Position((preset.Pan * (PanoramaWidth - width)) + (width / 2.0), (preset.Tilt * (PanoramaHeight - height)) + (height / 2.0), level);
    }

    private List<(long At, Position Position)> History(long deviceId) => _history.GetOrAdd(deviceId, id =>
    {
        var list = new List<(long, Position)>();
        var path = Path.Combine(root, id.ToString(CultureInfo.InvariantCulture) + ".log");
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                // A torn last line (the node died while writing it) is skipped.
                var parts = line.Split(' ');
                if (parts.Length == 4
                    && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                    && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                    && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                    && int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var level))
                {
                    list.Add((ms, new Position(x, y, Math.Clamp(level, 0, Levels - 1))));
                }
            }
        }

        return list;
    });

    /// <summary>Appends a move; the first move of a camera first logs where it looked until then (from the epoch).</summary>
    private void Log(long deviceId, DateTimeOffset at, Position before, Position position)
    {
        var history = History(deviceId);
        var ms = at.ToUnixTimeMilliseconds();
        lock (history)
        {
            Directory.CreateDirectory(root);
            var lines = new System.Text.StringBuilder();
            if (history.Count == 0)
            {
                lines.Append(string.Create(CultureInfo.InvariantCulture, $"0 {before.X:R} {before.Y:R} {before.Level}\n"));
                history.Add((0, before));
            }

            lines.Append(string.Create(CultureInfo.InvariantCulture, $"{ms} {position.X:R} {position.Y:R} {position.Level}\n"));
            File.AppendAllText(Path.Combine(root, deviceId.ToString(CultureInfo.InvariantCulture) + ".log"), lines.ToString());
            history.Add((ms, position));
        }
    }

    private State Load(long deviceId) => _states.GetOrAdd(deviceId, id =>
    {
        var path = PathOf(id);
        if (File.Exists(path))
        {
            try
            {
                return JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json) ?? new State(Position.Home, []);
            }
            catch (JsonException)
            {
                // A damaged file loses the position and presets of one camera, nothing else.
            }
        }

        return new State(Position.Home, []);
    });

    private void Save(long deviceId, State state)
    {
        Directory.CreateDirectory(root);
        var path = PathOf(deviceId);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(state, Json));
        File.Move(path + ".tmp", path, overwrite: true);
        _states[deviceId] = state;
    }

    private string PathOf(long deviceId) => Path.Combine(root, deviceId.ToString(CultureInfo.InvariantCulture) + ".json");
}

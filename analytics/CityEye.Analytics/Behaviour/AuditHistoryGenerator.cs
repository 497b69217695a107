namespace CityEye.Analytics.Behaviour;

/// <summary>A unit that generated users belong to.</summary>
public sealed record HistoryUnit(long Id, string Name);

/// <summary>A device generated operations name.</summary>
public sealed record HistoryDevice(string Code, string Name, long UnitId);

/// <summary>A planted abusive pattern: who, which days, what.</summary>
public sealed record PlantedCase(string Username, DateOnly Day, string Pattern);

/// <summary>
/// Generates the demo district's operation-log history for the behaviour audit (UM-10): a few hundred police users
/// with their own rhythm (working hours, weekends, their station's cameras, one or two office addresses) over N
/// days, and a few planted abusive patterns in the last weeks — bulk export at night, mass camera viewing, an image
/// search flood, password probing from new addresses, night downloads from a new address. Deterministic for a seed.
/// The entries use the same vocabulary the operation-log middleware writes (modules, endpoint operation names).
/// </summary>
public sealed class AuditHistoryGenerator(int users, int days, DateOnly lastDay, IReadOnlyList<HistoryUnit> units, IReadOnlyList<HistoryDevice> devices, int seed = 20261126)
{
    /// <summary>The planted users (by index) and their patterns.</summary>
    public static IReadOnlyList<(int Index, string Pattern)> PlantedUsers { get; } =
    [
        (17, "nightBulkExport"), (58, "massDeviceViewing"), (121, "passwordProbing"), (199, "imageSearchFlood"), (263, "nightDownloadsNewAddress"),
    ];

    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The user name of generated user <paramref name="index"/> (police number style).</summary>
    public static string Username(int index) => $"jc{index:D4}";

    /// <summary>The planted cases this generator writes (users beyond <c>users</c> are left out).</summary>
    public IReadOnlyList<PlantedCase> Planted => PlantedUsers.Where(p => p.Index < users)
        .SelectMany(p => PlantedDays(p.Index).Select(d => new PlantedCase(Username(p.Index), d, p.Pattern))).ToList();

    /// <summary>Every entry, day by day (sequence 0: the journal numbers them).</summary>
    public IEnumerable<LogEntry> Generate()
    {
        if (units.Count == 0 || devices.Count == 0)
        {
            yield break;
        }

        var random = new Random(seed);
        var profiles = Enumerable.Range(0, users).Select(i => NewProfile(i, random)).ToList();
        var planted = Planted.ToLookup(p => (p.Username, p.Day));
        for (var d = days - 1; d >= 0; d--)
        {
            var day = lastDay.AddDays(-d);
            foreach (var profile in profiles)
            {
                // Arithmetic, not HashCode.Combine: that one is seeded per process, and the history must be the same everywhere.
                var dayRandom = new Random(unchecked((seed * 1_000_003) + (profile.Index * 7_919) + (day.DayNumber * 104_729)));
                foreach (var entry in Normal(profile, day, dayRandom))
                {
                    yield return entry;
                }

                foreach (var plant in planted[(profile.Username, day)])
                {
                    foreach (var entry in Abuse(profile, day, plant.Pattern, dayRandom))
                    {
                        yield return entry;
                    }
                }
            }
        }
    }

    private IEnumerable<DateOnly> PlantedDays(int index)
    {
        // Three days in the last three weeks, spread per user, never the same weekday pattern.
        var offsets = new[] { 3 + (index % 5), 9 + (index % 4), 16 + (index % 3) };
        return offsets.Where(o => o < days).Select(o => lastDay.AddDays(-o));
    }

    private Profile NewProfile(int index, Random random)
    {
        var unit = units[index % units.Count];
        var own = devices.Where(d => d.UnitId == unit.Id).ToList();
        if (own.Count < 10)
        {
            own = [.. devices.Skip(random.Next(Math.Max(1, devices.Count - 60))).Take(60)];
        }

        var watched = own.OrderBy(_ => random.Next()).Take(random.Next(8, 40)).ToList();
        var kind = random.Next(10) switch
        {
            < 5 => "investigator",
            < 8 => "operator",
            _ => "clerk",
        };
        var activity = Math.Exp(random.NextDouble() * 1.6) * (kind == "operator" ? 14 : 9);
        var office = $"10.31.{18 + (index % 40)}.{10 + (index % 200)}";
        var spare = $"10.31.{60 + (index % 30)}.{20 + (index % 180)}";
        return new Profile(index, Username(index), unit, kind, activity, watched, office, spare, random.Next(7, 10), random.NextDouble() < 0.15);
    }

    private static IEnumerable<LogEntry> Normal(Profile p, DateOnly day, Random r)
    {
        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        if (weekend && r.NextDouble() < 0.7)
        {
            yield break;
        }

        if (r.NextDouble() < 0.06)
        {
            yield break; // leave, training, a day in the field
        }

        var count = Poisson(r, p.Activity * (weekend ? 0.4 : 1));
        var address = r.NextDouble() < 0.1 ? p.SpareAddress : p.OfficeAddress;
        yield return Entry(p, day, Time(r, p.StartHour, 0.5), address, LogKinds.Security, "auth", "login.succeeded", string.Empty, 200, null);
        if (r.NextDouble() < 0.08)
        {
            yield return Entry(p, day, Time(r, p.StartHour, 0.3), address, LogKinds.Security, "auth", "login.failed", string.Empty, 401, null);
        }

        for (var i = 0; i < count; i++)
        {
            var at = p.Evening && r.NextDouble() < 0.08 ? Time(r, 20, 3) : Time(r, p.StartHour, 9.5);
            var pick = r.NextDouble();
            var device = p.Watched[r.Next(p.Watched.Count)];
            var (module, operation, method, withDevice) = p.Kind switch
            {
                "operator" => pick switch
                {
                    < 0.70 => ("devices", "get", "GET", true),
                    < 0.90 => ("devices", "search", "GET", false),
                    < 0.97 => ("map", "district", "GET", false),
                    _ => ("devices", "versions", "GET", true),
                },
                "clerk" => pick switch
                {
                    < 0.35 => ("devices", "get", "GET", true),
                    < 0.55 => ("devices", "update", "PUT", true),
                    < 0.75 => ("devices", "search", "GET", false),
                    < 0.90 => ("archive", "rules", "GET", false),
                    < 0.97 => ("archive", "findings", "GET", false),
                    _ => ("devices", "export", "GET", false),
                },
                _ => pick switch
                {
                    < 0.40 => ("devices", "get", "GET", true),
                    < 0.70 => ("devices", "search", "GET", false),
                    < 0.80 => ("captures", "imageSearch", "POST", false),
                    < 0.95 => ("map", "district", "GET", false),
                    _ => ("devices", "export", "GET", false),
                },
            };
            yield return Entry(p, day, at, address, LogKinds.Operation, module, operation, method, 200, withDevice ? device : null);
        }
    }

    private static IEnumerable<LogEntry> Abuse(Profile p, DateOnly day, string pattern, Random r)
    {
        var fresh = $"172.16.{r.Next(1, 250)}.{r.Next(2, 250)}";
        switch (pattern)
        {
            case "nightBulkExport":
                for (var i = 0; i < r.Next(30, 70); i++)
                {
                    yield return Entry(p, day, Time(r, 23, 3.5), p.OfficeAddress, LogKinds.Operation, "devices", "export", "GET", 200, null);
                }

                break;
            case "massDeviceViewing":
                for (var i = 0; i < r.Next(450, 800); i++)
                {
                    var device = new HistoryDevice($"3101180000{r.Next(1_000_000, 9_999_999)}", "未授权浏览的点位", p.Unit.Id);
                    yield return Entry(p, day, Time(r, p.StartHour, 9), p.OfficeAddress, LogKinds.Operation, "devices", "get", "GET", 200, device);
                }

                break;
            case "passwordProbing":
                foreach (var address in new[] { fresh, $"172.17.{r.Next(1, 250)}.{r.Next(2, 250)}", $"172.18.{r.Next(1, 250)}.{r.Next(2, 250)}" })
                {
                    for (var i = 0; i < r.Next(6, 12); i++)
                    {
                        yield return Entry(p, day, Time(r, 1, 4), address, LogKinds.Security, "auth", "login.failed", string.Empty, 401, null);
                    }

                    yield return Entry(p, day, Time(r, 1, 4), address, LogKinds.Operation, "users", "list", "GET", 403, null);
                }

                break;
            case "imageSearchFlood":
                for (var i = 0; i < r.Next(180, 320); i++)
                {
                    yield return Entry(p, day, Time(r, p.StartHour, 10), p.OfficeAddress, LogKinds.Operation, "captures", "imageSearch", "POST", 200, null);
                }

                break;
            default:
                yield return Entry(p, day, Time(r, 0, 1), fresh, LogKinds.Security, "auth", "login.succeeded", string.Empty, 200, null);
                for (var i = 0; i < r.Next(12, 25); i++)
                {
                    var device = p.Watched[r.Next(p.Watched.Count)];
                    yield return Entry(p, day, Time(r, 0, 4), fresh, LogKinds.Operation, "video", "download", "GET", 200, device);
                }

                break;
        }
    }

    private static LogEntry Entry(Profile p, DateOnly day, TimeSpan time, string address, string kind, string module, string operation, string method, int status, HistoryDevice? device) => new()
    {
        Sequence = 0,
        At = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Shanghai).Add(time),
        Kind = kind,
        UserId = 0,
        Username = p.Username,
        OrganisationId = p.Unit.Id,
        OrganisationName = p.Unit.Name,
        ClientIp = address,
        Module = module,
        Operation = operation,
        DataType = kind == LogKinds.Security ? "security" : module,
        DeviceCode = device?.Code ?? string.Empty,
        DeviceName = device?.Name ?? string.Empty,
        Method = method,
        Path = kind == LogKinds.Security ? string.Empty : $"/api/{module}",
        Status = status,
        DurationMs = 12,
        Detail = "demo history",
    };

    /// <summary>A time of day from <paramref name="startHour"/> within <paramref name="spanHours"/>; past midnight wraps to the early morning.</summary>
    private static TimeSpan Time(Random r, int startHour, double spanHours)
    {
        var time = TimeSpan.FromHours(startHour + (r.NextDouble() * spanHours));
        return time >= TimeSpan.FromDays(1) ? time - TimeSpan.FromDays(1) : time;
    }

    private static int Poisson(Random r, double lambda)
    {
        // Normal approximation is fine for these rates (5 to 70 a day).
        var n = lambda + (Math.Sqrt(lambda) * Gaussian(r));
        return Math.Max(0, (int)Math.Round(n));
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private sealed record Profile(int Index, string Username, HistoryUnit Unit, string Kind, double Activity, IReadOnlyList<HistoryDevice> Watched, string OfficeAddress, string SpareAddress, int StartHour, bool Evening);
}

namespace CityEye.Api.Demo;

/// <summary>A capture camera of the demo district: id and position.</summary>
internal readonly record struct DemoCamera(long Id, double Longitude, double Latitude);

/// <summary>One planned capture: which camera saw the identity when.</summary>
internal readonly record struct DemoSighting(long DeviceId, DateTimeOffset Time);

/// <summary>
/// Plausible routes through the demo cameras: each trip starts near the identity's home camera and moves on to
/// nearby cameras (30–1,500 m apart on foot, 300–4,000 m by car), mostly away from where it started, at walking or
/// driving speed with pauses; trips start between 06:30 and 22:00 Shanghai time on the days of the window.
/// </summary>
internal sealed class DemoRoutes
{
    private readonly DemoCamera[] _cameras;
    private readonly int[][] _neighbours;

    public DemoRoutes(IReadOnlyList<DemoCamera> cameras, double minMetres, double maxMetres)
    {
        _cameras = [.. cameras];
        _neighbours = new int[_cameras.Length][];
        for (var i = 0; i < _cameras.Length; i++)
        {
            var near = new List<(int Index, double Metres)>();
            for (var j = 0; j < _cameras.Length; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var metres = Metres(_cameras[i], _cameras[j]);
                if (metres >= minMetres && metres <= maxMetres)
                {
                    near.Add((j, metres));
                }
            }

            _neighbours[i] = [.. near.OrderBy(n => n.Metres).Take(12).Select(n => n.Index)];
        }
    }

    public int Count => _cameras.Length;

    /// <summary>
    /// <paramref name="wanted"/> sightings of one identity in trips of 3–8 cameras, over the days before
    /// <paramref name="until"/>, in time order.
    /// </summary>
    public List<DemoSighting> Plan(Random random, int wanted, double metresPerSecond, int days, DateTimeOffset until)
    {
        var sightings = new List<DemoSighting>(wanted);
        var home = random.Next(_cameras.Length);
        var shanghai = TimeSpan.FromHours(8);
        var firstDay = until.ToOffset(shanghai).Date.AddDays(-(days - 1));
        var guard = 0;
        while (sightings.Count < wanted && guard++ < wanted * 4)
        {
            var day = firstDay.AddDays(random.Next(days));
            var start = new DateTimeOffset(day, shanghai).AddMinutes(390 + random.Next(930));
            var current = random.Next(4) == 0 || _neighbours[home].Length == 0 ? home : _neighbours[home][random.Next(_neighbours[home].Length)];
            var origin = _cameras[current];
            var time = start;
            var hops = Math.Min(wanted - sightings.Count, 3 + random.Next(6));
            for (var h = 0; h < hops && time < until; h++)
            {
                sightings.Add(new DemoSighting(_cameras[current].Id, time));
                var next = _neighbours[current];
                if (next.Length == 0)
                {
                    break;
                }

                // Prefer cameras farther from the trip's start: people and vehicles go somewhere.
                var onward = next.Where(n => Metres(_cameras[n], origin) > Metres(_cameras[current], origin)).ToArray();
                var chosen = onward.Length > 0 && random.Next(5) > 0 ? onward[random.Next(onward.Length)] : next[random.Next(next.Length)];
                var metres = Metres(_cameras[current], _cameras[chosen]) * 1.3;
                time = time.AddSeconds((metres / metresPerSecond * (1 + (random.NextDouble() * 0.5))) + random.Next(0, 90));
                current = chosen;
            }
        }

        return [.. sightings.Where(s => s.Time < until).OrderBy(s => s.Time)];
    }

    private static double Metres(DemoCamera a, DemoCamera b)
    {
        var dy = (a.Latitude - b.Latitude) * 111_320;
        var dx = (a.Longitude - b.Longitude) * 111_320 * Math.Cos(a.Latitude * Math.PI / 180);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}

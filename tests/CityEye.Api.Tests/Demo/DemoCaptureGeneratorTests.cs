using CityEye.Api.Demo;

namespace CityEye.Api.Tests.Demo;

/// <summary>The pure parts of the demo-capture generator: ID numbers and routes.</summary>
public sealed class DemoCaptureGeneratorTests
{
    [Theory]
    [InlineData("11010519491231002", 'X')]
    [InlineData("44052418800101001", '4')]
    [InlineData("31011819900307123", '8')]
    public void Id_numbers_carry_the_gb11643_check_character(string first17, char expected)
    {
        // 11010519491231002X and 440524188001010014 are the standard's examples; the third was worked out by hand (sum 224, mod 11 = 4).
        Assert.Equal(expected, DemoPeople.CheckDigit(first17));
    }

    [Fact]
    public void Generated_id_numbers_are_of_qingpu_with_the_birth_date_and_sex()
    {
        var random = new Random(7);
        var id = DemoPeople.IdNumber(random, new DateOnly(1985, 6, 15), male: true);
        Assert.Equal(18, id.Length);
        Assert.StartsWith("31011819850615", id, StringComparison.Ordinal);
        Assert.Equal(1, (id[16] - '0') % 2);
        Assert.Equal(id[17], DemoPeople.CheckDigit(id[..17]));
    }

    [Fact]
    public void Routes_move_between_nearby_cameras_forward_in_time_before_now()
    {
        // A 20 × 20 grid of cameras 200 m apart.
        var cameras = new List<DemoCamera>();
        for (var i = 0; i < 400; i++)
        {
            cameras.Add(new DemoCamera(i + 1, 121.1 + ((i % 20) * 0.0021), 31.15 + ((i / 20) * 0.0018)));
        }

        var routes = new DemoRoutes(cameras, 100, 700);
        var until = new DateTimeOffset(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);
        var sightings = routes.Plan(new Random(3), 60, 1.3, 7, until);
        Assert.InRange(sightings.Count, 50, 60);
        Assert.All(sightings, s => Assert.True(s.Time < until && s.Time > until.AddDays(-8)));
        Assert.True(sightings.Zip(sightings.Skip(1)).All(p => p.First.Time <= p.Second.Time), "time order");
        Assert.True(sightings.Select(s => s.DeviceId).Distinct().Count() > 10, "several cameras");
        var byId = cameras.ToDictionary(c => c.Id);
        var close = sightings.Zip(sightings.Skip(1)).Count(p =>
        {
            var (a, b) = (byId[p.First.DeviceId], byId[p.Second.DeviceId]);
            var metres = Math.Sqrt(Math.Pow((a.Latitude - b.Latitude) * 111_320, 2) + Math.Pow((a.Longitude - b.Longitude) * 111_320 * Math.Cos(a.Latitude * Math.PI / 180), 2));
            return metres <= 700 && (p.Second.Time - p.First.Time) < TimeSpan.FromHours(1);
        });
        Assert.True(close >= sightings.Count / 2, $"consecutive sightings of a trip are near in space and time ({close} of {sightings.Count})");
    }
}

using CityEye.Core.Demo;
using CityEye.Core.Domain;
using CityEye.Core.Geo;

namespace CityEye.Core.Tests.Demo;

public sealed class DemoDistrictGeneratorTests
{
    private static readonly Lazy<DemoDistrict> LazyDistrict = new(() => DemoDistrictGenerator.Generate(DemoDistrictGenerator.DefaultSeed));

    private static DemoDistrict District => LazyDistrict.Value;

    [Fact]
    public void Generate_DefaultSeed_ProducesTenderTypeMix()
    {
        var counts = District.Devices.GroupBy(d => d.Device.Type).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(16_231, District.Devices.Count);
        Assert.Equal(DemoDistrictGenerator.TotalDevices, District.Devices.Count);
        Assert.Equal(9_057, counts[DeviceType.SmartBullet]);
        Assert.Equal(3_909, counts[DeviceType.HdBullet]);
        Assert.Equal(3_108, counts[DeviceType.HdDome]);
        Assert.Equal(51, counts[DeviceType.HighPoint]);
        Assert.Equal(6, counts[DeviceType.Drone]);
        Assert.Equal(20, counts[DeviceType.WirelessEmergency]);
        Assert.Equal(80, counts[DeviceType.VehicleMounted]);
        Assert.Equal(DemoDistrictGenerator.TotalDevices, DemoDistrictGenerator.TenderMix.Values.Sum());
    }

    [Fact]
    public void Generate_SameSeed_ProducesIdenticalDistrict()
    {
        var first = DemoDistrictGenerator.Generate(42);
        var second = DemoDistrictGenerator.Generate(42);

        Assert.Equal(first.Organisations, second.Organisations);
        Assert.Equal(first.Devices, second.Devices);
    }

    [Fact]
    public void Generate_DifferentSeed_ProducesDifferentDevices()
    {
        var first = DemoDistrictGenerator.Generate(1);
        var second = DemoDistrictGenerator.Generate(2);

        Assert.NotEqual(first.Devices, second.Devices);
        Assert.Equal(first.Devices.Count, second.Devices.Count);
    }

    [Fact]
    public void Generate_DefaultSeed_PlacesEveryDeviceInsideBoundaryAndOutsideLake()
    {
        var boundary = QingpuBoundary.Instance;

        Assert.All(District.Devices, d =>
        {
            Assert.True(boundary.Contains(d.Device.Longitude, d.Device.Latitude), d.Device.Name);
            Assert.False(DemoDistrictGenerator.IsInDianshanLake(d.Device.Longitude, d.Device.Latitude), d.Device.Name);
        });
    }

    [Fact]
    public void Generate_DefaultSeed_GbCodesValidAndUnique()
    {
        var codes = District.Devices.Select(d => d.Device.GbCode).ToList();

        Assert.All(codes, code => Assert.True(GbCode.IsValid(code), code));
        Assert.All(codes, code => Assert.StartsWith("310118", code, StringComparison.Ordinal));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Generate_DefaultSeed_GbCodeCentreMatchesOwner()
    {
        Assert.All(District.Devices, d =>
            Assert.Equal(d.OrganisationCode[..8], GbCode.Parse(d.Device.GbCode).CentreCode));
    }

    [Fact]
    public void Generate_DefaultSeed_TrafficIndustryOnlyForTrafficDevices()
    {
        var trafficCode = District.Organisations.Single(o => o.Kind == OrganisationKind.Traffic).Code;

        Assert.All(District.Devices, d =>
        {
            var industry = GbCode.Parse(d.Device.GbCode).IndustryCode;
            Assert.Equal(d.OrganisationCode == trafficCode, industry is "04" or "05");
        });
    }

    [Fact]
    public void Generate_DefaultSeed_KeyboardCodesNamesAndIpsUnique()
    {
        var devices = District.Devices.Select(d => d.Device).ToList();

        Assert.Equal(devices.Count, devices.Select(d => d.KeyboardCode).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(devices.Count, devices.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(devices.Count, devices.Select(d => d.IpAddress).Distinct(StringComparer.Ordinal).Count());
        Assert.All(devices, d => Assert.Matches("^[0-9]{6}$", d.KeyboardCode));
        Assert.All(devices, d =>
        {
            Assert.True(System.Net.IPAddress.TryParse(d.IpAddress, out var ip), d.IpAddress);
            Assert.Equal(10, ip.GetAddressBytes()[0]);
        });
    }

    [Fact]
    public void Generate_DefaultSeed_EveryDeviceOwnedByKnownOrganisation()
    {
        var codes = District.Organisations.Select(o => o.Code).ToHashSet(StringComparer.Ordinal);

        Assert.All(District.Devices, d => Assert.Contains(d.OrganisationCode, codes));
        Assert.All(District.Devices, d =>
        {
            Assert.Equal(0, d.Device.Id);
            Assert.Equal(0, d.Device.OrganisationId);
        });
    }

    [Fact]
    public void Generate_DefaultSeed_DevicesCoverEveryRegionWithPlausibleFields()
    {
        var regions = District.Organisations.Where(o => o.Kind == OrganisationKind.Station).Select(o => o.Region).ToHashSet();

        Assert.Equal(11, regions.Count);
        Assert.All(District.Devices, d => Assert.Contains(d.Device.Region, regions));
        Assert.Equal(regions, District.Devices.Select(d => (string?)d.Device.Region).ToHashSet());
        Assert.All(District.Devices, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Device.Manufacturer));
            Assert.False(string.IsNullOrWhiteSpace(d.Device.Model));
            Assert.Matches("^[0-9]{4}x[0-9]{3,4}$", d.Device.Resolution);
            Assert.StartsWith(d.Device.Region, d.Device.Address, StringComparison.Ordinal);
            Assert.EndsWith("_" + TypeLabel(d.Device.Type), TrimSequence(d.Device.Name), StringComparison.Ordinal);

            // Ledger field limits (DeviceService.Validate).
            Assert.InRange(d.Device.Name.Length, 1, 128);
            Assert.InRange(d.Device.Region.Length, 1, 64);
            Assert.InRange(d.Device.Manufacturer.Length, 1, 64);
            Assert.InRange(d.Device.Model.Length, 1, 64);
            Assert.InRange(d.Device.Resolution.Length, 1, 32);
            Assert.InRange(d.Device.Address!.Length, 1, 256);
        });
    }

    [Fact]
    public void Generate_DefaultSeed_StatusMostlyOnline()
    {
        var online = District.Devices.Count(d => d.Device.Status == DeviceStatus.Online) / (double)District.Devices.Count;

        Assert.InRange(online, 0.92, 0.95);
        Assert.Contains(District.Devices, d => d.Device.Status == DeviceStatus.Offline);
        Assert.Contains(District.Devices, d => d.Device.Status == DeviceStatus.Fault);
    }

    [Fact]
    public void Generate_DefaultSeed_OrganisationTreeWellFormed()
    {
        var organisations = District.Organisations;
        var codes = organisations.Select(o => o.Code).ToList();

        var bureau = Assert.Single(organisations, o => o.ParentCode is null);
        Assert.Equal("310118000000", bureau.Code);
        Assert.Equal("上海市公安局青浦分局", bureau.Name);
        Assert.Equal(OrganisationKind.Bureau, bureau.Kind);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^310118[0-9]{6}$", c));
        Assert.All(organisations.Where(o => o.ParentCode is not null), o => Assert.Contains(o.ParentCode!, codes));
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.Traffic);
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.Fire);
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.Unit);
        Assert.All(organisations.Where(o => o.Kind == OrganisationKind.Station), o =>
        {
            Assert.EndsWith("派出所", o.Name, StringComparison.Ordinal);
            Assert.NotNull(o.Region);
        });
        foreach (var station in new[] { "夏阳", "盈浦", "香花桥", "朱家角", "练塘", "金泽", "赵巷", "徐泾", "华新", "重固", "白鹤" })
        {
            Assert.Contains(organisations, o => o.Name == station + "派出所");
        }
    }

    private static string TypeLabel(DeviceType type) => type switch
    {
        DeviceType.SmartBullet => "智能枪机",
        DeviceType.HdBullet => "高清枪机",
        DeviceType.HdDome => "高清球机",
        DeviceType.HighPoint => "高点监控",
        DeviceType.Drone => "无人机",
        DeviceType.WirelessEmergency => "无线应急",
        DeviceType.VehicleMounted => "车载视频",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string TrimSequence(string name)
    {
        var last = name.LastIndexOf('_');
        return last > 0 && name[(last + 1)..].All(char.IsAsciiDigit) ? name[..last] : name;
    }
}

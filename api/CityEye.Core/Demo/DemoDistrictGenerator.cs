using System.Globalization;
using CityEye.Core.Domain;
using CityEye.Core.Geo;

namespace CityEye.Core.Demo;

/// <summary>
/// Generates the deterministic demo district: the Qingpu bureau's organisation tree and the tender's 16,231 devices,
/// placed inside the district outline and clustered around the town centres.
/// </summary>
/// <remarks>Only <c>new Random(seed)</c> drives the output: the same seed gives the same district.</remarks>
public static class DemoDistrictGenerator
{
    /// <summary>The seed the demo data set uses unless told otherwise.</summary>
    public const int DefaultSeed = 310118;

    /// <summary>Number of devices in the tender (REQUIREMENTS.md context).</summary>
    public const int TotalDevices = 16_231;

    /// <summary>Code of the bureau, the root of the organisation tree.</summary>
    public const string BureauCode = "310118000000";

    private static readonly (DeviceType Type, int Count)[] Mix =
    [
        (DeviceType.SmartBullet, 9_057),
        (DeviceType.HdBullet, 3_909),
        (DeviceType.HdDome, 3_108),
        (DeviceType.HighPoint, 51),
        (DeviceType.Drone, 6),
        (DeviceType.WirelessEmergency, 20),
        (DeviceType.VehicleMounted, 80),
    ];

    /// <summary>The tender's device mix: count per type (sums to <see cref="TotalDevices"/>).</summary>
    public static IReadOnlyDictionary<DeviceType, int> TenderMix { get; } = Mix.ToDictionary(m => m.Type, m => m.Count).AsReadOnly();

    /// <summary>Generates the district for <paramref name="seed"/>; organisations come parents first.</summary>
    public static DemoDistrict Generate(int seed)
    {
        var organisations = CreateOrganisations();
        var builder = new DeviceBuilder(new Random(seed), QingpuBoundary.Instance);
        var details = new DetailBuilder(new Random(unchecked(seed * 31) + 7));
        var devices = new List<DemoDevice>(TotalDevices);
        foreach (var (type, count) in Mix)
        {
            for (var i = 0; i < count; i++)
            {
                devices.Add(details.Complete(builder.Create(type)));
            }
        }

        return new DemoDistrict(organisations, devices);
    }

    private static List<DemoOrganisation> CreateOrganisations()
    {
        var organisations = new List<DemoOrganisation>
        {
            new(BureauCode, null, DemoCatalog.BureauName, OrganisationKind.Bureau, null),
        };
        organisations.AddRange(DemoCatalog.Towns.Select(t =>
            new DemoOrganisation(DemoCatalog.OrganisationCode(t.UnitNumber), BureauCode, t.StationName, OrganisationKind.Station, t.Region)));
        organisations.AddRange(DemoCatalog.Units.Select(u =>
            new DemoOrganisation(DemoCatalog.OrganisationCode(u.UnitNumber), BureauCode, u.Name, u.Kind, null)));
        return organisations;
    }

    /// <summary>Stateful device factory: one random source, per-owner and per-centre counters, used names.</summary>
    private sealed class DeviceBuilder(Random random, QingpuBoundary boundary)
    {
        // Degrees of longitude per degree of latitude at 31.15 N, so that distances and spreads are roughly isotropic.
        private const double LongitudeScale = 1 / 0.856;
        private const double CoreSpread = 0.007;
        private const double OuterSpread = 0.022;

        private readonly Random _random = random;
        private readonly QingpuBoundary _boundary = boundary;
        private readonly double _totalTownWeight = DemoCatalog.Towns.Sum(t => t.Weight);
        private readonly Dictionary<int, int> _ownerSequence = [];
        private readonly Dictionary<string, int> _serials = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<(int Unit, DeviceType Type), int> _unitTypeSequence = [];
        private readonly Dictionary<DeviceType, List<DemoCameraModel>> _models = [];

        public DemoDevice Create(DeviceType type)
        {
            var unit = ChooseUnit(type);
            var position = SamplePosition(type, unit);
            var town = NearestTown(position);
            var ownerNumber = unit?.UnitNumber ?? town.UnitNumber;
            var industry = ChooseIndustry(type, unit);
            var typeCode = ChooseTypeCode(type);
            var model = ChooseModel(type);
            var road = Pick(town.Roads);
            var houseNumber = HouseNumber(road);
            var sequence = NextOwnerSequence(ownerNumber);

            var device = new Device
            {
                GbCode = NextGbCode(ownerNumber, industry, typeCode),
                Name = UniqueName(CreateName(type, unit, town, road, houseNumber, industry)),
                KeyboardCode = Invariant($"{ownerNumber + 10:D2}{sequence:D4}"),
                Type = type,
                Status = ChooseStatus(),
                OrganisationId = 0,
                Region = town.Region,
                IpAddress = Invariant($"10.{100 + ownerNumber}.{1 + (sequence / 250)}.{2 + (sequence % 250)}"),
                Manufacturer = model.Manufacturer,
                Model = model.Model,
                Resolution = model.Resolution,
                Longitude = position.Longitude,
                Latitude = position.Latitude,
                Address = Invariant($"{town.Region}{road}{houseNumber}号"),
            };
            return new DemoDevice(DemoCatalog.OrganisationCode(ownerNumber), device with { Road = road })
            {
                BusinessGroupCode = DemoBusinessGroups.For(type, unit?.Kind, town.UnitNumber),
            };
        }

        /// <summary>The district-wide unit owning a device of <paramref name="type"/>, or null when the local station owns it.</summary>
        private DemoUnit? ChooseUnit(DeviceType type)
        {
            var r = _random.NextDouble();
            return type switch
            {
                DeviceType.SmartBullet or DeviceType.HighPoint => null,
                DeviceType.HdBullet => r < 0.28 ? DemoCatalog.Traffic : null,
                DeviceType.HdDome => r < 0.12 ? DemoCatalog.Traffic : null,
                DeviceType.Drone => r switch
                {
                    < 0.45 => DemoCatalog.PatrolSpecial,
                    < 0.70 => DemoCatalog.CommandCentre,
                    < 0.85 => DemoCatalog.Fire,
                    _ => DemoCatalog.Traffic,
                },
                DeviceType.WirelessEmergency => r switch
                {
                    < 0.40 => DemoCatalog.CommandCentre,
                    < 0.70 => DemoCatalog.PatrolSpecial,
                    < 0.90 => DemoCatalog.CriminalInvestigation,
                    _ => DemoCatalog.Fire,
                },
                DeviceType.VehicleMounted => r switch
                {
                    < 0.35 => DemoCatalog.PatrolSpecial,
                    < 0.60 => DemoCatalog.Traffic,
                    < 0.75 => DemoCatalog.Fire,
                    _ => null,
                },
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown device type."),
            };
        }

        private string ChooseIndustry(DeviceType type, DemoUnit? unit)
        {
            if (unit?.Kind != OrganisationKind.Traffic)
            {
                return "00";
            }

            // Traffic bullets stand at checkpoints (卡口, 05) or watch the road (04).
            return type == DeviceType.HdBullet && _random.NextDouble() < 0.45 ? "05" : "04";
        }

        private string ChooseTypeCode(DeviceType type)
        {
            var r = _random.NextDouble();
            return type switch
            {
                DeviceType.SmartBullet or DeviceType.HighPoint => "132",
                DeviceType.HdBullet or DeviceType.HdDome => r < 0.15 ? "131" : "132",
                DeviceType.Drone or DeviceType.WirelessEmergency or DeviceType.VehicleMounted => "131",
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown device type."),
            };
        }

        private DemoCameraModel ChooseModel(DeviceType type)
        {
            if (!_models.TryGetValue(type, out var candidates))
            {
                candidates = [.. DemoCatalog.Models.Where(m => m.Type == type)];
                _models[type] = candidates;
            }

            var ticket = _random.Next(candidates.Sum(m => m.Weight));
            foreach (var candidate in candidates)
            {
                ticket -= candidate.Weight;
                if (ticket < 0)
                {
                    return candidate;
                }
            }

            return candidates[^1];
        }

        private DeviceStatus ChooseStatus() => _random.NextDouble() switch
        {
            < 0.935 => DeviceStatus.Online,
            < 0.985 => DeviceStatus.Offline,
            _ => DeviceStatus.Fault,
        };

        /// <summary>Rejection-samples a position inside the outline and outside Dianshan Lake, rounded to 6 decimals.</summary>
        private GeoPoint SamplePosition(DeviceType type, DemoUnit? unit)
        {
            while (true)
            {
                var candidate = Propose(type, unit);
                var point = new GeoPoint(Math.Round(candidate.Longitude, 6), Math.Round(candidate.Latitude, 6));
                if (_boundary.Contains(point.Longitude, point.Latitude) && !IsInDianshanLake(point.Longitude, point.Latitude))
                {
                    return point;
                }
            }
        }

        private GeoPoint Propose(DeviceType type, DemoUnit? unit)
        {
            var r = _random.NextDouble();
            switch (type)
            {
                case DeviceType.Drone:
                    // Drones are kept at the owning unit's base.
                    return Around(unit?.Base ?? DemoCatalog.CommandCentre.Base, 0.002);
                case DeviceType.HighPoint:
                    // High points look over open country as much as over towns.
                    return r < 0.4 ? Uniform() : Around(PickTown().Centre, 0.03);
                case DeviceType.VehicleMounted:
                    return Around(PickTown().Centre, r < 0.5 ? CoreSpread : OuterSpread);
                case DeviceType.SmartBullet:
                case DeviceType.HdBullet:
                case DeviceType.HdDome:
                case DeviceType.WirelessEmergency:
                    if (r < 0.10)
                    {
                        return Uniform();
                    }

                    return Around(PickTown().Centre, r < 0.68 ? CoreSpread : OuterSpread);
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown device type.");
            }
        }

        private GeoPoint Uniform()
        {
            var box = _boundary.BoundingBox;
            return new GeoPoint(
                box.MinLongitude + (_random.NextDouble() * (box.MaxLongitude - box.MinLongitude)),
                box.MinLatitude + (_random.NextDouble() * (box.MaxLatitude - box.MinLatitude)));
        }

        /// <summary>A normally distributed point around <paramref name="centre"/> (Box-Muller; spread in degrees of latitude).</summary>
        private GeoPoint Around(GeoPoint centre, double spread)
        {
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var angle = 2.0 * Math.PI * u2;
            return new GeoPoint(
                centre.Longitude + (radius * Math.Cos(angle) * spread * LongitudeScale),
                centre.Latitude + (radius * Math.Sin(angle) * spread));
        }

        private DemoTown PickTown()
        {
            var ticket = _random.NextDouble() * _totalTownWeight;
            foreach (var town in DemoCatalog.Towns)
            {
                ticket -= town.Weight;
                if (ticket < 0)
                {
                    return town;
                }
            }

            return DemoCatalog.Towns[^1];
        }

        private static DemoTown NearestTown(GeoPoint point)
        {
            var best = DemoCatalog.Towns[0];
            var bestDistance = double.MaxValue;
            foreach (var town in DemoCatalog.Towns)
            {
                var dx = (town.Centre.Longitude - point.Longitude) / LongitudeScale;
                var dy = town.Centre.Latitude - point.Latitude;
                var distance = (dx * dx) + (dy * dy);
                if (distance < bestDistance)
                {
                    best = town;
                    bestDistance = distance;
                }
            }

            return best;
        }

        private string CreateName(DeviceType type, DemoUnit? unit, DemoTown town, string road, int houseNumber, string industry)
        {
            var label = DemoCatalog.TypeLabel(type);
            switch (type)
            {
                case DeviceType.Drone:
                    return Invariant($"{unit!.ShortName}无人机{NextUnitTypeSequence(unit.UnitNumber, type):D2}_{label}");
                case DeviceType.WirelessEmergency:
                    return Invariant($"{unit!.ShortName}无线布控球{NextUnitTypeSequence(unit.UnitNumber, type):D2}_{label}");
                case DeviceType.VehicleMounted:
                    var owner = unit?.ShortName ?? town.StationName;
                    var plate = unit?.Kind == OrganisationKind.Fire
                        ? Invariant($"沪A{_random.Next(1000, 10000)}应急")
                        : Invariant($"沪A{_random.Next(0, 10000):D4}警");
                    return $"{owner}{plate}车载_{label}";
                case DeviceType.HighPoint:
                    return $"{town.Region}{road}{PickLandmark(town)}高点{Pick(DemoCatalog.Directions)}_{label}";
                case DeviceType.SmartBullet:
                case DeviceType.HdBullet:
                case DeviceType.HdDome:
                    var direction = Pick(DemoCatalog.Directions);
                    if (industry == "05")
                    {
                        return $"{town.Region}{road}{CrossRoad(town, road)}路口{direction}卡口_{label}";
                    }

                    if (industry == "04")
                    {
                        return $"{town.Region}{road}{CrossRoad(town, road)}路口{direction}_{label}";
                    }

                    return _random.NextDouble() switch
                    {
                        < 0.45 => $"{town.Region}{road}{CrossRoad(town, road)}路口{direction}_{label}",
                        < 0.75 => $"{town.Region}{road}{PickLandmark(town)}{direction}_{label}",
                        _ => Invariant($"{town.Region}{road}{houseNumber}号{direction}_{label}"),
                    };
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown device type.");
            }
        }

        private string CrossRoad(DemoTown town, string road)
        {
            var index = _random.Next(town.Roads.Count - 1);
            var cross = town.Roads[index];
            return cross == road ? town.Roads[^1] : cross;
        }

        private string PickLandmark(DemoTown town)
        {
            var index = _random.Next(town.Landmarks.Count + DemoCatalog.CommonLandmarks.Count);
            return index < town.Landmarks.Count ? town.Landmarks[index] : DemoCatalog.CommonLandmarks[index - town.Landmarks.Count];
        }

        private string Pick(IReadOnlyList<string> values) => values[_random.Next(values.Count)];

        private int HouseNumber(string road) =>
            _random.Next(1, road.EndsWith("公路", StringComparison.Ordinal) || road.EndsWith("大道", StringComparison.Ordinal) ? 8000 : 1500);

        /// <summary>Appends "_2", "_3", ... when a name was already used.</summary>
        private string UniqueName(string name)
        {
            if (!_names.TryGetValue(name, out var count))
            {
                _names[name] = 1;
                return name;
            }

            while (true)
            {
                count++;
                var candidate = Invariant($"{name}_{count}");
                if (!_names.ContainsKey(candidate))
                {
                    _names[name] = count;
                    _names[candidate] = 1;
                    return candidate;
                }
            }
        }

        private int NextOwnerSequence(int unitNumber)
        {
            var next = _ownerSequence.GetValueOrDefault(unitNumber) + 1;
            _ownerSequence[unitNumber] = next;
            return next;
        }

        private int NextUnitTypeSequence(int unitNumber, DeviceType type)
        {
            var next = _unitTypeSequence.GetValueOrDefault((unitNumber, type)) + 1;
            _unitTypeSequence[(unitNumber, type)] = next;
            return next;
        }

        /// <summary>Next code for the owner's centre and the type; the serial is unique within centre + type.</summary>
        private string NextGbCode(int unitNumber, string industry, string typeCode)
        {
            var centre = Invariant($"{DemoCatalog.DistrictCode}{unitNumber:D2}");
            var key = centre + typeCode;
            var serial = _serials.GetValueOrDefault(key) + 1;
            _serials[key] = serial;
            return GbCode.Create(centre, industry, typeCode, 0, serial);
        }

        private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Fills the device file beyond the fields the name and position come from (access, location, management,
    /// networking level) from its own random source, so the earlier fields stay those of the foundation's district.
    /// </summary>
    private sealed class DetailBuilder(Random random)
    {
        private static readonly string[] Maintainers = ["上海青浦智能安防工程有限公司", "上海城视信息技术有限公司", "中国电信股份有限公司上海青浦分公司", "中国移动通信集团上海有限公司青浦分公司"];

        public DemoDevice Complete(DemoDevice demo)
        {
            var device = demo.Device;
            var parts = GbCode.Parse(device.GbCode);
            var installed = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 11 * 365));
            var name = device.Name;
            var road = device.Road;
            var crossing = road is not null && name.IndexOf("路口", StringComparison.Ordinal) is var end and > 0 && name.IndexOf(road, StringComparison.Ordinal) is var start and >= 0 && start + road.Length < end
                ? name[(start + road.Length)..end]
                : null;
            var r = random.NextDouble();
            return demo with
            {
                Device = device with
                {
                    FunctionType = parts.IndustryCode switch
                    {
                        "05" => "1",
                        "04" => "6",
                        _ => device.Type switch
                        {
                            DeviceType.SmartBullet => r < 0.4 ? "4" : r < 0.6 ? "2" : "5",
                            DeviceType.Drone or DeviceType.WirelessEmergency or DeviceType.VehicleMounted => "9",
                            // About 3 % of the file is incomplete, as in any real ledger (the data audit finds them).
                            _ => r < 0.03 ? null : "5",
                        },
                    },
                    VideoSignalType = "1",
                    Port = 5060,
                    SipDomain = device.GbCode[..10],
                    ParentPlatform = GbCode.Create(parts.CentreCode, "00", "200", 0, 1),
                    Crossing = crossing,
                    Direction = DemoCatalog.Directions.FirstOrDefault(d => name.Contains(d, StringComparison.Ordinal)),
                    Maintainer = random.NextDouble() < 0.92 ? Maintainers[random.Next(Maintainers.Length)] : null,
                    MaintainerContact = Invariant($"021-5970{random.Next(0, 10000):D4}"),
                    InstalledOn = random.NextDouble() < 0.95 ? installed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                    ConstructionProject = installed.Year switch
                    {
                        < 2017 => "青浦区雪亮工程一期",
                        < 2019 => "青浦区雪亮工程二期",
                        < 2022 => "青浦区智能安防社区建设",
                        _ => "青浦区城市之眼建设",
                    },
                    NetworkingLevel = device.Type switch
                    {
                        DeviceType.HighPoint => random.NextDouble() < 0.4 ? "ministry" : "province",
                        _ when parts.IndustryCode == "05" => random.NextDouble() < 0.5 ? "province" : "city",
                        DeviceType.SmartBullet => random.NextDouble() < 0.05 ? "ministry" : random.NextDouble() < 0.6 ? "city" : "none",
                        _ => random.NextDouble() < 0.4 ? "city" : "none",
                    },
                },
            };
        }

        private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>True inside the approximate Dianshan Lake shore (no cameras stand in the lake).</summary>
    internal static bool IsInDianshanLake(double longitude, double latitude) =>
        QingpuBoundary.RingContains(DemoCatalog.DianshanLake, longitude, latitude);
}

using CityEye.Core.Domain;
using CityEye.Core.Geo;

namespace CityEye.Core.Demo;

/// <summary>A police station's patch: its town or subdistrict, an approximate centre and local road names.</summary>
/// <param name="Region">Town or subdistrict (行政区划) the station serves.</param>
/// <param name="StationName">Station name.</param>
/// <param name="UnitNumber">Grassroots unit digits (GB/T 28181 digits 7-8) of the station.</param>
/// <param name="Centre">Approximate town centre (WGS-84), checked to lie inside the district outline.</param>
/// <param name="Weight">Relative share of the district's fixed cameras.</param>
/// <param name="Roads">Road names used for device names and addresses.</param>
/// <param name="Landmarks">Local landmarks (metro stations, sights, public buildings).</param>
internal sealed record DemoTown(
    string Region,
    string StationName,
    int UnitNumber,
    GeoPoint Centre,
    double Weight,
    IReadOnlyList<string> Roads,
    IReadOnlyList<string> Landmarks);

/// <summary>A district-wide unit of the bureau.</summary>
internal sealed record DemoUnit(string Name, string ShortName, int UnitNumber, OrganisationKind Kind, GeoPoint Base);

/// <summary>A camera model offered for a device type, with its relative market share in the district.</summary>
internal sealed record DemoCameraModel(DeviceType Type, string Manufacturer, string Model, string Resolution, int Weight);

/// <summary>Static reference data of the demo district (names, approximate coordinates, models).</summary>
internal static class DemoCatalog
{
    public const string DistrictCode = "310118";

    public const string BureauName = "上海市公安局青浦分局";

    public static readonly IReadOnlyList<DemoTown> Towns =
    [
        new("夏阳街道", "夏阳派出所", 1, new(121.095, 31.140), 12,
            ["淀山湖大道", "崧泽大道", "外青松公路", "盈港东路", "华浦路", "华乐路", "新府中路", "青安路", "秀源路", "公园东路", "胜利路"],
            ["青浦新城站", "汇金路站", "区政府", "夏阳湖", "青浦图书馆", "新城一站大型社区"]),
        new("盈浦街道", "盈浦派出所", 2, new(121.118, 31.158), 11,
            ["城中北路", "城中东路", "城中南路", "城中西路", "公园路", "胜利路", "盈港路", "青松路", "五厍浜路", "青湖路", "双浜路", "漕盈路"],
            ["曲水园", "区中心医院", "漕盈路站", "青浦客运站", "万寿塔", "青浦体育馆"]),
        new("香花桥街道", "香花桥派出所", 3, new(121.120, 31.195), 8,
            ["外青松公路", "北青公路", "崧泽大道", "新达路", "久业路", "天一路", "香大路", "民兴路", "华青路", "沪常路"],
            ["香花桥社区中心", "大盈集镇", "天一工业区", "香花桥农贸市场"]),
        new("朱家角镇", "朱家角派出所", 4, new(121.053, 31.108), 10,
            ["沪青平公路", "淀山湖大道", "祥凝浜路", "珠湖路", "课植园路", "新风路", "朱枫公路", "沈太路", "康业路", "复兴路", "环湖路"],
            ["放生桥", "课植园", "东方绿舟", "朱家角站", "淀山湖大道站", "古镇游客中心", "城隍庙"]),
        new("练塘镇", "练塘派出所", 5, new(121.045, 31.015), 5,
            ["练西公路", "朱枫公路", "章练塘路", "练东路", "泖甸路", "东厍路", "蒸俞路", "练塘大道"],
            ["陈云纪念馆", "练塘古镇", "茭白交易市场", "练塘镇政府"]),
        new("金泽镇", "金泽派出所", 6, new(120.920, 31.040), 5,
            ["沪青平公路", "金商公路", "练西公路", "金溪路", "莲湖路", "西岑路", "商榻路", "北胜浦路"],
            ["金泽古镇", "颐浩寺", "商榻集镇", "西岑集镇", "研发中心北门"]),
        new("赵巷镇", "赵巷派出所", 7, new(121.190, 31.160), 8,
            ["嘉松中路", "青赵公路", "崧泽大道", "盈港东路", "沪青平公路", "业辉路", "赵重公路", "方夏路", "业绣路", "沪常路"],
            ["赵巷站", "嘉松中路站", "奥特莱斯", "赵巷体育公园", "赵巷镇政府"]),
        new("徐泾镇", "徐泾派出所", 8, new(121.265, 31.180), 12,
            ["诸光路", "徐泾北大道", "崧泽大道", "盈港东路", "沪青平公路", "徐民路", "明珠路", "徐乐路", "龙联路", "双联路", "高泾路", "华徐公路"],
            ["徐泾北城站", "徐盈路站", "徐泾东站", "徐泾镇政府", "徐泾中学"]),
        new("华新镇", "华新派出所", 9, new(121.225, 31.235), 8,
            ["华徐公路", "北青公路", "新凤中路", "华志路", "华腾路", "嘉松北路", "沪常路", "纪鹤公路", "新府路"],
            ["华新镇政府", "凤溪集镇", "华新工业园区", "华新社区中心"]),
        new("重固镇", "重固派出所", 10, new(121.160, 31.205), 4,
            ["北青公路", "外青松公路", "赵重公路", "章堰路", "福泉山路", "重固大街", "中盈路", "回龙路"],
            ["福泉山遗址", "重固老街", "重固镇政府"]),
        new("白鹤镇", "白鹤派出所", 11, new(121.135, 31.255), 5,
            ["外青松公路", "鹤祥路", "鹤吉路", "赵屯路", "沪常路", "纪鹤公路", "白鹤大街", "青昆路"],
            ["白鹤镇政府", "赵屯集镇", "草莓基地", "白鹤社区中心"]),
        new("香花桥街道", "青浦工业园区派出所", 12, new(121.150, 31.180), 5,
            ["漕盈路", "崧华路", "天辰路", "久远路", "新团路", "汇金路", "崧泽大道", "民惠路"],
            ["工业园区管委会", "物流园区", "综合保税区卡口"]),
        new("徐泾镇", "西虹桥派出所", 13, new(121.300, 31.195), 7,
            ["诸光路", "崧泽大道", "徐泾北大道", "蟠龙路", "华徐公路", "徐盈路", "联民路", "涞港路", "诸陆西路"],
            ["国家会展中心", "诸光路站", "蟠龙路站", "蟠龙天地", "西虹桥商务区"]),
    ];

    public static readonly DemoUnit Traffic = new("青浦分局交通警察支队", "交警支队", 20, OrganisationKind.Traffic, new(121.108, 31.147));

    public static readonly DemoUnit CommandCentre = new("指挥中心", "指挥中心", 21, OrganisationKind.Unit, new(121.117, 31.151));

    public static readonly DemoUnit CriminalInvestigation = new("刑侦支队", "刑侦支队", 22, OrganisationKind.Unit, new(121.114, 31.153));

    public static readonly DemoUnit PatrolSpecial = new("巡特警支队", "巡特警支队", 23, OrganisationKind.Unit, new(121.102, 31.156));

    public static readonly DemoUnit Fire = new("青浦区消防救援支队", "消防救援支队", 30, OrganisationKind.Fire, new(121.106, 31.164));

    public static readonly IReadOnlyList<DemoUnit> Units = [Traffic, CommandCentre, CriminalInvestigation, PatrolSpecial, Fire];

    /// <summary>Common landmarks found in every town.</summary>
    public static readonly IReadOnlyList<string> CommonLandmarks =
    [
        "小区南门", "小区北门", "菜市场", "公交站", "中学门口", "小学门口", "幼儿园门口", "社区卫生服务中心",
        "农贸市场", "加油站", "超市门口", "银行网点", "村委会", "桥堍", "商业广场", "停车场出入口", "工业区门口",
        "河道码头", "医院门口", "便利店",
    ];

    /// <summary>Directions used in camera names (the direction the camera looks or the corner it stands on).</summary>
    public static readonly IReadOnlyList<string> Directions = ["东向", "南向", "西向", "北向", "东北角", "东南角", "西北角", "西南角"];

    /// <summary>
    /// Approximate shore of Dianshan Lake (淀山湖) inside the district (the ECharts outline shows it as land).
    /// </summary>
    public static readonly GeoPoint[] DianshanLake =
    [
        new(120.915, 31.136), new(120.950, 31.134), new(120.985, 31.130), new(120.998, 31.115), new(121.003, 31.095),
        new(120.993, 31.075), new(120.973, 31.060), new(120.955, 31.056), new(120.940, 31.066), new(120.925, 31.086),
        new(120.915, 31.112), new(120.915, 31.136),
    ];

    /// <summary>Camera models by type, weighted by an assumed district market share.</summary>
    public static readonly IReadOnlyList<DemoCameraModel> Models =
    [
        new(DeviceType.SmartBullet, "海康威视", "iDS-2CD7A46G0/P-IZHSY", "2560x1440", 30),
        new(DeviceType.SmartBullet, "海康威视", "iDS-2CD7A87EWD-XZS", "3840x2160", 12),
        new(DeviceType.SmartBullet, "大华", "DH-IPC-HFW8449K-Z-LED", "2560x1440", 15),
        new(DeviceType.SmartBullet, "大华", "DH-IPC-HFW8849K-Z-LED", "3840x2160", 6),
        new(DeviceType.SmartBullet, "宇视", "IPC2A4L-X33DUP-DT", "2560x1440", 10),
        new(DeviceType.SmartBullet, "华为", "X2241-10-HLI", "2560x1440", 12),
        new(DeviceType.SmartBullet, "华为", "X2281-10-HLI", "3840x2160", 5),
        new(DeviceType.SmartBullet, "天地伟业", "TC-C34KS-I5W", "2560x1440", 5),
        new(DeviceType.HdBullet, "海康威视", "DS-2CD3T26WDV3-I3", "1920x1080", 25),
        new(DeviceType.HdBullet, "海康威视", "DS-2CD3T46WDV3-I3", "2560x1440", 15),
        new(DeviceType.HdBullet, "大华", "DH-IPC-HFW4233M-I2", "1920x1080", 15),
        new(DeviceType.HdBullet, "大华", "DH-IPC-HFW4443M-I2", "2560x1440", 8),
        new(DeviceType.HdBullet, "宇视", "IPC2122LB-SF40-A", "1920x1080", 10),
        new(DeviceType.HdBullet, "华为", "C2120-10-SIU", "1920x1080", 6),
        new(DeviceType.HdBullet, "天地伟业", "TC-NC9401S3E-2MP-I3", "1920x1080", 6),
        new(DeviceType.HdDome, "海康威视", "DS-2DC4223IW-D", "1920x1080", 25),
        new(DeviceType.HdDome, "海康威视", "iDS-2DE7423MW-A", "2560x1440", 10),
        new(DeviceType.HdDome, "大华", "DH-SD6C82FB-GN", "1920x1080", 15),
        new(DeviceType.HdDome, "大华", "DH-SD6C84E-GN-X", "2560x1440", 6),
        new(DeviceType.HdDome, "宇视", "IPC6622SR-X33-VF", "1920x1080", 10),
        new(DeviceType.HdDome, "华为", "M6721-10-Z40-E2", "1920x1080", 6),
        new(DeviceType.HdDome, "天地伟业", "TC-H358S-30X", "1920x1080", 5),
        new(DeviceType.HighPoint, "海康威视", "iDS-2VS435-F840-EY", "3840x2160", 4),
        new(DeviceType.HighPoint, "海康威视", "DS-2DY9240IX-A", "2560x1440", 3),
        new(DeviceType.HighPoint, "大华", "DH-PTZ12440-GN-P", "2560x1440", 2),
        new(DeviceType.HighPoint, "宇视", "IPC6858SR-X38UP", "3840x2160", 1),
        new(DeviceType.Drone, "大疆", "Matrice 30T", "3840x2160", 3),
        new(DeviceType.Drone, "大疆", "Matrice 350 RTK", "3840x2160", 2),
        new(DeviceType.Drone, "大疆", "Mavic 3E", "3840x2160", 1),
        new(DeviceType.WirelessEmergency, "海康威视", "DS-2DY5223IW-DM(4G)", "1920x1080", 3),
        new(DeviceType.WirelessEmergency, "大华", "DH-SD5A223XB-HNR-4G", "1920x1080", 2),
        new(DeviceType.WirelessEmergency, "宇视", "IPC6A22-4G-IR", "1920x1080", 1),
        new(DeviceType.VehicleMounted, "海康威视", "AE-VC211T-ITS", "1920x1080", 4),
        new(DeviceType.VehicleMounted, "大华", "DH-IPC-MW1230DN", "1920x1080", 3),
        new(DeviceType.VehicleMounted, "锐明", "MA-C2010", "1920x1080", 2),
    ];

    /// <summary>Label appended to device names (e.g. "_智能枪机").</summary>
    public static string TypeLabel(DeviceType type) => type switch
    {
        DeviceType.SmartBullet => "智能枪机",
        DeviceType.HdBullet => "高清枪机",
        DeviceType.HdDome => "高清球机",
        DeviceType.HighPoint => "高点监控",
        DeviceType.Drone => "无人机",
        DeviceType.WirelessEmergency => "无线应急",
        DeviceType.VehicleMounted => "车载视频",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown device type."),
    };

    /// <summary>12-digit organisation code: district code + unit digits + "0000" (the bureau is unit 00).</summary>
    public static string OrganisationCode(int unitNumber) => $"{DistrictCode}{unitNumber:D2}0000";
}

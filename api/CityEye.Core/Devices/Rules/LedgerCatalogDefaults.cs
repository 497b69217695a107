namespace CityEye.Core.Devices.Rules;

/// <summary>A dictionary entry: a code, its label (zh-CN) and English label.</summary>
public sealed record DictionaryItem
{
    public required string Dictionary { get; init; }

    public required string Code { get; init; }

    public required string Label { get; init; }

    public string? LabelEn { get; init; }

    public int Sort { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary><c>builtin</c>, or the import that added it.</summary>
    public string Source { get; init; } = "builtin";
}

/// <summary>
/// The dictionaries and rules a new node starts with. They are written once (missing ones only) and are data from
/// then on: administrators edit rules, city dictionary imports add values.
/// </summary>
public static class LedgerCatalogDefaults
{
    public static IReadOnlyList<DictionaryItem> Dictionaries { get; } =
    [
        .. D("deviceType", ("SmartBullet", "智能枪机", "Smart bullet"), ("HdBullet", "高清枪机", "HD bullet"), ("HdDome", "高清球机", "HD dome"),
            ("HighPoint", "高点监控", "High point"), ("Drone", "无人机", "Drone"), ("WirelessEmergency", "无线应急布控球", "Wireless emergency"),
            ("VehicleMounted", "车载视频", "Vehicle mounted")),
        .. D("deviceStatus", ("Online", "在线", "Online"), ("Offline", "离线", "Offline"), ("Fault", "故障", "Fault")),
        .. D("functionType", ("1", "车辆卡口", "Vehicle checkpoint"), ("2", "人员卡口", "Person checkpoint"), ("3", "微卡口", "Micro checkpoint"),
            ("4", "特征采集", "Feature capture"), ("5", "普通治安", "Public order"), ("6", "交通监控", "Traffic"), ("9", "其他", "Other")),
        .. D("videoSignalType", ("1", "数字", "Digital"), ("2", "模拟", "Analogue")),
        .. D("direction", ("东向", "东向", "Facing east"), ("南向", "南向", "Facing south"), ("西向", "西向", "Facing west"), ("北向", "北向", "Facing north"),
            ("东北角", "东北角", "North-east corner"), ("东南角", "东南角", "South-east corner"), ("西北角", "西北角", "North-west corner"), ("西南角", "西南角", "South-west corner")),
        .. D("networkingLevel", ("none", "未联网", "Not networked"), ("city", "市级联网", "City"), ("province", "省级联网", "Province"), ("ministry", "部级联网", "Ministry")),
        .. D("manufacturer", ("海康威视", "海康威视", "Hikvision"), ("大华", "大华", "Dahua"), ("宇视", "宇视", "Uniview"), ("华为", "华为", "Huawei"),
            ("天地伟业", "天地伟业", "Tiandy"), ("大疆", "大疆", "DJI"), ("锐明", "锐明", "Streamax"), ("科达", "科达", "Kedacom")),
        .. D("region", ("夏阳街道", "夏阳街道", "Xiayang"), ("盈浦街道", "盈浦街道", "Yingpu"), ("香花桥街道", "香花桥街道", "Xianghuaqiao"),
            ("朱家角镇", "朱家角镇", "Zhujiajiao"), ("练塘镇", "练塘镇", "Liantang"), ("金泽镇", "金泽镇", "Jinze"), ("赵巷镇", "赵巷镇", "Zhaoxiang"),
            ("徐泾镇", "徐泾镇", "Xujing"), ("华新镇", "华新镇", "Huaxin"), ("重固镇", "重固镇", "Chonggu"), ("白鹤镇", "白鹤镇", "Baihe")),
    ];

    /// <summary>
    /// Extended fields every node starts with (kept in the device's attributes, not in columns): the stream URL a
    /// device's live video is relayed from when it is not simulated or taken from the PVG.
    /// </summary>
    public static IReadOnlyList<FieldDefinition> Fields { get; } =
    [
        new() { Key = "streamUrl", Label = "视频流地址", LabelEn = "Stream URL", Section = DeviceSections.Access, DataType = FieldDataTypes.Text, Sort = 195, Source = "video" },
    ];

    public static IReadOnlyList<FieldRule> Rules { get; } =
    [
        R("gbCode.required", "gbCode", RuleKinds.Required, RuleCategories.Completeness, true, "国标编码必填"),
        R("gbCode.format", "gbCode", RuleKinds.GbCode, RuleCategories.Compliance, true, "国标编码须为有效的 20 位 GB/T 28181 编码"),
        R("gbCode.unique", "gbCode", RuleKinds.Unique, RuleCategories.Uniqueness, true, "国标编码全局唯一", """{"fields":["gbCode"]}"""),
        R("gbCode.typeMatchesDeviceType", "gbCode", RuleKinds.GbTypeMatchesDeviceType, RuleCategories.Accuracy, true, "国标编码第 11-13 位类型码须与设备类型一致",
            """{"types":{"SmartBullet":["132"],"HighPoint":["131","132"],"HdBullet":["131","132"],"HdDome":["131","132"],"Drone":["131","132"],"WirelessEmergency":["131","132"],"VehicleMounted":["131","132"]}}"""),
        R("name.required", "name", RuleKinds.Required, RuleCategories.Completeness, true, "设备名称必填"),
        R("name.length", "name", RuleKinds.Length, RuleCategories.Compliance, true, "设备名称不超过 128 字", """{"max":128}"""),
        R("keyboardCode.required", "keyboardCode", RuleKinds.Required, RuleCategories.Completeness, true, "键盘码必填"),
        R("keyboardCode.format", "keyboardCode", RuleKinds.Pattern, RuleCategories.Compliance, true, "键盘码为 1-16 位数字", """{"pattern":"^[0-9]{1,16}$"}"""),
        R("keyboardCode.unique", "keyboardCode", RuleKinds.Unique, RuleCategories.Uniqueness, true, "键盘码全局唯一", """{"fields":["keyboardCode"]}"""),
        R("type.required", "type", RuleKinds.Required, RuleCategories.Completeness, true, "设备类型必填"),
        R("type.dictionary", "type", RuleKinds.Dictionary, RuleCategories.Compliance, true, "设备类型取自字典", """{"dictionary":"deviceType"}"""),
        R("status.required", "status", RuleKinds.Required, RuleCategories.Completeness, true, "设备状态必填"),
        R("status.dictionary", "status", RuleKinds.Dictionary, RuleCategories.Compliance, true, "设备状态取自字典", """{"dictionary":"deviceStatus"}"""),
        R("organisationId.required", "organisationId", RuleKinds.Required, RuleCategories.Completeness, true, "管辖单位必填"),
        R("region.required", "region", RuleKinds.Required, RuleCategories.Completeness, true, "行政区划必填"),
        R("region.dictionary", "region", RuleKinds.Dictionary, RuleCategories.Compliance, true, "行政区划取自字典", """{"dictionary":"region"}"""),
        R("functionType.required", "functionType", RuleKinds.Required, RuleCategories.Completeness, false, "功能类型应填写（数据审计）"),
        R("functionType.dictionary", "functionType", RuleKinds.Dictionary, RuleCategories.Compliance, true, "功能类型取自字典", """{"dictionary":"functionType"}"""),
        R("videoSignalType.dictionary", "videoSignalType", RuleKinds.Dictionary, RuleCategories.Compliance, true, "视频信号类型取自字典", """{"dictionary":"videoSignalType"}"""),
        R("resolution.required", "resolution", RuleKinds.Required, RuleCategories.Completeness, true, "分辨率必填"),
        R("resolution.format", "resolution", RuleKinds.Pattern, RuleCategories.Compliance, true, "分辨率形如 1920x1080", """{"pattern":"^[0-9]{3,5}x[0-9]{3,5}$"}"""),
        R("manufacturer.required", "manufacturer", RuleKinds.Required, RuleCategories.Completeness, true, "厂商必填"),
        R("manufacturer.dictionary", "manufacturer", RuleKinds.Dictionary, RuleCategories.Compliance, false, "厂商取自字典（数据审计）", """{"dictionary":"manufacturer"}"""),
        R("model.required", "model", RuleKinds.Required, RuleCategories.Completeness, true, "型号必填"),
        R("longitude.required", "longitude", RuleKinds.Required, RuleCategories.Completeness, true, "经度必填"),
        R("latitude.required", "latitude", RuleKinds.Required, RuleCategories.Completeness, true, "纬度必填"),
        R("longitude.range", "longitude", RuleKinds.Range, RuleCategories.Compliance, true, "经度在中国范围内", """{"min":73,"max":136}"""),
        R("latitude.range", "latitude", RuleKinds.Range, RuleCategories.Compliance, true, "纬度在中国范围内", """{"min":3,"max":54}"""),
        R("location.inDistrict", "location", RuleKinds.InDistrict, RuleCategories.Accuracy, true, "坐标位于青浦区行政边界内"),
        R("ipAddress.required", "ipAddress", RuleKinds.Required, RuleCategories.Completeness, true, "IP 地址必填"),
        R("ipAddress.format", "ipAddress", RuleKinds.IpAddress, RuleCategories.Compliance, true, "IP 地址格式正确"),
        R("ipAddress.port.unique", "ipAddress", RuleKinds.Unique, RuleCategories.Uniqueness, true, "IP 地址与端口组合唯一", """{"fields":["ipAddress","port"]}"""),
        R("port.range", "port", RuleKinds.Range, RuleCategories.Compliance, true, "端口 1-65535", """{"min":1,"max":65535}"""),
        R("sipDomain.format", "sipDomain", RuleKinds.Pattern, RuleCategories.Compliance, true, "SIP 域为 10 位数字", """{"pattern":"^[0-9]{10}$"}"""),
        R("parentPlatform.format", "parentPlatform", RuleKinds.GbCode, RuleCategories.Compliance, true, "上级平台编码为有效国标编码"),
        R("address.length", "address", RuleKinds.Length, RuleCategories.Compliance, true, "安装地址不超过 256 字", """{"max":256}"""),
        R("address.required", "address", RuleKinds.Required, RuleCategories.Completeness, false, "安装地址应填写（数据审计）"),
        R("direction.dictionary", "direction", RuleKinds.Dictionary, RuleCategories.Compliance, true, "监视方向取自字典", """{"dictionary":"direction"}"""),
        R("maintainer.required", "maintainer", RuleKinds.Required, RuleCategories.Completeness, false, "维护单位应填写（数据审计）"),
        R("maintainerContact.format", "maintainerContact", RuleKinds.Pattern, RuleCategories.Compliance, true, "维护电话为 7-20 位电话号码", """{"pattern":"^[0-9+() -]{7,20}$"}"""),
        R("installedOn.format", "installedOn", RuleKinds.Date, RuleCategories.Compliance, true, "安装日期形如 2024-05-01，不晚于今天"),
        R("installedOn.required", "installedOn", RuleKinds.Required, RuleCategories.Completeness, false, "安装日期应填写（数据审计）"),
        R("streamUrl.format", "streamUrl", RuleKinds.Pattern, RuleCategories.Compliance, true, "视频流地址为 rtsp、rtsps、rtmp、http 或 https 地址",
            """{"pattern":"^(rtsp|rtsps|rtmp|http|https)://[^\\s/?#@]+(@[^\\s/?#]+)?([/?#]\\S*)?$"}"""),
        R("streamUrl.length", "streamUrl", RuleKinds.Length, RuleCategories.Compliance, true, "视频流地址不超过 1000 字", """{"max":1000}"""),
        R("networkingLevel.dictionary", "networkingLevel", RuleKinds.Dictionary, RuleCategories.Compliance, true, "联网级别取自字典", """{"dictionary":"networkingLevel"}"""),
    ];

    private static IEnumerable<DictionaryItem> D(string dictionary, params (string Code, string Label, string LabelEn)[] items) =>
        items.Select((item, i) => new DictionaryItem { Dictionary = dictionary, Code = item.Code, Label = item.Label, LabelEn = item.LabelEn, Sort = (i + 1) * 10 });

    private static FieldRule R(string id, string field, string kind, string category, bool blocking, string description, string? parameters = null) => new()
    {
        Id = id,
        Field = field,
        Kind = kind,
        Category = category,
        Blocking = blocking,
        Description = description,
        Parameters = parameters,
    };
}

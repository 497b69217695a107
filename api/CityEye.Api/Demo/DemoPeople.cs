using System.Globalization;
using CityEye.Core.Captures;

namespace CityEye.Api.Demo;

/// <summary>
/// Fictitious identities for the demo person library and vehicle registry: Chinese names, resident ID numbers of
/// Qingpu (region 310118) with a valid GB 11643 check digit, mobile numbers and Qingpu addresses. Deterministic per
/// random source; no real person's data.
/// </summary>
internal static class DemoPeople
{
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    private static readonly string[] GivenParts = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "辉", "鑫", "宇", "浩", "晨", "欣", "怡", "佳", "俊", "婷", "雪", "琳", "颖"];
    private static readonly string[] Towns = ["夏阳街道", "盈浦街道", "香花桥街道", "赵巷镇", "徐泾镇", "华新镇", "重固镇", "白鹤镇", "朱家角镇", "练塘镇", "金泽镇"];
    private static readonly string[] Roads = ["公园路", "城中东路", "外青松公路", "盈港东路", "崧泽大道", "华青路", "沪青平公路", "青赵公路", "淀山湖大道", "漕盈路", "业辉路", "徐乐路"];
    private static readonly string[] Relations = ["配偶", "子女", "父母", "兄弟姐妹", "常用驾驶人"];
    private static readonly string[] Brands = ["大众", "丰田", "本田", "别克", "比亚迪", "特斯拉", "吉利", "奔驰", "宝马", "奥迪", "日产", "长安", "五菱", "理想", "蔚来"];

    public static string Name(Random random) =>
        Surnames[random.Next(Surnames.Length)] + GivenParts[random.Next(GivenParts.Length)] + (random.Next(3) == 0 ? string.Empty : GivenParts[random.Next(GivenParts.Length)]);

    public static string Brand(Random random) => Brands[random.Next(Brands.Length)];

    /// <summary>An 18-digit resident ID number of Qingpu for a birth date, with the check digit of GB 11643-1999.</summary>
    public static string IdNumber(Random random, DateOnly birth, bool male)
    {
        var sequence = random.Next(0, 50) * 2 + (male ? 1 : 0);
        var body = string.Create(CultureInfo.InvariantCulture, $"310118{birth:yyyyMMdd}{random.Next(0, 10)}{sequence:00}");
        return body + CheckDigit(body);
    }

    /// <summary>The GB 11643 check character of the first 17 digits.</summary>
    public static char CheckDigit(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * weights[i];
        }

        return "10X98765432"[sum % 11];
    }

    public static DateOnly Birth(Random random) => new DateOnly(1955, 1, 1).AddDays(random.Next(0, 365 * 50));

    public static string Phone(Random random) => string.Create(CultureInfo.InvariantCulture, $"1{"3578"[random.Next(4)]}{random.Next(0, 10)}{random.Next(0, 100_000_000):00000000}");

    public static string Address(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"上海市青浦区{Towns[random.Next(Towns.Length)]}{Roads[random.Next(Roads.Length)]}{random.Next(1, 2000)}弄{random.Next(1, 60)}号");

    public static IReadOnlyList<RelatedPerson> Related(Random random)
    {
        var count = random.Next(0, 3);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var male = random.Next(2) == 0;
            return new RelatedPerson(Name(random), IdNumber(random, Birth(random), male), Relations[random.Next(Relations.Length)], Phone(random));
        })];
    }
}

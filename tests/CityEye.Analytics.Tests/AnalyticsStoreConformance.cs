using System.Text;
using CityEye.Analytics.ClickHouse;
using CityEye.Analytics.DuckDb;

namespace CityEye.Analytics.Tests;

/// <summary>
/// What every <see cref="IAnalyticsStore"/> provider must do, against a real engine: DuckDB always, ClickHouse when
/// <c>CITYEYE_TEST_CLICKHOUSE</c> names a server (<c>./test.sh</c> starts a throw-away one).
/// </summary>
public abstract partial class AnalyticsStoreConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    protected IAnalyticsStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(TestContext.Current.CancellationToken);
        await Store.MigrateAsync(TestContext.Current.CancellationToken); // idempotent
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Store.DisposeAsync();
    }

    protected abstract Task<IAnalyticsStore> CreateStoreAsync();

    /// <summary>Six days of entries: three users, two units, three modules, every 30 minutes.</summary>
    internal static List<LogEntry> Entries()
    {
        var entries = new List<LogEntry>();
        string[] users = ["zhang", "li", "wang"];
        string[] modules = ["devices", "search", "archive"];
        for (var i = 0; i < 6 * 48; i++)
        {
            var user = users[i % 3];
            entries.Add(new LogEntry
            {
                Sequence = i + 1,
                At = Start.AddMinutes(30 * i),
                Kind = i % 10 == 0 ? LogKinds.ServiceCall : LogKinds.Operation,
                UserId = (i % 3) + 1,
                Username = user,
                OrganisationId = user == "wang" ? 20 : 10,
                OrganisationName = user == "wang" ? "夏阳派出所" : "青浦分局",
                ClientIp = $"10.0.0.{(i % 3) + 1}",
                Module = modules[i % 3 == 0 ? 0 : i % 2 == 0 ? 1 : 2],
                Operation = i % 7 == 0 ? "export" : "view",
                DataType = "device",
                DeviceCode = $"310118010013200{i % 100:D5}",
                DeviceName = i % 5 == 0 ? "盈港东路华青路口_智能枪机" : "朱家角镇放生桥_高清球机",
                SystemName = i % 10 == 0 ? "市局级联" : string.Empty,
                Method = "GET",
                Path = $"/api/devices/{i}",
                Status = i % 13 == 0 ? 403 : 200,
                DurationMs = i % 50,
                Detail = i == 42 ? "O'Brien said \"hi\" \\ 100% _ 盈港" : string.Empty,
                Hash = $"{i:x64}",
                UserDisplayName = user == "li" ? "李警官" : string.Empty,
                CommissioningUnit = i % 10 == 0 ? "市局科信处" : string.Empty,
            });
        }

        return entries;
    }

    [Fact]
    public async Task Append_StoresEveryFieldOnce_AndABatchSentTwiceIsStoredOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        Assert.Equal(0, await Store.MaxSequenceAsync(ct));
        Assert.Equal(100, await Store.AppendAsync(entries[..100], ct));
        Assert.Equal(0, await Store.AppendAsync(entries[..100], ct));
        Assert.Equal(entries.Count - 100, await Store.AppendAsync(entries, ct)); // overlapping batch: only the new part
        Assert.Equal(entries.Count, await Store.MaxSequenceAsync(ct));

        var stored = await Store.ReadAfterAsync(41, 2, ct);
        Assert.Equal([42L, 43], stored.Select(e => e.Sequence));
        Assert.Equal(entries[41], stored[0]);
        Assert.Equal(entries.Count, (await Store.DescribeAsync(ct)).Entries);
    }

    [Fact]
    public async Task Search_FiltersByEveryField_NewestFirst_WithPaging()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        await Store.AppendAsync(entries, ct);

        // A user and a two-day range (the common search).
        var query = new LogQuery { Username = "li", From = Start.AddDays(2), To = Start.AddDays(4), Limit = 10 };
        var expected = entries.Where(e => e.Username == "li" && e.At >= query.From && e.At < query.To).OrderByDescending(e => e.At).ToList();
        var page = await Store.SearchAsync(query, ct);
        Assert.Equal(expected.Count, page.Total);
        Assert.Equal(expected.Take(10).Select(e => e.Sequence), page.Items.Select(e => e.Sequence));
        var second = await Store.SearchAsync(query with { Offset = 10 }, ct);
        Assert.Equal(expected.Skip(10).Take(10).Select(e => e.Sequence), second.Items.Select(e => e.Sequence));

        Assert.Equal(entries.Count(e => e.Kind == LogKinds.ServiceCall && e.SystemName == "市局级联"), (await Store.SearchAsync(new LogQuery { Kind = LogKinds.ServiceCall, SystemName = "市局级联" }, ct)).Total);
        Assert.Equal(entries.Count(e => e.OrganisationId == 20 && e.Module == "devices" && e.Operation == "export"), (await Store.SearchAsync(new LogQuery { OrganisationId = 20, Module = "devices", Operation = "export" }, ct)).Total);
        Assert.Equal(entries.Count(e => e.Status == 403 && e.ClientIp == "10.0.0.2"), (await Store.SearchAsync(new LogQuery { Status = 403, ClientIp = "10.0.0.2" }, ct)).Total);
        Assert.Equal(entries.Count(e => e.DeviceCode == "31011801001320000007"), (await Store.SearchAsync(new LogQuery { DeviceCode = "31011801001320000007", DataType = "device" }, ct)).Total);
        Assert.Equal(entries.Count(e => (e.Path + e.Detail + e.DeviceName).Contains("盈港", StringComparison.Ordinal)), (await Store.SearchAsync(new LogQuery { Text = "盈港" }, ct)).Total);
        Assert.Equal(entries.Count, (await Store.SearchAsync(new LogQuery { Text = "/API/DEVICES/" }, ct)).Total); // case-insensitive
    }

    [Theory]
    [InlineData("O'Brien said \"hi\" \\ 100% _")]
    [InlineData("' OR 1=1 --")]
    [InlineData("\\' OR '1'='1")]
    [InlineData("'); DROP TABLE log_entries; --")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\0\n\t\r")]
    public async Task Search_HostileStrings_AreValuesNeverSql(string hostile)
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        await Store.AppendAsync(entries, ct);

        var expected = entries.Count(e => (e.Path + "\u0001" + e.Detail + "\u0001" + e.DeviceName).Contains(hostile, StringComparison.OrdinalIgnoreCase) && !hostile.Contains('\u0001', StringComparison.Ordinal));
        Assert.Equal(expected, (await Store.SearchAsync(new LogQuery { Text = hostile }, ct)).Total);
        Assert.Equal(0, (await Store.SearchAsync(new LogQuery { Username = hostile }, ct)).Total);
        Assert.Equal(entries.Count, (await Store.DescribeAsync(ct)).Entries); // nothing was dropped or changed
    }

    [Fact]
    public async Task Count_PerDayUnitAndModule_MatchesTheEntries()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        await Store.AppendAsync(entries, ct);
        var from = DateOnly.FromDateTime(Start.AddDays(1).UtcDateTime);
        var until = DateOnly.FromDateTime(Start.AddDays(3).UtcDateTime);

        var counts = await Store.CountByDayUnitModuleAsync(from, until, LogKinds.Operation, ct);
        var expected = entries.Where(e => e.Kind == LogKinds.Operation && DateOnly.FromDateTime(e.At.UtcDateTime) >= from && DateOnly.FromDateTime(e.At.UtcDateTime) < until)
            .GroupBy(e => (DateOnly.FromDateTime(e.At.UtcDateTime), e.OrganisationId, e.Module))
            .Select(g => new LogCount(g.Key.Item1, g.Key.OrganisationId, g.Key.Module, g.Count()))
            .OrderBy(c => c.Day).ThenBy(c => c.OrganisationId).ThenBy(c => c.Module, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, counts);
    }

    [Fact]
    public async Task UserDays_CountEveryBehaviourFeature_PerLocalDay_TheSameOnEveryProvider()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        // Extra entries on 2026-11-21 local (Asia/Shanghai): a night export at 23:30 and 00:30, two failed sign-ins, an image search.
        var local = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.FromHours(8));
        LogEntry Extra(int n, TimeSpan at, string kind, string operation, string method, int status = 200) => new()
        {
            Sequence = entries.Count + n,
            At = local.Add(at),
            Kind = kind,
            Username = "zhao",
            OrganisationId = 30,
            OrganisationName = "朱家角派出所",
            ClientIp = n % 2 == 0 ? "10.9.9.1" : "10.9.9.2",
            Module = "devices",
            Operation = operation,
            Method = method,
            Status = status,
            Hash = "x",
        };
        List<LogEntry> extra =
        [
            Extra(1, TimeSpan.FromMinutes(30), LogKinds.Operation, "export", "GET"),
            Extra(2, TimeSpan.FromHours(23.5), LogKinds.Operation, "export", "GET"),
            Extra(3, TimeSpan.FromHours(10), LogKinds.Security, "login.failed", string.Empty, 401),
            Extra(4, TimeSpan.FromHours(10.1), LogKinds.Security, "login.failed", string.Empty, 401),
            Extra(5, TimeSpan.FromHours(11), LogKinds.Operation, "imageSearch", "POST"),
            Extra(6, TimeSpan.FromHours(12), LogKinds.Operation, "update", "PUT", 403),
            Extra(7, TimeSpan.FromHours(12.5), LogKinds.Operation, "get", "GET") with { DeviceCode = "31011800001320000001" },
        ];
        await Store.AppendAsync([.. entries, .. extra], ct);

        var days = await Store.UserDayCountsAsync(local, local.AddDays(1), ct);
        var zhao = Assert.Single(days, d => d.Username == "zhao");
        Assert.Equal(new DateOnly(2026, 11, 21), zhao.Day);
        Assert.Equal(30, zhao.OrganisationId);
        Assert.Equal(5, zhao.Operations);
        Assert.Equal(2, zhao.Exports);
        Assert.Equal(2, zhao.NightExports);
        Assert.Equal(2, zhao.Night);
        Assert.Equal(2, zhao.FailedSignIns);
        Assert.Equal(1, zhao.ImageSearches);
        Assert.Equal(1, zhao.Edits);
        Assert.Equal(1, zhao.Refused);
        Assert.Equal(1, zhao.Views);
        Assert.Equal(1, zhao.Devices);
        Assert.Equal(["10.9.9.1", "10.9.9.2"], zhao.Addresses.Order(StringComparer.Ordinal));

        // The generated entries of the same local day, counted here the same way.
        var since = local.ToUniversalTime();
        var expected = entries.Where(e => e.At >= since && e.At < since.AddDays(1)).GroupBy(e => e.Username).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (user, list) in expected)
        {
            var row = Assert.Single(days, d => d.Username == user);
            Assert.Equal(list.Count, row.Operations);
            Assert.Equal(list.Count(e => e.Operation == "export"), row.Exports);
            Assert.Equal(list.Count(e => e.Status is 401 or 403), row.Refused);
            Assert.Equal(list.Select(e => e.DeviceCode).Distinct().Count(), row.Devices);
            var hours = list.Select(e => e.At.ToOffset(TimeSpan.FromHours(8)).Hour);
            Assert.Equal(hours.Count(h => h >= 22 || h < 6), row.Night);
        }
    }

    [Fact]
    public async Task Dashboards_ActiveUsersAndTopDevices_MatchTheEntries()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        await Store.AppendAsync(entries, ct);
        var from = DateOnly.FromDateTime(Start.UtcDateTime);
        var until = from.AddDays(3);
        bool InRange(LogEntry e) => DateOnly.FromDateTime(e.At.UtcDateTime) >= from && DateOnly.FromDateTime(e.At.UtcDateTime) < until;

        var active = await Store.ActiveUsersByDayAsync(from, until, null, ct);
        Assert.Equal([3, 3, 3], active.Select(a => a.Value));
        var wang = await Store.ActiveUsersByDayAsync(from, until, 20, ct);
        Assert.Equal([1, 1, 1], wang.Select(a => a.Value));

        var top = await Store.TopDevicesAsync(from, until, null, 5, ct);
        var expected = entries.Where(InRange).GroupBy(e => e.DeviceCode).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).ToList();
        Assert.Equal(expected.Select(g => (g.Key, (long)g.Count())), top.Select(t => (t.DeviceCode, t.Operations)));
        Assert.Equal(expected[0].OrderBy(e => e.At).Last().DeviceName, top[0].DeviceName);
    }

    [Fact]
    public async Task Retention_DropsWholeDaysBeforeTheCutoff()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = Entries();
        await Store.AppendAsync(entries, ct);
        var cutoff = DateOnly.FromDateTime(Start.AddDays(2).UtcDateTime);

        Assert.Equal(2, await Store.DropDaysBeforeAsync(cutoff, ct));
        Assert.Equal(entries.Count(e => DateOnly.FromDateTime(e.At.UtcDateTime) >= cutoff), (await Store.DescribeAsync(ct)).Entries);
        Assert.Equal(0, await Store.DropDaysBeforeAsync(cutoff, ct));
    }
}

public sealed class DuckDbConformanceTests : AnalyticsStoreConformance
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-duckdb-").FullName;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    protected override Task<IAnalyticsStore> CreateStoreAsync() =>
        Task.FromResult<IAnalyticsStore>(new DuckDbAnalyticsStore(Path.Combine(_folder, "analytics.duckdb")));
}

public sealed class ClickHouseConformanceTests : AnalyticsStoreConformance
{
    internal const string Variable = "CITYEYE_TEST_CLICKHOUSE";
    private readonly HttpClient _http = new();
    private readonly string _database = "cityeye_test_" + Guid.NewGuid().ToString("N");
    private ClickHouseConnection? _server;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS {_database}", default);
        }

        _http.Dispose();
    }

    protected override async Task<IAnalyticsStore> CreateStoreAsync()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(value), $"{Variable} is not set: no ClickHouse server to run the conformance suite against (./test.sh starts one).");
        _server = ClickHouseConnection.Parse(value!);
        await ExecuteAsync(_server, $"CREATE DATABASE IF NOT EXISTS {_database}", TestContext.Current.CancellationToken);
        return new ClickHouseAnalyticsStore(_http, _server with { Database = _database });
    }

    private async Task ExecuteAsync(ClickHouseConnection server, string sql, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url) { Content = new StringContent(sql, Encoding.UTF8) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.Username}:{server.Password}")));
        using var response = await _http.SendAsync(request, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}

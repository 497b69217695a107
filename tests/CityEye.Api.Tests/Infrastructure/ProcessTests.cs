using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CityEye.Core.Domain;
using Dapper;
using Npgsql;

namespace CityEye.Api.Tests.Infrastructure;

/// <summary>
/// The real executable as an operator runs it: killed mid-way through seeding and restarted, and on PostgreSQL.
/// </summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task Restart_AfterKillDuringDemoSeeding_ResumesAndFinishesTheSameDistrict()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-restart-").FullName;
        try
        {
            var port = FreePort();
            using (var first = StartApi(port, $"--CityEye:DataDir={dataDir}"))
            {
                using var client = Client(port);
                // Wait until seeding is under way, then kill the process as a power cut would.
                await WaitForAsync(client, async () =>
                {
                    var ready = await TryGetJsonAsync(client, "/readyz", ct);
                    return ready?.GetProperty("checks").TryGetProperty("demo", out var demo) == true
                        && demo.GetProperty("detail").GetString() is { } detail
                        && detail.Contains('%', StringComparison.Ordinal)
                        && !detail.EndsWith(" 0%", StringComparison.Ordinal);
                }, first, ct);
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            using var second = StartApi(port, $"--CityEye:DataDir={dataDir}");
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using var login = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Admin#2026" }, ct);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var summary = await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/dashboard/summary", UriKind.Relative), ct);
            var jobs = await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs?kind=demo-seed", UriKind.Relative), ct);
            second.Kill(entireProcessTree: true);

            Assert.Equal(16_231, summary.GetProperty("totalDevices").GetInt32());
            var job = Assert.Single(jobs.GetProperty("items").EnumerateArray());
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_OnPostgres_SeedsAndServesTheDemoDistrict()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = Environment.GetEnvironmentVariable("CITYEYE_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(admin), "Postgres: CITYEYE_TEST_POSTGRES is not set (./test.sh starts a throw-away cluster and sets it)");
        var name = "cityeye_api_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            var port = FreePort();
            // Its own data folder: the embedded engines (analytics, vectors, journals) must not meet another test's files.
            using var api = StartApi(port, "--Storage:Provider=Postgres", $"--Storage:ConnectionString={connectionString}", $"--CityEye:DataDir={Path.Combine(Path.GetTempPath(), name)}");
            using var client = Client(port);
            await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, api, ct);
            using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "station", password = "Station#2026" }, ct);
            // Store details in /readyz are for administrators only (the station user sees states).
            using var adminClient = Client(port);
            using var adminLogin = await adminClient.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Admin#2026" }, ct);
            var ready = await adminClient.GetFromJsonAsync<JsonElement>(new Uri("/readyz", UriKind.Relative), ct);
            var summary = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/dashboard/summary", UriKind.Relative), ct);
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync(ct);

            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.StartsWith("Postgres", ready.GetProperty("checks").GetProperty("store").GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("夏阳派出所", Assert.Single(summary.GetProperty("byStation").EnumerateArray()).GetProperty("name").GetString());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if (Directory.Exists(Path.Combine(Path.GetTempPath(), name)))
            {
                Directory.Delete(Path.Combine(Path.GetTempPath(), name), recursive: true);
            }
        }
    }

    [Fact]
    public async Task PostgresStopsUnderARunningNode_RequestsAre503WithRetryAfter_AndTheNodeLivesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = Path.Combine(RepositoryRoot(), "scripts", "pg-throwaway.sh");
        Assert.SkipUnless(File.Exists(script) && Directory.Exists("/usr/lib/postgresql"), "Postgres: Debian's postgresql server binaries are not installed (apt-get install postgresql)");
        var folder = Directory.CreateTempSubdirectory("cityeye-pg-stop-").FullName;
        // As root the cluster runs as the 'postgres' user, which must reach its folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var pgPort = FreePort();
        var (started, connection, startError) = await RunAsync(script, ["start", Path.Combine(folder, "pg"), pgPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);
        Assert.True(started, startError);
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(connection.Trim()) { Timeout = 3 }.ConnectionString;
            var port = FreePort();
            using var api = StartApi(port, "--Storage:Provider=Postgres", $"--Storage:ConnectionString={connectionString}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Stop#Postgres1", $"--CityEye:DataDir={Path.Combine(folder, "data")}");
            using var client = Client(port);
            await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, api, ct);
            using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Stop#Postgres1" }, ct);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);

            await RunAsync(script, ["stop", Path.Combine(folder, "pg")], ct);
            using var me = await client.GetAsync(new Uri("/api/auth/me", UriKind.Relative), ct);
            using var loginDown = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Stop#Postgres1" }, ct);
            using var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
            var stillRunning = !api.HasExited;
            api.Kill(entireProcessTree: true);

            foreach (var response in new[] { me, loginDown })
            {
                var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, ct);
                Assert.Equal("store.unavailable", problem.GetProperty("code").GetString());
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            }

            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.True(stillRunning);
        }
        finally
        {
            await RunAsync(script, ["stop", Path.Combine(folder, "pg")], CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CityEye.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root (CityEye.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(bool Ok, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode == 0, await stdout, await stderr);
    }

    [Fact]
    public async Task Kill_BetweenTheStoreWriteAndTheIndexUpdate_LosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-index-kill-").FullName;
        string[] node = [$"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Index#Kill2026"];
        try
        {
            var port = FreePort();
            var gbCode = GbCode.Create("31011801", "00", "132", 0, 4242);
            using (var first = StartApi(port, [.. node, "--Search:SyncPaused=true"]))
            {
                using var client = Client(port);
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Index#Kill2026" }, ct);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                var organisation = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/organisations", UriKind.Relative), ct))[0].GetProperty("id").GetInt64();
                var fields = new Dictionary<string, string>
                {
                    ["gbCode"] = gbCode,
                    ["name"] = "重固镇福泉山路断电测试_智能枪机",
                    ["keyboardCode"] = "424242",
                    ["type"] = "SmartBullet",
                    ["status"] = "Online",
                    ["organisationId"] = organisation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["region"] = "重固镇",
                    ["ipAddress"] = "10.42.42.42",
                    ["manufacturer"] = "海康威视",
                    ["model"] = "DS-KILL",
                    ["resolution"] = "1920x1080",
                    ["longitude"] = "121.16",
                    ["latitude"] = "31.205",
                };
                using var created = await client.PostAsJsonAsync(new Uri("/api/devices", UriKind.Relative), new { fields }, ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);

                // Acknowledged and in the store, not yet in the index: then the power goes.
                var index = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/search/index", UriKind.Relative), ct);
                Assert.Equal(0, index.GetProperty("documents").GetInt64());
                Assert.True(index.GetProperty("pendingChanges").GetInt64() >= 1);
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            using var second = StartApi(port, node);
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using var login2 = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Index#Kill2026" }, ct);
            await WaitForAsync(client2, async () =>
                (await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/devices/search?q=cgz%20fqs", UriKind.Relative), ct)).GetProperty("total").GetInt32() == 1, second, ct);
            var hit = (await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/devices/search?q=cgz%20fqs", UriKind.Relative), ct)).GetProperty("items")[0];
            second.Kill(entireProcessTree: true);
            Assert.Equal(gbCode, hit.GetProperty("gbCode").GetString());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Kill_AfterALedgerBatchIsAcknowledged_TheRestartedNodeAppliesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-sync-kill-").FullName;
        string[] node = [$"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Sync#Kill2026"];
        var gbCode = GbCode.Create("31011801", "00", "132", 0, 4343);
        try
        {
            var port = FreePort();

            // The sync job is held, so the batch is acknowledged (stored) but certainly not applied when the node dies.
            using (var first = StartApi(port, [.. node, "--Jobs:HeldKinds:0=ledger-sync"]))
            {
                using var client = Client(port);
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Sync#Kill2026" }, ct);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                var organisation = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/organisations", UriKind.Relative), ct))[0].GetProperty("id").GetInt64();
                var fields = new Dictionary<string, string>
                {
                    ["name"] = "赵巷镇台账同步断电测试_智能枪机",
                    ["keyboardCode"] = "434343",
                    ["type"] = "SmartBullet",
                    ["status"] = "Online",
                    ["organisationId"] = organisation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["region"] = "赵巷镇",
                    ["ipAddress"] = "10.43.43.43",
                    ["manufacturer"] = "大华",
                    ["model"] = "DH-KILL",
                    ["resolution"] = "1920x1080",
                    ["longitude"] = "121.19",
                    ["latitude"] = "31.16",
                };
                using var pushed = await client.PostAsJsonAsync(
                    new Uri("/api/archive/sync/qingpu-ledger/batches", UriKind.Relative),
                    new { batchId = "kill-1", sequence = 1, mode = "incremental", cursor = "c1", records = new[] { new { gbCode, fields } } },
                    ct);
                Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
                var state = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/archive/sync/qingpu-ledger", UriKind.Relative), ct);
                Assert.Equal((1, 0), (state.GetProperty("acceptedSequence").GetInt64(), state.GetProperty("appliedSequence").GetInt64()));
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            using var second = StartApi(port, node);
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using var login2 = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Sync#Kill2026" }, ct);
            await WaitForAsync(client2, async () =>
                (await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/archive/sync/qingpu-ledger", UriKind.Relative), ct)).GetProperty("appliedSequence").GetInt64() == 1, second, ct);
            var batch = await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/archive/sync/qingpu-ledger/batches/1", UriKind.Relative), ct);
            await WaitForAsync(client2, async () =>
                (await client2.GetFromJsonAsync<JsonElement>(new Uri($"/api/devices/search?q={gbCode}", UriKind.Relative), ct)).GetProperty("total").GetInt32() == 1, second, ct);
            second.Kill(entireProcessTree: true);
            Assert.Equal((1, 0), (batch.GetProperty("batch").GetProperty("created").GetInt32(), batch.GetProperty("batch").GetProperty("rejected").GetInt32()));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Kill_RightAfterLoggedRequests_TheRestartedNodeStoresEveryEntryWithAnIntactChain()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-log-kill-").FullName;
        string[] node = [$"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Log#Kill2026"];
        var marker = "killlog" + Guid.NewGuid().ToString("N")[..6];
        try
        {
            var port = FreePort();
            // The drain is held: the entries exist only in the journal when the process dies.
            using (var first = StartApi(port, [.. node, "--Logs:DrainPaused=true"]))
            {
                using var client = Client(port);
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Log#Kill2026" }, ct);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                for (var i = 0; i < 20; i++)
                {
                    using var answer = await client.GetAsync(new Uri($"/api/devices/search?q={marker}{i}", UriKind.Relative), ct);
                    Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                }

                // Answered, so logged; none is in the analytics store yet. Then the process is killed.
                var held = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/logs/operations?text={marker}", UriKind.Relative), ct);
                Assert.Equal(0, held.GetProperty("total").GetInt64());
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            using var second = StartApi(port, node);
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using var login2 = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Log#Kill2026" }, ct);
            var chain = await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/logs/verify", UriKind.Relative), ct);
            var found = await client2.GetFromJsonAsync<JsonElement>(new Uri($"/api/logs/operations?module=devices&text={marker}&pageSize=50", UriKind.Relative), ct);
            second.Kill(entireProcessTree: true);
            Assert.True(chain.GetProperty("intact").GetBoolean(), chain.ToString());
            Assert.Equal(20, found.GetProperty("total").GetInt64());
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"/api/devices/search?q={marker}{i}").Order(StringComparer.Ordinal), found.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Kill_AfterCapturesAreAcknowledged_TheRestartedNodeStoresAndIndexesEveryOne_AndAFullQueueAnswers429()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-capture-kill-").FullName;
        string[] node = [$"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Capture#Kill2026"];
        var gbCode = GbCode.Create("31011801", "00", "132", 0, 4545);
        var png = Convert.ToBase64String(Captures.CaptureTestData.Png(32, 32, 10, 200, 10));
        object Capture(int i) => new
        {
            sourceId = $"kill-{i}",
            type = "face",
            time = TimeProvider.System.GetUtcNow().AddMinutes(-i),
            deviceCode = gbCode,
            image = png,
            vector = Captures.CaptureTestData.Vector(1024, i % 5, i),
        };
        try
        {
            var port = FreePort();

            // The drain is paused: the captures are acknowledged (journaled) but certainly not stored when the node dies.
            using (var first = StartApi(port, [.. node, "--Captures:DrainPaused=true", "--Captures:MaxBacklog=60"]))
            using (Killed(first))
            {
                using var client = Client(port);
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Capture#Kill2026" }, ct);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                var organisation = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/organisations", UriKind.Relative), ct))[0].GetProperty("id").GetInt64();
                var fields = new Dictionary<string, string>
                {
                    ["gbCode"] = gbCode,
                    ["name"] = "赵巷镇抓拍断电测试_智能枪机",
                    ["keyboardCode"] = "454545",
                    ["type"] = "SmartBullet",
                    ["status"] = "Online",
                    ["organisationId"] = organisation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["region"] = "赵巷镇",
                    ["ipAddress"] = "10.45.45.45",
                    ["manufacturer"] = "海康威视",
                    ["model"] = "DS-KILL",
                    ["resolution"] = "1920x1080",
                    ["longitude"] = "121.19",
                    ["latitude"] = "31.16",
                };
                using var device = await client.PostAsJsonAsync(new Uri("/api/devices", UriKind.Relative), new { fields }, ct);
                Assert.Equal(HttpStatusCode.Created, device.StatusCode);

                using var pushed = await client.PostAsJsonAsync(new Uri("/api/captures", UriKind.Relative), new { source = "ivs", captures = Enumerable.Range(0, 50).Select(Capture) }, ct);
                Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
                Assert.Equal(50, (await pushed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accepted").GetInt32());

                // Back-pressure: 50 waiting + 20 more would pass Captures:MaxBacklog (60), so the sender is told to wait.
                using var refused = await client.PostAsJsonAsync(new Uri("/api/captures", UriKind.Relative), new { source = "ivs", captures = Enumerable.Range(50, 20).Select(Capture) }, ct);
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
                Assert.Equal("capture.ingestBusy", (await refused.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString());
                Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/captures", UriKind.Relative), ct)).GetProperty("total").GetInt64());
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            using var second = StartApi(port, node);
            using var killSecond = Killed(second);
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using var login2 = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Capture#Kill2026" }, ct);
            await WaitForAsync(client2, async () =>
                (await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/captures?pageSize=100", UriKind.Relative), ct)).GetProperty("total").GetInt64() == 50, second, ct);
            var stored = (await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/captures?pageSize=100", UriKind.Relative), ct)).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"kill-{i}").Order(), stored.Select(c => c.GetProperty("sourceId").GetString()).Order());

            // Every vector reached the index: each capture finds itself first.
            foreach (var capture in stored.Take(5))
            {
                using var search = await client2.PostAsJsonAsync(new Uri("/api/search/image", UriKind.Relative), new { captureId = capture.GetProperty("id").GetInt64(), threshold = 0.5, limit = 50 }, ct);
                var hits = (await search.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("items");
                Assert.Equal(capture.GetProperty("id").GetInt64(), hits[0].GetProperty("captureId").GetInt64());
            }

            // Sending the acknowledged batch again stores nothing twice.
            using var again = await client2.PostAsJsonAsync(new Uri("/api/captures", UriKind.Relative), new { source = "ivs", captures = Enumerable.Range(0, 50).Select(Capture) }, ct);
            Assert.Equal(50, (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("duplicates").GetInt32());
            second.Kill(entireProcessTree: true);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Kill_WhileNineStreamsPlay_TheRestartedNodeStopsTheOrphanedEncodersAndTheStreamsReopen()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-video-kill-").FullName;
        string[] node = [$"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Video#Kill2026", "--Vision:Enabled=false"];
        var ids = new List<long>();
        try
        {
            var port = FreePort();
            using var client = Client(port);
            using (var first = StartApi(port, node))
            using (Killed(first))
            {
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                await SignInAsync(client, "admin", "Video#Kill2026", ct);
                var organisation = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/organisations", UriKind.Relative), ct))[0].GetProperty("id").GetInt64();
                for (var i = 0; i < 9; i++)
                {
                    var fields = new Dictionary<string, string>
                    {
                        ["gbCode"] = GbCode.Create("31011801", "00", "132", 0, 5100 + i),
                        ["name"] = $"重固镇视频重启测试{i}_智能枪机",
                        ["keyboardCode"] = $"5100{i}",
                        ["type"] = "SmartBullet",
                        ["status"] = "Online",
                        ["organisationId"] = organisation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["region"] = "重固镇",
                        ["ipAddress"] = $"10.51.0.{i + 1}",
                        ["manufacturer"] = "海康威视",
                        ["model"] = "DS-VIDEO",
                        ["resolution"] = "1920x1080",
                        ["longitude"] = "121.16",
                        ["latitude"] = "31.205",
                    };
                    using var created = await client.PostAsJsonAsync(new Uri("/api/devices", UriKind.Relative), new { fields }, ct);
                    Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                    ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64());
                }

                // A wall operator's account that may open nine streams (an administrator cannot raise its own limit).
                var roles = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/roles?pageSize=100", UriKind.Relative), ct);
                var roleIds = (roles.ValueKind == JsonValueKind.Array ? roles : roles.GetProperty("items")).EnumerateArray()
                    .Where(r => r.GetProperty("name").GetString() is "administrator" or "all-devices").Select(r => r.GetProperty("id").GetInt64()).ToArray();
                using var user = await client.PostAsJsonAsync(
                    new Uri("/api/users", UriKind.Relative),
                    new { username = "wall01", password = "Wall#First2026", displayName = "电视墙值守", organisationId = organisation, roleIds, maxStreams = 9 },
                    ct);
                Assert.Equal(HttpStatusCode.Created, user.StatusCode);
                await SignInAsync(client, "wall01", "Wall#First2026", ct);
                using var changed = await client.PostAsJsonAsync(new Uri("/api/auth/password", UriKind.Relative), new { currentPassword = "Wall#First2026", newPassword = "Wall#Nine2026!" }, ct);
                Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync(ct));

                foreach (var id in ids)
                {
                    Assert.Contains("#EXTINF", await PlaylistAsync(client, id, ct), StringComparison.Ordinal);
                }

                Assert.Equal(9, Encoders(dataDir).Count);

                // The node dies (not its encoders: they are processes of their own).
                first.Kill(entireProcessTree: false);
                await first.WaitForExitAsync(ct);
                Assert.Equal(9, Encoders(dataDir).Count);
            }

            using var second = StartApi(port, node);
            using (Killed(second))
            {
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
                // The encoders the dead node left are stopped; the session survived the restart.
                await WaitForAsync(client, () => Task.FromResult(Encoders(dataDir).Count == 0), second, ct);
                Assert.Equal("wall01", (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/auth/me", UriKind.Relative), ct)).GetProperty("username").GetString());

                // Each player reopens its stream (as the SPA does when its playlist is gone) and plays again.
                foreach (var id in ids)
                {
                    Assert.Contains("#EXTINF", await PlaylistAsync(client, id, ct), StringComparison.Ordinal);
                }

                Assert.Equal(9, Encoders(dataDir).Count);
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync(ct);
            }

            Assert.Empty(Encoders(dataDir));
        }
        finally
        {
            foreach (var pid in Encoders(dataDir))
            {
                try
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone meanwhile.
                }
            }

            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task SignInAsync(HttpClient client, string username, string password, CancellationToken ct)
    {
        using var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username, password }, ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    /// <summary>Opens a device's live video and reads its signed playlist.</summary>
    private static async Task<string> PlaylistAsync(HttpClient client, long deviceId, CancellationToken ct)
    {
        using var opened = await client.PostAsJsonAsync(new Uri("/api/video/live", UriKind.Relative), new { deviceId }, ct);
        Assert.True(opened.StatusCode == HttpStatusCode.OK, await opened.Content.ReadAsStringAsync(ct));
        var url = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("url").GetString()!;
        return await client.GetStringAsync(new Uri(url, UriKind.Relative), ct);
    }

    /// <summary>The ffmpeg processes encoding into the node's data folder.</summary>
    private static List<int> Encoders(string dataDir) => CityEye.Video.Tests.FfmpegProcesses.Naming(dataDir);

    /// <summary>Kills the process when disposed, so that a failing test leaves no node running.</summary>
    private static Disposer Killed(Process process) => new(() =>
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    });

    private sealed class Disposer(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    [Fact]
    public async Task Cutting_off_the_end_of_the_log_is_caught_by_its_signed_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-checkpoint-").FullName;
        try
        {
            var port = FreePort();
            long signed;
            using (var first = StartApi(port, $"--CityEye:DataDir={dataDir}", "--CityEye:DemoAuditUsers=0", "--Vision:Enabled=false"))
            {
                using var client = Client(port);
                await WaitForAsync(client, async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, first, ct);
                using (var login = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "admin", password = "Admin#2026" }, ct))
                {
                    Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                }

                for (var i = 0; i < 5; i++)
                {
                    await client.GetAsync(new Uri("/api/organisations", UriKind.Relative), ct);
                }

                using var checkpoint = await client.PostAsync(new Uri("/api/crypto/integrity/checkpoint", UriKind.Relative), null, ct);
                Assert.Equal(HttpStatusCode.OK, checkpoint.StatusCode);
                signed = (await checkpoint.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("sequence").GetInt64();
                var before = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/crypto/integrity", UriKind.Relative), ct);
                Assert.True(before.GetProperty("logs").GetProperty("intact").GetBoolean(), before.GetProperty("logs").ToString());
                Assert.True(before.GetProperty("logs").GetProperty("checkpoints").GetProperty("checked").GetInt32() >= 1);
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }

            // Someone with access to the files removes the newest entries from the store and the journal that fed it.
            await using (var duck = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(dataDir, "analytics", "cityeye.duckdb")}"))
            {
                await duck.OpenAsync(ct);
                await duck.ExecuteAsync($"DELETE FROM log_entries WHERE seq >= {signed - 2}");
            }

            Directory.Delete(Path.Combine(dataDir, "journal"), recursive: true);

            using var second = StartApi(port, $"--CityEye:DataDir={dataDir}", "--CityEye:DemoAuditUsers=0", "--Vision:Enabled=false");
            using var client2 = Client(port);
            await WaitForAsync(client2, async () => (await client2.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, second, ct);
            using (var login = await client2.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { username = "auditor", password = "Auditor#2026" }, ct))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            var after = await client2.GetFromJsonAsync<JsonElement>(new Uri("/api/crypto/integrity", UriKind.Relative), ct);
            second.Kill(entireProcessTree: true);
            var logs = after.GetProperty("logs");
            Assert.False(logs.GetProperty("intact").GetBoolean(), logs.ToString());
            var problem = Assert.Single(logs.GetProperty("checkpoints").GetProperty("problems").EnumerateArray(), p => p.GetProperty("sequence").GetInt64() == signed);
            Assert.True(problem.GetProperty("problem").GetString() is "entryMissing" or "hashMismatch", problem.ToString());
            Assert.False(after.GetProperty("intact").GetBoolean());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Enforced_executable_integrity_refuses_to_start_an_unsigned_build_with_one_clear_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Directory.CreateTempSubdirectory("cityeye-unsigned-").FullName;
        try
        {
            var (exitCode, stdout, stderr) = await ApiProcess.RunToExitAsync(
                ["--urls", "http://127.0.0.1:0", $"--CityEye:DataDir={dataDir}", "--CityEye:SeedDemo=false", "--CityEye:AdminPassword=Admin#2026x", "--Crypto:Executables:Mode=enforce"], ct);
            Assert.Equal(1, exitCode);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("CityEye cannot start: Executable integrity: No signed release manifest", line, StringComparison.Ordinal);
            Assert.Contains("Crypto:Executables:Mode=warn", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static Process StartApi(int port, params string[] arguments) =>
        ApiProcess.Start(["--urls", $"http://127.0.0.1:{port}", "--Auth:PasswordIterations=5000", "--Logging:LogLevel:Default=Warning", "--CityEye:DemoCaptures=0", .. arguments]);

    private static HttpClient Client(int port)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        // Like the SPA: state-changing cookie requests carry the CSRF header.
        client.DefaultRequestHeaders.Add("X-CityEye-Request", "1");
        return client;
    }

    private static async Task<JsonElement?> TryGetJsonAsync(HttpClient client, string path, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(HttpClient client, Func<Task<bool>> condition, Process process, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            Assert.False(process.HasExited, $"The API exited with code {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, ct);
        }

        throw new TimeoutException($"Condition not met within 3 minutes ({client.BaseAddress}).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

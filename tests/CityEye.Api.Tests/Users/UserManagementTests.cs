using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Spreadsheets;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Auth;
using Microsoft.Extensions.DependencyInjection;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Users;

/// <summary>
/// User and role management (UM-1 to UM-7) over the real API and store: device roles decide what a user sees,
/// administrators cannot escalate, service roles bound what tokens call, and every refusal is itself logged.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class UserManagementTests(ApiFactory factory)
{
    private const string Password = "First#2026x";
    private const string Changed = "Second#2026y";
    private static readonly long[] UnknownRole = [999_999L];

    [Fact]
    public async Task DeviceRole_LimitedToOneStation_IsAllTheUserSeesInSearchMapAndFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        await Devices.SearchIndex.WaitUntilCurrentAsync(factory, ct); // search and map must count the same devices
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (station, other) = await TwoStationsAsync(admin, ct);
        var deviceRole = await CreateRoleAsync(admin, "devices-test-station", "测试站设备", RoleKinds.Device, deviceGrants: [new { kind = "organisation", value = station.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }], ct: ct);
        var viewer = await RoleIdAsync(admin, BuiltInRoles.StationUser, ct);
        var userId = await CreateUserAsync(admin, "scope.viewer", station.Id, [viewer, deviceRole], ct);
        try
        {
            using var user = await SignInFirstTimeAsync("scope.viewer", ct);
            var search = await user.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=200"), ct);
            var items = search.GetProperty("items").EnumerateArray().ToList();
            Assert.NotEmpty(items);
            Assert.All(items, i => Assert.Equal(station.Name, i.GetProperty("organisationName").GetString()));
            var map = await user.GetFromJsonAsync<JsonElement>(Url("/api/devices/map"), ct);
            Assert.Equal(search.GetProperty("total").GetInt32(), map.GetProperty("ids").GetArrayLength());

            // A device of another station: not found, whatever the client asks.
            var foreign = (await admin.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?organisationId={other.Id}&pageSize=1"), ct)).GetProperty("items")[0].GetProperty("id").GetInt64();
            using var refused = await user.GetAsync(Url($"/api/devices/{foreign}"), ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

            // Adding a single device of the other station to the role widens the scope by exactly that device, at once.
            using var widened = await admin.PutAsJsonAsync(Url($"/api/roles/{deviceRole}"), new
            {
                name = "devices-test-station",
                displayName = "测试站设备",
                kind = RoleKinds.Device,
                deviceGrants = new object[] { new { kind = "organisation", value = station.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new { kind = "device", value = foreign.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            }, ct);
            Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
            using var now = await user.GetAsync(Url($"/api/devices/{foreign}"), ct);
            Assert.Equal(HttpStatusCode.OK, now.StatusCode);
            var after = await user.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=1"), ct);
            Assert.Equal(search.GetProperty("total").GetInt32() + 1, after.GetProperty("total").GetInt32());

            // Switching the device role off leaves the user with no device at all.
            using var off = await admin.PostAsync(Url($"/api/roles/{deviceRole}/disable"), null, ct);
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            Assert.Equal(0, (await user.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=1"), ct)).GetProperty("total").GetInt32());

            // The permission page names every source.
            var effective = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/users/{userId}/permissions"), ct);
            Assert.Contains(effective.GetProperty("functions").EnumerateArray(), f => f.GetProperty("code").GetString() == Permissions.DevicesView
                && f.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "派出所用户"));
            Assert.Empty(effective.GetProperty("deviceGrants").EnumerateArray());
            Assert.Contains(effective.GetProperty("roles").EnumerateArray(), r => r.GetProperty("id").GetInt64() == deviceRole && !r.GetProperty("enabled").GetBoolean());
        }
        finally
        {
            await DeleteUserAsync(admin, userId, ct);
            await admin.DeleteAsync(Url($"/api/roles/{deviceRole}"), ct);
        }
    }

    [Fact]
    public async Task UnitAdministrator_CannotEscalate_AndEveryRefusalIsLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (station, other) = await TwoStationsAsync(admin, ct);
        var unitAdminRole = await CreateRoleAsync(admin, "unit-user-admin", "单位用户管理员", RoleKinds.Function, permissions: [Permissions.UsersManage, Permissions.DevicesView, Permissions.OrganisationsView], ct: ct);
        var stationDevices = await CreateRoleAsync(admin, "devices-unit-admin", "单位管理员设备", RoleKinds.Device, deviceGrants: [new { kind = "organisation", value = station.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }], ct: ct);
        var unitAdminId = await CreateUserAsync(admin, "unit.admin", station.Id, [unitAdminRole, stationDevices], ct);
        var colleagueId = await CreateUserAsync(admin, "unit.colleague", station.Id, [stationDevices], ct);
        var outsiderId = await CreateUserAsync(admin, "other.unit.user", other.Id, [], ct);
        var stationAdministrator = await RoleIdAsync(admin, BuiltInRoles.Administrator, ct);
        var chiefId = await CreateUserAsync(admin, "unit.chief", station.Id, [stationAdministrator, stationDevices], ct);
        var administrator = await RoleIdAsync(admin, BuiltInRoles.Administrator, ct);
        var allDevices = await RoleIdAsync(admin, BuiltInRoles.AllDevices, ct);
        try
        {
            using var unitAdmin = await SignInFirstTimeAsync("unit.admin", ct);

            // Editing one's own roles.
            using var self = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{unitAdminId}"), Fields("unit.admin", station.Id, [unitAdminRole, stationDevices, administrator]), ct);
            await ProblemAssert.IsProblemAsync(self, HttpStatusCode.Conflict, "user.self", ct);
            using var selfBatch = await unitAdmin.PostAsJsonAsync(Url("/api/users/batch-roles"), new { userIds = new[] { unitAdminId }, grant = new[] { administrator } }, ct);
            await ProblemAssert.IsProblemAsync(selfBatch, HttpStatusCode.Conflict, "user.self", ct);

            // Granting a role one does not hold (function permissions, or devices beyond one's own scope).
            using var grantAdmin = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{colleagueId}"), Fields("unit.colleague", station.Id, [stationDevices, administrator]), ct);
            await ProblemAssert.IsProblemAsync(grantAdmin, HttpStatusCode.BadRequest, "request.invalid", ct);
            Assert.Contains("role.notHeld", await grantAdmin.Content.ReadAsStringAsync(ct));
            using var grantAll = await unitAdmin.PostAsJsonAsync(Url("/api/users/batch-roles"), new { userIds = new[] { colleagueId }, grant = new[] { allDevices } }, ct);
            Assert.Contains("role.notHeld", await grantAll.Content.ReadAsStringAsync(ct));
            Assert.Equal(HttpStatusCode.BadRequest, grantAll.StatusCode);

            // Writing more into a role than one holds (roles need users.manage, which the unit admin has).
            using var widerRole = await unitAdmin.PostAsJsonAsync(Url("/api/roles"), new { name = "sneaky", displayName = "越权角色", kind = RoleKinds.Function, permissions = new[] { Permissions.AuditView } }, ct);
            Assert.Equal(HttpStatusCode.BadRequest, widerRole.StatusCode);
            Assert.Contains("role.notHeld", await widerRole.Content.ReadAsStringAsync(ct));
            using var widenOwn = await unitAdmin.PutAsJsonAsync(Url($"/api/roles/{unitAdminRole}"), new { name = "unit-user-admin", displayName = "单位用户管理员", kind = RoleKinds.Function, permissions = new[] { Permissions.UsersManage, Permissions.UsersAllUnits } }, ct);
            Assert.Equal(HttpStatusCode.BadRequest, widenOwn.StatusCode);
            Assert.Contains("role.notHeld", await widenOwn.Content.ReadAsStringAsync(ct));

            // Changing another unit's users, or moving a user into another unit.
            using var outsider = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{outsiderId}"), Fields("other.unit.user", other.Id, []), ct);
            Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
            using var move = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{colleagueId}"), Fields("unit.colleague", other.Id, [stationDevices]), ct);
            Assert.Contains("user.outsideUnits", await move.Content.ReadAsStringAsync(ct));
            var visible = await unitAdmin.GetFromJsonAsync<JsonElement>(Url("/api/users?pageSize=200"), ct);
            Assert.DoesNotContain(visible.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetInt64() == outsiderId);
            Assert.Contains(visible.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetInt64() == colleagueId);

            // Taking over an account that outranks one (same unit, more rights) or of another unit: lock, reset, disable.
            var me = await admin.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
            using var resetAdmin = await unitAdmin.PostAsJsonAsync(Url($"/api/users/{me.GetProperty("id").GetInt64()}/password-reset"), new { newPassword = "Taken#20261" }, ct);
            Assert.Equal(HttpStatusCode.NotFound, resetAdmin.StatusCode);
            using var resetChief = await unitAdmin.PostAsJsonAsync(Url($"/api/users/{chiefId}/password-reset"), new { newPassword = "Taken#20261" }, ct);
            await ProblemAssert.IsProblemAsync(resetChief, HttpStatusCode.Forbidden, "user.outranks", ct);
            using var disableChief = await unitAdmin.PostAsync(Url($"/api/users/{chiefId}/disable"), null, ct);
            await ProblemAssert.IsProblemAsync(disableChief, HttpStatusCode.Forbidden, "user.outranks", ct);
            using var editChief = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{chiefId}"), Fields("unit.chief", station.Id, [stationDevices]), ct);
            await ProblemAssert.IsProblemAsync(editChief, HttpStatusCode.Forbidden, "user.outranks", ct);
            using var deleteChief = await unitAdmin.DeleteAsync(Url($"/api/users/{chiefId}"), ct);
            await ProblemAssert.IsProblemAsync(deleteChief, HttpStatusCode.Forbidden, "user.outranks", ct);

            // Switching off, rewriting or deleting a role one could not grant (it would strip every holder in every unit).
            using var disableAdministrators = await unitAdmin.PostAsync(Url($"/api/roles/{stationAdministrator}/disable"), null, ct);
            Assert.Contains("role.notHeld", await disableAdministrators.Content.ReadAsStringAsync(ct));
            using var rewrite = await unitAdmin.PutAsJsonAsync(Url($"/api/roles/{stationAdministrator}"), new { name = BuiltInRoles.Administrator, displayName = "系统管理员", kind = RoleKinds.Function, permissions = new[] { Permissions.DevicesView } }, ct);
            Assert.Contains("role.notHeld", await rewrite.Content.ReadAsStringAsync(ct));
            using var deleteDevices = await unitAdmin.DeleteAsync(Url($"/api/roles/{allDevices}"), ct);
            Assert.Equal(HttpStatusCode.BadRequest, deleteDevices.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Url($"/api/roles/{allDevices}"), ct)).StatusCode);

            // Device sets that grow later (regions, business groups) only from holders of every device.
            using var region = await unitAdmin.PostAsJsonAsync(Url("/api/roles"), new { name = "region-grab", displayName = "区划设备", kind = RoleKinds.Device, deviceGrants = new[] { new { kind = "region", value = "青浦区未来新镇" } } }, ct);
            Assert.Contains("role.notHeld", await region.Content.ReadAsStringAsync(ct));

            // What the unit admin may do: edit a colleague within its own grants.
            using var allowed = await unitAdmin.PutAsJsonAsync(Url($"/api/users/{colleagueId}"), Fields("unit.colleague", station.Id, [stationDevices]) with { MaxStreams = 9 }, ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

            // Every refusal is in the operation log under the unit admin's name.
            using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
            await auditor.GetAsync(Url("/api/logs/verify"), ct); // drains the journal
            var log = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/logs/operations?user=unit.admin&pageSize=200"), ct);
            var statuses = log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("status").GetInt32()).ToList();
            Assert.True(statuses.Count(s => s == 409) >= 2, string.Join(",", statuses));
            Assert.True(statuses.Count(s => s == 403) >= 4, string.Join(",", statuses));
            Assert.True(statuses.Count(s => s == 400) >= 5, string.Join(",", statuses));
            Assert.Contains(404, statuses);
        }
        finally
        {
            foreach (var id in new[] { unitAdminId, colleagueId, outsiderId, chiefId })
            {
                await DeleteUserAsync(admin, id, ct);
            }

            await admin.DeleteAsync(Url($"/api/roles/{unitAdminRole}"), ct);
            await admin.DeleteAsync(Url($"/api/roles/{stationDevices}"), ct);
        }
    }

    [Fact]
    public async Task Users_CreateSearchCountCloneBatchExportImportDelete()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (station, _) = await TwoStationsAsync(admin, ct);
        var investigator = await RoleIdAsync(admin, BuiltInRoles.Investigator, ct);
        var auditorRole = await RoleIdAsync(admin, BuiltInRoles.Auditor, ct);
        var allDevices = await RoleIdAsync(admin, BuiltInRoles.AllDevices, ct);
        var ids = new List<long>();
        try
        {
            // Validation: every field named, nothing written.
            using var bad = await admin.PostAsJsonAsync(Url("/api/users"), new { username = "x", password = "short", displayName = "", organisationId = 999_999, roleIds = UnknownRole, maxStreams = 500, validFrom = "2027-01-01T00:00:00Z", validUntil = "2026-01-01T00:00:00Z" }, ct);
            var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ct);
            var fields = problem.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToHashSet();
            Assert.Contains("username", fields);
            Assert.Contains("maxStreams", fields);

            var before = await admin.GetFromJsonAsync<JsonElement>(Url("/api/users/counts"), ct);
            var id = await CreateUserAsync(admin, "crud.user", station.Id, [investigator, allDevices], ct, validUntil: factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-1), maxStreams: 6);
            ids.Add(id);
            var after = await admin.GetFromJsonAsync<JsonElement>(Url("/api/users/counts"), ct);
            Assert.Equal(before.GetProperty("total").GetInt32() + 1, after.GetProperty("total").GetInt32());
            Assert.Equal(before.GetProperty("expired").GetInt32() + 1, after.GetProperty("expired").GetInt32());
            Assert.Equal(after.GetProperty("total").GetInt32(), after.GetProperty("online").GetInt32() + after.GetProperty("offline").GetInt32());

            // An expired account cannot sign in.
            using var anonymous = factory.CreateClient();
            using var expired = await anonymous.PostAsJsonAsync(Url("/api/auth/login"), new { username = "crud.user", password = Password }, ct);
            await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.Forbidden, "auth.accountExpired", ct);

            var found = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/users?q=crud.u&valid=false&roleId={investigator}"), ct);
            var item = Assert.Single(found.GetProperty("items").EnumerateArray());
            Assert.Equal(6, item.GetProperty("maxStreams").GetInt32());
            Assert.False(item.GetProperty("valid").GetBoolean());

            // Clone: same roles, unit, stream limit.
            using var cloned = await admin.PostAsJsonAsync(Url($"/api/users/{id}/clone"), new { username = "crud.clone", displayName = "克隆用户", password = Password }, ct);
            Assert.Equal(HttpStatusCode.Created, cloned.StatusCode);
            var clone = await cloned.Content.ReadFromJsonAsync<JsonElement>(ct);
            ids.Add(clone.GetProperty("id").GetInt64());
            Assert.Equal(new[] { allDevices, investigator }.Order(), clone.GetProperty("roleIds").EnumerateArray().Select(r => r.GetInt64()).Order());
            Assert.Equal(6, clone.GetProperty("maxStreams").GetInt32());

            // Batch grant and revoke.
            using var batch = await admin.PostAsJsonAsync(Url("/api/users/batch-roles"), new { userIds = ids, grant = new[] { auditorRole }, revoke = new[] { investigator } }, ct);
            var outcome = await batch.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(2, outcome.GetProperty("added").GetInt32());
            Assert.Equal(2, outcome.GetProperty("removed").GetInt32());
            var detail = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/users/{ids[1]}"), ct);
            Assert.Equal(new[] { allDevices, auditorRole }.Order(), detail.GetProperty("roleIds").EnumerateArray().Select(r => r.GetInt64()).Order());

            // Export: the searched users with their roles.
            var xlsx = await admin.GetByteArrayAsync(Url("/api/users/export?q=crud."), ct);
            var rows = ReadXlsx(xlsx);
            Assert.Equal("用户名", rows[0][0]);
            Assert.Equal(["crud.clone", "crud.user"], rows.Skip(1).Select(r => r[0]).Order(StringComparer.Ordinal));
            Assert.Contains("审计员", rows[1][3], StringComparison.Ordinal);

            // Import: the valid row is created, the bad one reported with every problem, nothing half-written.
            var template = ReadXlsx(await admin.GetByteArrayAsync(Url("/api/users/template"), ct));
            var stationCode = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray().Single(o => o.GetProperty("id").GetInt64() == station.Id).GetProperty("code").GetString()!;
            var upload = WriteXlsx(template[0],
            [
                ["import.ok", "导入用户", stationCode, "侦查员，全部设备", "Import#2026a", "2026-01-01", "2030-12-31", "2", "021-59700000", "A12345", "是"],
                ["import.bad", "", "no-such-unit", "不存在的角色", "weak", "yesterday", "", "many", "", "", "是"],
                ["crud.user", "重名", stationCode, "侦查员", "Import#2026b", "", "", "", "", "", ""],
            ]);
            using var content = new MultipartFormDataContent { { new ByteArrayContent(upload) { Headers = { ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") } }, "file", "users.xlsx" } };
            using var imported = await admin.PostAsync(Url("/api/users/import"), content, ct);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            var report = await imported.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(3, report.GetProperty("rows").GetInt32());
            Assert.Equal(1, report.GetProperty("created").GetInt32());
            var problems = report.GetProperty("problems").EnumerateArray().ToList();
            Assert.Equal([3, 4], problems.Select(p => p.GetProperty("row").GetInt32()));
            var badFields = problems[0].GetProperty("problems").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToHashSet();
            Assert.Superset(new HashSet<string?> { "organisationCode", "roles", "password", "validFrom", "maxStreams", "displayName" }, badFields);
            Assert.Contains(problems[1].GetProperty("problems").EnumerateArray(), v => v.GetProperty("code").GetString() == "field.unique");
            var importedUser = Assert.Single((await admin.GetFromJsonAsync<JsonElement>(Url("/api/users?q=import."), ct)).GetProperty("items").EnumerateArray());
            ids.Add(importedUser.GetProperty("id").GetInt64());
            Assert.Equal(2, importedUser.GetProperty("maxStreams").GetInt32());
            Assert.Equal("A12345", importedUser.GetProperty("policeNumber").GetString());

            // Delete: not oneself; the user and its sessions go.
            var me = await admin.GetFromJsonAsync<JsonElement>(Url("/api/auth/me"), ct);
            using var deleteSelf = await admin.DeleteAsync(Url($"/api/users/{me.GetProperty("id").GetInt64()}"), ct);
            await ProblemAssert.IsProblemAsync(deleteSelf, HttpStatusCode.Conflict, "user.self", ct);
        }
        finally
        {
            foreach (var id in ids)
            {
                await DeleteUserAsync(admin, id, ct);
            }
        }

        using var gone = await admin.GetAsync(Url($"/api/users/{ids[0]}"), ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Roles_CrudCloneDisableExport_AndBuiltInRolesAreOrdinary()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (station, _) = await TwoStationsAsync(admin, ct);
        var role = await CreateRoleAsync(admin, "log-readers", "日志查阅", RoleKinds.Function, permissions: [Permissions.AuditView], ct: ct);
        var devices = await RoleIdAsync(admin, BuiltInRoles.AllDevices, ct);
        var userId = await CreateUserAsync(admin, "role.holder", station.Id, [role, devices], ct);
        long? clone = null;
        try
        {
            using var holder = await SignInFirstTimeAsync("role.holder", ct);
            Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync(Url("/api/logs/operations?pageSize=1"), ct)).StatusCode);

            // Disabled: the holder loses the permission at once; enabled: back.
            await admin.PostAsync(Url($"/api/roles/{role}/disable"), null, ct);
            Assert.Equal(HttpStatusCode.Forbidden, (await holder.GetAsync(Url("/api/logs/operations?pageSize=1"), ct)).StatusCode);
            await admin.PostAsync(Url($"/api/roles/{role}/enable"), null, ct);
            Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync(Url("/api/logs/operations?pageSize=1"), ct)).StatusCode);

            // In use: cannot be deleted; detail lists its users.
            using var inUse = await admin.DeleteAsync(Url($"/api/roles/{role}"), ct);
            await ProblemAssert.IsProblemAsync(inUse, HttpStatusCode.Conflict, "role.inUse", ct);
            var detail = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/roles/{role}"), ct);
            Assert.Contains(detail.GetProperty("users").EnumerateArray(), u => u.GetProperty("username").GetString() == "role.holder");

            using var cloned = await admin.PostAsJsonAsync(Url($"/api/roles/{role}/clone"), new { name = "log-readers-2", displayName = "日志查阅（副本）" }, ct);
            Assert.Equal(HttpStatusCode.Created, cloned.StatusCode);
            var copy = await cloned.Content.ReadFromJsonAsync<JsonElement>(ct);
            clone = copy.GetProperty("role").GetProperty("id").GetInt64();
            Assert.Equal([Permissions.AuditView], copy.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
            using var duplicate = await admin.PostAsJsonAsync(Url($"/api/roles/{role}/clone"), new { name = "log-readers-3", displayName = "日志查阅（副本）" }, ct);
            Assert.Contains("field.unique", await duplicate.Content.ReadAsStringAsync(ct));
            using var wrongKind = await admin.PostAsJsonAsync(Url("/api/roles"), new { name = "mixed", displayName = "混合", kind = RoleKinds.Service, permissions = new[] { Permissions.AuditView } }, ct);
            Assert.Contains("role.kindFixed", await wrongKind.Content.ReadAsStringAsync(ct));

            var search = await admin.GetFromJsonAsync<JsonElement>(Url("/api/roles?q=日志查阅&enabled=true"), ct);
            Assert.Equal(2, search.GetProperty("total").GetInt32());

            // The shipped roles are ordinary: the administrator edits one, and a restart's seeding leaves the edit alone.
            var investigator = await RoleIdAsync(admin, BuiltInRoles.Investigator, ct);
            var original = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/roles/{investigator}"), ct);
            using var edited = await admin.PutAsJsonAsync(Url($"/api/roles/{investigator}"), new { name = BuiltInRoles.Investigator, displayName = "侦查员", kind = RoleKinds.Function, description = "edited", permissions = new[] { Permissions.DashboardView, Permissions.DevicesView } }, ct);
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
            await factory.Services.GetRequiredService<RoleStore>().EnsureShippedAsync(BuiltInRoles.All, ct);
            var kept = await admin.GetFromJsonAsync<JsonElement>(Url($"/api/roles/{investigator}"), ct);
            Assert.Equal("edited", kept.GetProperty("role").GetProperty("description").GetString());
            Assert.Equal(2, kept.GetProperty("permissions").GetArrayLength());
            using var restore = await admin.PutAsJsonAsync(Url($"/api/roles/{investigator}"), new
            {
                name = BuiltInRoles.Investigator,
                displayName = "侦查员",
                kind = RoleKinds.Function,
                description = original.GetProperty("role").GetProperty("description").GetString(),
                permissions = original.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToArray(),
            }, ct);
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);

            var rows = ReadXlsx(await admin.GetByteArrayAsync(Url("/api/roles/export"), ct));
            Assert.Contains(rows, r => r[0] == "log-readers" && r[2] == "功能角色" && r[7]!.Contains("查看审计日志", StringComparison.Ordinal));
            Assert.Contains(rows, r => r[0] == BuiltInRoles.AllDevices && r[8] == "全部设备");
        }
        finally
        {
            await DeleteUserAsync(admin, userId, ct);
            await admin.DeleteAsync(Url($"/api/roles/{role}"), ct);
            if (clone is not null)
            {
                await admin.DeleteAsync(Url($"/api/roles/{clone}"), ct);
            }
        }
    }

    [Fact]
    public async Task Tokens_CallOnlyTheServicesOfTheirUsersServiceRoles()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var (station, _) = await TwoStationsAsync(admin, ct);
        var clerk = await RoleIdAsync(admin, BuiltInRoles.ArchiveClerk, ct);
        var devices = await RoleIdAsync(admin, BuiltInRoles.AllDevices, ct);
        var sync = await RoleIdAsync(admin, BuiltInRoles.LedgerSyncService, ct);
        var tokenManager = await CreateRoleAsync(admin, "token-makers", "令牌管理", RoleKinds.Function, permissions: [Permissions.ApiTokensManage], ct: ct);
        var userId = await CreateUserAsync(admin, "ledger.system", station.Id, [clerk, devices, tokenManager], ct);
        try
        {
            using var system = await SignInFirstTimeAsync("ledger.system", ct);
            using var created = await system.PostAsJsonAsync(Url("/api/auth/tokens"), new { name = "一机一档系统", expiresInDays = 10, commissioningUnit = "市局科信处" }, ct);
            var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString();
            using var bearer = factory.CreateClient();
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

            // No service role: every API but "who am I" is refused, though the function permission is there.
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Url("/api/auth/me"), ct)).StatusCode);
            using var refused = await bearer.GetAsync(Url("/api/devices/search?pageSize=1"), ct);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "auth.serviceNotGranted", ct);

            // With the ledger-sync service role: the catalogue and the sync API, still nothing else.
            using var grant = await admin.PostAsJsonAsync(Url("/api/users/batch-roles"), new { userIds = new[] { userId }, grant = new[] { sync } }, ct);
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Url("/api/devices/search?pageSize=1"), ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Url("/api/archive/sync"), ct)).StatusCode);
            var device = (await bearer.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?pageSize=1"), ct)).GetProperty("items")[0];
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Url($"/api/devices/{device.GetProperty("id").GetInt64()}"), ct)).StatusCode);
            using var jobs = await bearer.GetAsync(Url("/api/jobs"), ct);
            await ProblemAssert.IsProblemAsync(jobs, HttpStatusCode.Forbidden, "auth.serviceNotGranted", ct);

            using var auditor = await factory.SignInAsync("auditor", "Auditor#2026", ct);
            await auditor.GetAsync(Url("/api/logs/verify"), ct);
            var log = await auditor.GetFromJsonAsync<JsonElement>(Url("/api/logs/operations?user=ledger.system&kind=security&operation=token.serviceRefused"), ct);
            Assert.True(log.GetProperty("total").GetInt32() >= 2);

            // The service-call entry carries every UM-9 field: commissioning unit, department, user's name, system,
            // call address, service category/subcategory/name, device name, return status, time.
            var calls = await auditor.GetFromJsonAsync<JsonElement>(Url($"/api/logs/operations?user=ledger.system&kind=serviceCall&device={device.GetProperty("id").GetInt64()}"), ct);
            var call = calls.GetProperty("items")[0];
            Assert.Equal("市局科信处", call.GetProperty("commissioningUnit").GetString());
            Assert.Equal("ledger.system", call.GetProperty("userDisplayName").GetString());
            Assert.Equal(station.Name, call.GetProperty("organisationName").GetString());
            Assert.StartsWith("一机一档系统 (token ", call.GetProperty("systemName").GetString(), StringComparison.Ordinal);
            Assert.Equal(device.GetProperty("name").GetString(), call.GetProperty("deviceName").GetString());
            Assert.Equal("Devices", call.GetProperty("serviceCategory").GetString());
            Assert.Equal("devices", call.GetProperty("serviceSubcategory").GetString());
            Assert.Equal("Devices_Get", call.GetProperty("serviceName").GetString());
            Assert.Equal(200, call.GetProperty("status").GetInt32());
            Assert.StartsWith("/api/devices/", call.GetProperty("path").GetString(), StringComparison.Ordinal);
            var xlsx = ReadXlsx(await auditor.GetByteArrayAsync(Url("/api/logs/operations.xlsx?user=ledger.system&kind=serviceCall"), ct));
            Assert.Contains("委办单位", xlsx[0]);
            Assert.Contains(xlsx.Skip(1), r => r.Contains("市局科信处") && r.Contains(device.GetProperty("name").GetString()));
        }
        finally
        {
            await DeleteUserAsync(admin, userId, ct);
            await admin.DeleteAsync(Url($"/api/roles/{tokenManager}"), ct);
        }
    }

    internal sealed record UserBody(string DisplayName, long OrganisationId, long[] RoleIds, bool Enabled = true, int MaxStreams = 4);

    private static UserBody Fields(string name, long organisationId, long[] roleIds) => new(name, organisationId, roleIds);

    private static async Task<((long Id, string Name) Station, (long Id, string Name) Other)> TwoStationsAsync(HttpClient admin, CancellationToken ct)
    {
        var stations = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/organisations"), ct)).EnumerateArray()
            .Where(o => o.GetProperty("kind").GetString() == "station" && o.GetProperty("deviceCount").GetInt32() > 20)
            .Select(o => (o.GetProperty("id").GetInt64(), o.GetProperty("name").GetString()!)).ToList();
        return (stations.Single(s => s.Item2 == "夏阳派出所"), stations.First(s => s.Item2 != "夏阳派出所"));
    }

    internal static async Task<long> RoleIdAsync(HttpClient admin, string name, CancellationToken ct)
    {
        var roles = await admin.GetFromJsonAsync<JsonElement>(Url("/api/roles?pageSize=500"), ct);
        return roles.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name).GetProperty("id").GetInt64();
    }

    internal static async Task<long> CreateRoleAsync(HttpClient admin, string name, string displayName, string kind, string[]? permissions = null, object[]? deviceGrants = null, string[]? services = null, CancellationToken ct = default)
    {
        using var response = await admin.PostAsJsonAsync(Url("/api/roles"), new { name, displayName, kind, permissions, deviceGrants, services }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("role").GetProperty("id").GetInt64();
    }

    internal static async Task<long> CreateUserAsync(HttpClient admin, string username, long organisationId, long[] roleIds, CancellationToken ct, DateTimeOffset? validUntil = null, int maxStreams = 4)
    {
        using var response = await admin.PostAsJsonAsync(Url("/api/users"), new { username, password = Password, displayName = username, organisationId, roleIds, validUntil, maxStreams }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
    }

    private async Task<HttpClient> SignInFirstTimeAsync(string username, CancellationToken ct)
    {
        var client = await factory.SignInAsync(username, Password, ct);
        using var changed = await client.PostAsJsonAsync(Url("/api/auth/password"), new { currentPassword = Password, newPassword = Changed }, ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        client.Dispose();
        return await factory.SignInAsync(username, Changed, ct);
    }

    private static async Task DeleteUserAsync(HttpClient admin, long id, CancellationToken ct)
    {
        using var _ = await admin.DeleteAsync(Url($"/api/users/{id}"), ct);
    }

    private static List<string?[]> ReadXlsx(byte[] bytes) => [.. Devices.TransferEndpointsTests.ReadXlsx(bytes).Select(r => r.Cells)];

    private static byte[] WriteXlsx(string?[] header, string[][] rows)
    {
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("用户导入", [.. header.Select(h => h ?? string.Empty)], rows.Select(r => (IReadOnlyList<object?>)[.. r]))]);
        return buffer.ToArray();
    }
}

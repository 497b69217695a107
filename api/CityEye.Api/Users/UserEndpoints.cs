using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Infrastructure;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Users;

/// <summary>
/// User management (UM-1 to UM-6): search with counts by state, create, edit, delete, clone, batch role grants, xlsx
/// import and export, and one user's effective permissions with their sources. Lock, unlock, enable, disable and
/// password reset are in <see cref="UserAdminEndpoints"/>. Every change is checked by <see cref="AccessGuard"/> and
/// written to the security log (which joins the operation log).
/// </summary>
internal static class UserEndpoints
{
    /// <summary>Most rows one import takes (each new password costs one PBKDF2 on the hashing threads).</summary>
    public const int MaxImportRows = 500;

    /// <summary>Most users one export holds.</summary>
    public const int MaxExport = 20_000;

    private static readonly string[] ImportHeader = ["用户名", "姓名", "单位编码", "角色", "初始密码", "有效期起", "有效期止", "最大并发路数", "电话", "警号", "启用"];

    public static RouteGroupBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").WithTags("Users").RequirePermission(Permissions.UsersManage);
        group.MapGet(string.Empty, ListAsync).WithName("Users_List")
            .WithSummary("Searches the users of the units the caller manages (name, phone, police number; unit with the units below it; role; enabled; valid; online).")
            .ProducesValidationProblem();
        group.MapGet("/counts", CountsAsync).WithName("Users_Counts").WithSummary("Users by state: online/offline, enabled/disabled, valid/expired (UM-5).");
        group.MapGet("/export", ExportAsync).WithName("Users_Export").WithSummary("The users a search finds (up to 20,000) as xlsx.").ProducesValidationProblem();
        group.MapGet("/template", Template).WithName("Users_ImportTemplate").WithSummary("The xlsx template of the user import, with the units and roles as drop-downs.");
        group.MapPost("/import", ImportAsync).WithName("Users_Import").DisableAntiforgery()
            .WithSummary("Imports users from xlsx (up to 500 rows): every valid row is created (one transaction per row); every refused row is reported with all its problems.")
            .ProducesValidationProblem();
        group.MapPost("/batch-roles", BatchRolesAsync).WithName("Users_BatchRoles")
            .WithSummary("Grants and revokes roles for many users at once (not oneself; only users of managed units; only roles the caller could hold).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost(string.Empty, CreateAsync).WithName("Users_Create")
            .WithSummary("Creates a user; the first password must be changed at the first sign-in.")
            .ProducesValidationProblem();
        group.MapGet("/{id:long}", GetAsync).WithName("Users_Get").WithSummary("One user with its role ids.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:long}", UpdateAsync).WithName("Users_Update")
            .WithSummary("Edits a user and replaces its roles (one's own roles, unit, state and validity cannot be changed).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id:long}", DeleteAsync).WithName("Users_Delete")
            .WithSummary("Deletes a user with its sessions and tokens (not oneself).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/clone", CloneAsync).WithName("Users_Clone")
            .WithSummary("Creates a user with the same unit, roles, validity and stream limit (UM-4).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/permissions", PermissionsAsync).WithName("Users_Permissions")
            .WithSummary("The user's effective function, device and service permissions and the roles each comes from (UM-6).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<UserPage>> ListAsync([AsParameters] UserSearchRequest request, Caller caller, AccessGuard guard, UserDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var units = await guard.ManagedUnitsAsync(caller, cancellationToken);
        var (items, total) = await directory.ListAsync(request.ToFilter(), units, (request.Page - 1) * request.PageSize, request.PageSize, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new UserPage(total, items.Select(i => ToResponse(i, now)).ToList()));
    }

    private static async Task<Ok<UserCountsResponse>> CountsAsync(Caller caller, AccessGuard guard, UserDirectory directory, CancellationToken cancellationToken)
    {
        var c = await directory.CountsAsync(await guard.ManagedUnitsAsync(caller, cancellationToken), cancellationToken);
        return TypedResults.Ok(new UserCountsResponse(c.Total, c.Online, c.Offline, c.Enabled, c.Disabled, c.Valid, c.Expired));
    }

    private static async Task<Results<Ok<UserDetailResponse>, ProblemHttpResult>> GetAsync(long id, Caller caller, AccessGuard guard, UserStore users, UserDirectory directory, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(id, cancellationToken);
        if (user is null || !await guard.ManagesAsync(caller, user.OrganisationId, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        return TypedResults.Ok(ToDetail(user, await directory.RoleIdsAsync(id, cancellationToken)));
    }

    private static async Task<Results<Created<UserDetailResponse>, ValidationProblem>> CreateAsync(
        CreateUserRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, UserStore users, UserDirectory directory,
        PasswordPolicy policy, PasswordHashingPool hashing, PasswordHasher hasher, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var (violations, roleNames) = await CheckFieldsAsync(request, null, caller, guard, roles, directory, string.Empty, cancellationToken);
        violations.AddRange(await CheckNewNameAsync(request.Username, "username", users, cancellationToken));
        violations.AddRange(policy.Check(request.Username, request.Password, "password"));
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        var id = await CreateUserAsync(request, request.Username, request.Password, roleNames, users, hashing, hasher, cancellationToken);
        var user = (await users.GetAsync(id, cancellationToken))!;
        await AuditAsync(events, context, caller, "user.created", user, $"roles [{string.Join(", ", roleNames)}]", cancellationToken);
        return TypedResults.Created($"/api/users/{id}", ToDetail(user, await directory.RoleIdsAsync(id, cancellationToken)));
    }

    private static async Task<Results<Ok<UserDetailResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, UserFields request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, UserStore users, UserDirectory directory, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(id, cancellationToken);
        if (user is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (await guard.CheckTargetAsync(caller, id, cancellationToken) is { } refused)
        {
            return Problems.Of(refused.Status, refused.Code);
        }

        var current = await directory.RoleIdsAsync(id, cancellationToken);
        if (id == caller.User.UserId && (!current.SequenceEqual(request.RoleIds.Distinct().Order()) || request.OrganisationId != user.OrganisationId
            || !request.Enabled || request.ValidFrom != user.ValidFrom || request.ValidUntil != user.ValidUntil || request.MaxStreams != user.MaxStreams))
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SelfAdministration);
        }

        // Only roles added need to be grantable: keeping a role the caller could not grant is not an escalation.
        var (violations, roleNames) = await CheckFieldsAsync(request, current, caller, guard, roles, directory, string.Empty, cancellationToken);
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        await directory.UpdateAsync(id, request.ToEdit(), request.RoleIds, cancellationToken);
        var updated = (await users.GetAsync(id, cancellationToken))!;
        await AuditAsync(events, context, caller, "user.updated", updated, $"roles [{string.Join(", ", roleNames)}], enabled {updated.Enabled}", cancellationToken);
        return TypedResults.Ok(ToDetail(updated, await directory.RoleIdsAsync(id, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, Caller caller, HttpContext context, AccessGuard guard, UserStore users, UserDirectory directory, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(id, cancellationToken);
        if (user is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (await guard.CheckTargetAsync(caller, id, cancellationToken) is { } refused)
        {
            return Problems.Of(refused.Status, refused.Code);
        }

        if (id == caller.User.UserId)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SelfAdministration);
        }

        await directory.DeleteAsync(id, cancellationToken);
        await AuditAsync(events, context, caller, "user.deleted", user, null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<UserDetailResponse>, ValidationProblem, ProblemHttpResult>> CloneAsync(
        long id, CloneUserRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, UserStore users, UserDirectory directory,
        PasswordPolicy policy, PasswordHashingPool hashing, PasswordHasher hasher, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var source = await users.GetAsync(id, cancellationToken);
        if (source is null || !await guard.ManagesAsync(caller, source.OrganisationId, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var fields = new CreateUserRequest(request.Username, request.Password, request.DisplayName, source.OrganisationId, [.. await directory.RoleIdsAsync(id, cancellationToken)],
            source.Enabled, source.ValidFrom, source.ValidUntil, source.MaxStreams);
        var (violations, roleNames) = await CheckFieldsAsync(fields, null, caller, guard, roles, directory, string.Empty, cancellationToken);
        violations.AddRange(await CheckNewNameAsync(request.Username, "username", users, cancellationToken));
        violations.AddRange(policy.Check(request.Username, request.Password, "password"));
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        var newId = await CreateUserAsync(fields, request.Username, request.Password, roleNames, users, hashing, hasher, cancellationToken);
        var user = (await users.GetAsync(newId, cancellationToken))!;
        await AuditAsync(events, context, caller, "user.cloned", user, $"from {source.Username}", cancellationToken);
        return TypedResults.Created($"/api/users/{newId}", ToDetail(user, await directory.RoleIdsAsync(newId, cancellationToken)));
    }

    private static async Task<Results<Ok<BatchRolesResponse>, ValidationProblem, ProblemHttpResult>> BatchRolesAsync(
        BatchRolesRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, UserDirectory directory, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var grant = (request.Grant ?? []).Distinct().ToList();
        var revoke = (request.Revoke ?? []).Distinct().ToList();
        if (grant.Count == 0 && revoke.Count == 0)
        {
            return Problems.Validation("grant", ErrorCodes.Required);
        }

        if (request.UserIds.Contains(caller.User.UserId))
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SelfAdministration);
        }

        var violations = new List<Violation>();
        var owners = await directory.OrganisationsOfAsync(request.UserIds, cancellationToken);
        var units = await guard.ManagedUnitsAsync(caller, cancellationToken);
        foreach (var unknown in request.UserIds.Distinct().Where(u => !owners.ContainsKey(u) || (units is not null && !units.Contains(owners[u]))))
        {
            violations.Add(new Violation("userIds", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = unknown }));
        }

        var found = await roles.GetManyAsync(grant.Concat(revoke), cancellationToken);
        foreach (var missing in grant.Concat(revoke).Where(r => found.All(f => f.Role.Id != r)))
        {
            violations.Add(new Violation(grant.Contains(missing) ? "grant" : "revoke", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = missing }));
        }

        violations.AddRange(await guard.CheckGrantableAsync(caller, found.Where(r => grant.Contains(r.Role.Id)), "grant", cancellationToken));
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        var (added, removed) = await directory.BatchRolesAsync(request.UserIds, grant, revoke, cancellationToken);
        var names = found.ToDictionary(r => r.Role.Id, r => r.Role.Name);
        await events.WriteAsync("user.rolesBatch", null, null, context.Connection.RemoteIpAddress?.ToString(),
            $"by {caller.User.Username}: {request.UserIds.Distinct().Count()} users, grant [{string.Join(", ", grant.Select(g => names[g]))}], revoke [{string.Join(", ", revoke.Select(r => names[r]))}]; {added} added, {removed} removed",
            cancellationToken);
        return TypedResults.Ok(new BatchRolesResponse(request.UserIds.Distinct().Count(), added, removed));
    }

    private static async Task<Results<Ok<EffectivePermissionsResponse>, ProblemHttpResult>> PermissionsAsync(
        long id, Caller caller, AccessGuard guard, UserDirectory directory, DeviceGrantResolver resolver, CancellationToken cancellationToken)
    {
        var effective = await directory.EffectiveAsync(id, cancellationToken);
        if (effective is null || !await guard.ManagesAsync(caller, effective.User.OrganisationId, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var grantLabels = await resolver.GrantLabelsAsync(effective.DeviceGrants.Select(g => g.Grant), cancellationToken);
        var modules = Permissions.Modules.SelectMany(m => m.Permissions.Select(p => (p, m.Label))).ToDictionary(x => x.p, x => x.Label, StringComparer.Ordinal);
        return TypedResults.Ok(new EffectivePermissionsResponse(
            effective.User.Id,
            effective.User.Username,
            effective.User.DisplayName,
            effective.User.OrganisationName,
            effective.Roles.Select(r => new UserRoleResponse(r.Id, r.Name, r.DisplayName, r.Kind, r.Enabled)).ToList(),
            effective.Permissions.Select(p => new SourcedGrantItem(p.Code, Permissions.All.GetValueOrDefault(p.Code, p.Code), modules.GetValueOrDefault(p.Code, string.Empty), p.Roles)).ToList(),
            effective.DeviceGrants.Select(g => new SourcedDeviceGrant(g.Grant.Kind, g.Grant.Value, grantLabels.GetValueOrDefault(g.Grant, g.Grant.Value), g.Devices, g.Roles)).ToList(),
            effective.AllDevices,
            effective.DeviceCount,
            effective.Services.Select(s => new SourcedGrantItem(s.Code, ServiceCatalog.Find(s.Code)?.Label ?? s.Code, ServiceCatalog.Find(s.Code)?.Category ?? string.Empty, s.Roles)).ToList()));
    }

    private static async Task<FileContentHttpResult> ExportAsync([AsParameters] UserSearchRequest request, Caller caller, AccessGuard guard, UserDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var (items, _) = await directory.ListAsync(request.ToFilter(), await guard.ManagedUnitsAsync(caller, cancellationToken), 0, MaxExport, cancellationToken);
        var now = time.GetUtcNow();
        string[] header = ["用户名", "姓名", "单位", "角色", "状态", "有效期起", "有效期止", "有效", "最大并发路数", "电话", "警号", "最近登录", "在线"];
        var rows = items.Select(u => (IReadOnlyList<object?>)
        [
            u.Username, u.DisplayName, u.OrganisationName, u.RoleNames, u.Enabled ? "启用" : "停用", Local(u.ValidFrom), Local(u.ValidUntil),
            IsValid(u.ValidFrom, u.ValidUntil, now) ? "是" : "否", u.MaxStreams, u.Phone, u.PoliceNumber, Local(u.LastLoginAt), u.Online ? "是" : "否",
        ]);
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("用户", header, rows)]);
        return TypedResults.File(buffer.ToArray(), TransferEndpoints.XlsxType, $"users-{now.ToOffset(TimeSpan.FromHours(8)):yyyyMMdd-HHmm}.xlsx");
    }

    private static async Task<FileContentHttpResult> Template(Caller caller, AccessGuard guard, UserDirectory directory, RoleStore roles, CancellationToken cancellationToken)
    {
        var units = await guard.ManagedUnitsAsync(caller, cancellationToken);
        var codes = (await directory.OrganisationCodesAsync(cancellationToken)).Where(c => units is null || units.Contains(c.Value)).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        var (roleList, _) = await roles.ListAsync(new RoleFilter(), 0, 500, cancellationToken);
        IReadOnlyList<object?> example = ["zhang.san", "张三", codes.FirstOrDefault() ?? string.Empty, string.Join("，", roleList.Take(2).Select(r => r.DisplayName)), "Change#2026", "2026-12-01", "2027-12-01", 4, "021-59700000", "012345", "是"];
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("用户导入", ImportHeader, [example])
        {
            DropDowns = new Dictionary<int, IReadOnlyList<string>> { [2] = codes, [10] = ["是", "否"] },
        }]);
        return TypedResults.File(buffer.ToArray(), TransferEndpoints.XlsxType, "users-template.xlsx");
    }

    private static async Task<Results<Ok<UserImportReport>, ValidationProblem>> ImportAsync(
        IFormFile? file, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, UserStore users, UserDirectory directory,
        PasswordPolicy policy, PasswordHashingPool hashing, PasswordHasher hasher, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", ErrorCodes.Required);
        }

        if (file.Length > 5 * 1024 * 1024)
        {
            return Problems.Validation("file", ErrorCodes.ImportTooLarge, new Dictionary<string, object?> { ["max"] = 5 });
        }

        var path = Path.Combine(Path.GetTempPath(), "cityeye-users-" + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            List<(int Row, string?[] Cells)> rows;
            try
            {
                rows = XlsxReader.Read(path, MaxImportRows + 2).ToList();
            }
            catch (XlsxFormatException)
            {
                return Problems.Validation("file", ErrorCodes.ImportNotXlsx);
            }

            if (rows.Count == 0 || !rows[0].Cells.Take(ImportHeader.Length).Select(c => c?.Trim()).SequenceEqual(ImportHeader))
            {
                return Problems.Validation("file", ErrorCodes.ImportUnknownColumns, new Dictionary<string, object?> { ["columns"] = string.Join("，", ImportHeader) });
            }

            var data = rows.Skip(1).ToList();
            if (data.Count == 0)
            {
                return Problems.Validation("file", ErrorCodes.ImportEmpty);
            }

            if (data.Count > MaxImportRows)
            {
                return Problems.Validation("file", ErrorCodes.ImportTooManyRows, new Dictionary<string, object?> { ["max"] = MaxImportRows });
            }

            var codes = await directory.OrganisationCodesAsync(cancellationToken);
            var problems = new List<UserImportRowProblem>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var created = 0;
            foreach (var (row, cells) in data)
            {
                string Cell(int i) => i < cells.Length ? cells[i]?.Trim() ?? string.Empty : string.Empty;
                var violations = new List<Violation>();
                var username = Cell(0);
                var roleIds = new List<long>();
                foreach (var name in Cell(3).Split([',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (await roles.FindIdAsync(name, cancellationToken) is { } roleId)
                    {
                        roleIds.Add(roleId);
                    }
                    else
                    {
                        violations.Add(new Violation("roles", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = name }));
                    }
                }

                var organisationId = codes.GetValueOrDefault(Cell(2));
                if (organisationId == 0)
                {
                    violations.Add(new Violation("organisationCode", Cell(2).Length == 0 ? ErrorCodes.Required : ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = Cell(2) }));
                }

                var validFrom = ParseDate(Cell(5), "validFrom", violations);
                var validUntil = ParseDate(Cell(6), "validUntil", violations);
                var maxStreams = UserAccount.DefaultMaxStreams;
                if (Cell(7).Length > 0 && !int.TryParse(Cell(7), NumberStyles.None, CultureInfo.InvariantCulture, out maxStreams))
                {
                    violations.Add(new Violation("maxStreams", ErrorCodes.Format));
                }

                var enabled = Cell(10) is "" or "是" or "启用" or "true" or "1";
                var request = new CreateUserRequest(username, Cell(4), Cell(1), organisationId, [.. roleIds], enabled, validFrom, validUntil, maxStreams, Cell(8), Cell(9));
                violations.AddRange(Infrastructure.Validation.RequestValidation.Validate(request).Where(v => v.Field != "organisationId" || organisationId != 0));
                if (organisationId != 0)
                {
                    var (fieldProblems, _) = await CheckFieldsAsync(request, null, caller, guard, roles, directory, string.Empty, cancellationToken);
                    violations.AddRange(fieldProblems);
                }

                if (username.Length > 0 && !seen.Add(username))
                {
                    violations.Add(new Violation("username", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = username }));
                }
                else
                {
                    violations.AddRange(await CheckNewNameAsync(username, "username", users, cancellationToken));
                }

                if (Cell(4).Length > 0)
                {
                    violations.AddRange(policy.Check(username, Cell(4), "password"));
                }

                if (violations.Count > 0)
                {
                    problems.Add(new UserImportRowProblem(row, username.Length == 0 ? null : username, violations.DistinctBy(v => (v.Field, v.Code)).ToList()));
                    continue;
                }

                var roleNames = (await roles.GetManyAsync(roleIds, cancellationToken)).Select(r => r.Role.Name).ToList();
                await CreateUserAsync(request, username, Cell(4), roleNames, users, hashing, hasher, cancellationToken);
                created++;
            }

            await events.WriteAsync("user.imported", null, null, context.Connection.RemoteIpAddress?.ToString(),
                $"by {caller.User.Username}: {Path.GetFileName(file.FileName)}, {data.Count} rows, {created} created, {problems.Count} refused", cancellationToken);
            return TypedResults.Ok(new UserImportReport(data.Count, created, problems));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The checks every write of user fields shares: the unit exists and is managed by the caller, the roles exist
    /// and those newly given are grantable. Returns the violations and the names of the roles.
    /// </summary>
    private static async Task<(List<Violation> Violations, List<string> RoleNames)> CheckFieldsAsync(
        UserFields fields, IReadOnlyList<long>? currentRoles, Caller caller, AccessGuard guard, RoleStore roles, UserDirectory directory, string prefix, CancellationToken cancellationToken)
    {
        var violations = new List<Violation>();
        if (await directory.OrganisationNameAsync(fields.OrganisationId, cancellationToken) is null)
        {
            violations.Add(new Violation(prefix + "organisationId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = fields.OrganisationId }));
        }
        else if (!await guard.ManagesAsync(caller, fields.OrganisationId, cancellationToken))
        {
            violations.Add(new Violation(prefix + "organisationId", ErrorCodes.UserOutsideUnits));
        }

        var found = await roles.GetManyAsync(fields.RoleIds, cancellationToken);
        foreach (var missing in fields.RoleIds.Where(r => found.All(f => f.Role.Id != r)).Distinct())
        {
            violations.Add(new Violation(prefix + "roleIds", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = missing }));
        }

        violations.AddRange(await guard.CheckGrantableAsync(caller, found.Where(r => currentRoles is null || !currentRoles.Contains(r.Role.Id)), prefix + "roleIds", cancellationToken));
        return (violations, found.Select(r => r.Role.Name).ToList());
    }

    private static async Task<IReadOnlyList<Violation>> CheckNewNameAsync(string username, string field, UserStore users, CancellationToken cancellationToken) =>
        username.Length > 0 && await users.FindByUsernameAsync(username, cancellationToken) is not null
            ? [new Violation(field, ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = username })]
            : [];

    private static async Task<long> CreateUserAsync(UserFields fields, string username, string password, IReadOnlyList<string> roleNames, UserStore users, PasswordHashingPool hashing, PasswordHasher hasher, CancellationToken cancellationToken)
    {
        var hash = await hashing.HashAsync(password, hasher);
        var edit = fields.ToEdit();
        return await users.CreateWithHashAsync(
            new NewUser(username, edit.DisplayName, edit.OrganisationId, password, roleNames, edit.Enabled, edit.ValidUntil, MustChangePassword: true, edit.ValidFrom, edit.MaxStreams, edit.Phone, edit.PoliceNumber),
            hash,
            cancellationToken);
    }

    private static DateTimeOffset? ParseDate(string text, string field, List<Violation> violations)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(local, TimeSpan.FromHours(8));
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1 and < 100_000)
        {
            return new DateTimeOffset(DateTime.FromOADate(serial), TimeSpan.FromHours(8));
        }

        violations.Add(new Violation(field, ErrorCodes.Format));
        return null;
    }

    private static Task AuditAsync(SecurityEventLog events, HttpContext context, Caller caller, string name, UserAccount user, string? detail, CancellationToken cancellationToken) =>
        events.WriteAsync(name, user.Username, user.Id, context.Connection.RemoteIpAddress?.ToString(), $"by {caller.User.Username}{(detail is null ? string.Empty : "; " + detail)}", cancellationToken);

    private static bool IsValid(DateTimeOffset? from, DateTimeOffset? until, DateTimeOffset now) => (from is null || from <= now) && (until is null || until > now);

    private static string Local(DateTimeOffset? at) => at?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? string.Empty;

    private static UserListItemResponse ToResponse(UserListItem u, DateTimeOffset now) => new(
        u.Id, u.Username, u.DisplayName, u.OrganisationId, u.OrganisationName, u.Enabled, u.LockedUntil > now, u.ValidFrom, u.ValidUntil,
        IsValid(u.ValidFrom, u.ValidUntil, now), u.MaxStreams, u.Phone, u.PoliceNumber, u.LastLoginAt, u.Online, u.RoleNames, u.CreatedAt);

    private static UserDetailResponse ToDetail(UserAccount u, IReadOnlyList<long> roleIds) => new(
        u.Id, u.Username, u.DisplayName, u.OrganisationId, u.OrganisationName, u.Enabled, u.LockedUntil, u.ValidFrom, u.ValidUntil, u.MaxStreams,
        u.Phone, u.PoliceNumber, u.MustChangePassword, u.LastLoginAt, u.CreatedAt, u.UpdatedAt, roleIds);
}

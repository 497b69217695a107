using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Infrastructure;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Users;

/// <summary>A role search.</summary>
public sealed record RoleSearchRequest(
    [property: MaxLength(64)] string? Q = null,
    [property: AllowedValues(null, "", RoleKinds.Function, RoleKinds.Device, RoleKinds.Service)] string? Kind = null,
    bool? Enabled = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 500)] int PageSize = 20)
{
    internal RoleFilter ToFilter() => new(Q, string.IsNullOrEmpty(Kind) ? null : Kind, Enabled);
}

/// <summary>A role in lists.</summary>
public sealed record RoleSummaryResponse(long Id, string Name, string DisplayName, string Description, string Kind, bool Enabled, bool BuiltIn, int UserCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool RequireCertificate)
{
    internal static RoleSummaryResponse From(RoleSummary r) => new(r.Id, r.Name, r.DisplayName, r.Description, r.Kind, r.Enabled, r.BuiltIn, r.UserCount, r.CreatedAt, r.UpdatedAt, r.RequireCertificate);
}

/// <summary>A page of roles.</summary>
public sealed record RolePage(int Total, IReadOnlyList<RoleSummaryResponse> Items);

/// <summary>A device grant: kind (all, organisation, group, region, device) and value (id, or region name).</summary>
public sealed record DeviceGrantDto(
    [property: Required, AllowedValues(DeviceGrantKinds.All, DeviceGrantKinds.Organisation, DeviceGrantKinds.Group, DeviceGrantKinds.Region, DeviceGrantKinds.Device)] string Kind,
    [property: MaxLength(64)] string? Value = null,
    string? Label = null);

/// <summary>A user holding a role.</summary>
public sealed record RoleUserResponse(long Id, string Username, string DisplayName, string OrganisationName);

/// <summary>A role with everything it grants and its users (the first 200).</summary>
public sealed record RoleDetailResponse(
    RoleSummaryResponse Role,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<DeviceGrantDto> DeviceGrants,
    int DeviceCount,
    IReadOnlyList<string> Services,
    IReadOnlyList<RoleUserResponse> Users);

/// <summary>
/// A role's content: <c>permissions</c> for function roles, <c>deviceGrants</c> for device roles, <c>services</c> for
/// service roles (the lists that do not fit the kind must be empty).
/// </summary>
public sealed record RoleRequest(
    [property: Required, RegularExpression("^[a-z][a-z0-9-]{1,63}$")] string Name,
    [property: Required, MinLength(1), MaxLength(64)] string DisplayName,
    [property: Required, AllowedValues(RoleKinds.Function, RoleKinds.Device, RoleKinds.Service)] string Kind,
    [property: MaxLength(500)] string? Description = null,
    bool Enabled = true,
    [property: MaxLength(100)] string[]? Permissions = null,
    [property: MaxLength(5000)] DeviceGrantDto[]? DeviceGrants = null,
    [property: MaxLength(50)] string[]? Services = null,
    bool RequireCertificate = false) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Permissions ?? []).Any(p => p is null) || (Services ?? []).Any(s => s is null) || (DeviceGrants ?? []).Any(g => g is null))
        {
            yield return new CodedValidationResult(nameof(Permissions), ErrorCodes.Required);
            yield break;
        }

        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            yield return new CodedValidationResult(nameof(DisplayName), ErrorCodes.Required);
        }

        foreach (var permission in (Permissions ?? []).Where(p => !Core.Auth.Permissions.All.ContainsKey(p)).Take(5))
        {
            yield return new CodedValidationResult(nameof(Permissions), ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = permission });
        }

        foreach (var service in (Services ?? []).Where(s => ServiceCatalog.Find(s) is null).Take(5))
        {
            yield return new CodedValidationResult(nameof(Services), ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = service });
        }

        foreach (var grant in (DeviceGrants ?? []).Where(g => g.Kind is not DeviceGrantKinds.All and not DeviceGrantKinds.Region
            && !long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Take(5))
        {
            yield return new CodedValidationResult(nameof(DeviceGrants), ErrorCodes.Format, new Dictionary<string, object?> { ["value"] = grant.Value });
        }

        foreach (var grant in (DeviceGrants ?? []).Where(g => g.Kind == DeviceGrantKinds.Region && string.IsNullOrWhiteSpace(g.Value)).Take(1))
        {
            yield return new CodedValidationResult(nameof(DeviceGrants), ErrorCodes.Required);
        }

        if ((Kind != RoleKinds.Function && Permissions is { Length: > 0 }) || (Kind != RoleKinds.Device && DeviceGrants is { Length: > 0 }) || (Kind != RoleKinds.Service && Services is { Length: > 0 }))
        {
            yield return new CodedValidationResult(nameof(Kind), ErrorCodes.RoleKindFixed);
        }
    }

    internal RoleDraft ToDraft() => new(
        Name.Trim(),
        DisplayName.Trim(),
        Description?.Trim() ?? string.Empty,
        Kind,
        Enabled,
        Permissions ?? [],
        (DeviceGrants ?? []).Select(g => new DeviceGrant(g.Kind, g.Kind == DeviceGrantKinds.All ? string.Empty : g.Value!.Trim())).Distinct().ToList(),
        Services ?? [],
        RequireCertificate);
}

/// <summary>Clones a role under a new name.</summary>
public sealed record CloneRoleRequest(
    [property: Required, RegularExpression("^[a-z][a-z0-9-]{1,63}$")] string Name,
    [property: Required, MinLength(1), MaxLength(64)] string DisplayName);

/// <summary>A permission of the function tree.</summary>
public sealed record PermissionInfo(string Code, string Label);

/// <summary>A module (menu) of the function tree with its API functions.</summary>
public sealed record PermissionModuleInfo(string Code, string Label, IReadOnlyList<PermissionInfo> Permissions);

/// <summary>A service a service role may grant.</summary>
public sealed record ServiceInfo(string Code, string Label, string Category, IReadOnlyList<string> Paths);

/// <summary>What role editors offer: the function tree, the services, the kinds of device grant.</summary>
public sealed record RoleCatalogResponse(IReadOnlyList<PermissionModuleInfo> Modules, IReadOnlyList<ServiceInfo> Services, IReadOnlyList<string> GrantKinds);

/// <summary>Function, device and service roles (UM-7): search, detail with users, create, edit, clone, enable, disable, delete, export.</summary>
internal static class RoleEndpoints
{
    public static RouteGroupBuilder MapRoleEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/roles").WithTags("Roles").RequirePermission(Permissions.UsersManage);
        group.MapGet(string.Empty, ListAsync).WithName("Roles_List").WithSummary("Searches roles by name, display name or description, kind and state.").ProducesValidationProblem();
        group.MapGet("/catalog", Catalog).WithName("Roles_Catalog").WithSummary("The function tree (modules and API functions), the services and the kinds of device grant.");
        group.MapGet("/export", ExportAsync).WithName("Roles_Export").WithSummary("Every role with its grants and number of users as xlsx.");
        group.MapGet("/{id:long}", GetAsync).WithName("Roles_Get").WithSummary("A role with everything it grants and its users.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost(string.Empty, CreateAsync).WithName("Roles_Create").WithSummary("Creates a role (only with permissions and devices the caller holds).").ProducesValidationProblem();
        group.MapPut("/{id:long}", UpdateAsync).WithName("Roles_Update").WithSummary("Replaces a role's fields and grants (its kind never changes).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}", DeleteAsync).WithName("Roles_Delete").WithSummary("Deletes a role no user holds.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/clone", CloneAsync).WithName("Roles_Clone").WithSummary("Copies a role with all its grants under a new name.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/enable", (long id, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken ct) => SetEnabledAsync(id, true, caller, context, guard, roles, resolver, events, ct))
            .WithName("Roles_Enable").WithSummary("Switches a role on (its grants apply again at once).").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/disable", (long id, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken ct) => SetEnabledAsync(id, false, caller, context, guard, roles, resolver, events, ct))
            .WithName("Roles_Disable").WithSummary("Switches a role off: its holders lose what it grants at once.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<RolePage>> ListAsync([AsParameters] RoleSearchRequest request, RoleStore roles, CancellationToken cancellationToken)
    {
        var (items, total) = await roles.ListAsync(request.ToFilter(), (request.Page - 1) * request.PageSize, request.PageSize, cancellationToken);
        return TypedResults.Ok(new RolePage(total, items.Select(RoleSummaryResponse.From).ToList()));
    }

    private static Ok<RoleCatalogResponse> Catalog() => TypedResults.Ok(new RoleCatalogResponse(
        Permissions.Modules.Select(m => new PermissionModuleInfo(m.Code, m.Label, m.Permissions.Select(p => new PermissionInfo(p, Permissions.All[p])).ToList())).ToList(),
        ServiceCatalog.All.Select(s => new ServiceInfo(s.Code, s.Label, s.Category, s.PathPrefixes)).ToList(),
        DeviceGrantKinds.Every));

    private static async Task<Results<Ok<RoleDetailResponse>, ProblemHttpResult>> GetAsync(long id, Caller caller, RoleStore roles, DeviceGrantResolver resolver, CancellationToken cancellationToken)
    {
        var role = await roles.GetAsync(id, cancellationToken);
        return role is null ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound) : TypedResults.Ok(await DetailAsync(role, roles, resolver, cancellationToken));
    }

    private static async Task<Results<Created<RoleDetailResponse>, ValidationProblem>> CreateAsync(RoleRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var draft = request.ToDraft();
        var violations = await CheckAsync(draft, null, caller, guard, roles, resolver, cancellationToken);
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        var id = await roles.CreateAsync(draft, cancellationToken);
        await AuditAsync(events, context, caller, "role.created", draft.Name, Summary(draft), cancellationToken);
        return TypedResults.Created($"/api/roles/{id}", await DetailAsync((await roles.GetAsync(id, cancellationToken))!, roles, resolver, cancellationToken));
    }

    private static async Task<Results<Ok<RoleDetailResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, RoleRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var existing = await roles.GetAsync(id, cancellationToken);
        if (existing is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (existing.Role.Kind != request.Kind)
        {
            return Problems.Validation("kind", ErrorCodes.RoleKindFixed);
        }

        var draft = request.ToDraft();
        var violations = (await guard.CheckRoleAdministrationAsync(caller, existing, cancellationToken)).ToList();
        violations.AddRange(await CheckAsync(draft, id, caller, guard, roles, resolver, cancellationToken));
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        await roles.UpdateAsync(id, draft, cancellationToken);
        await AuditAsync(events, context, caller, "role.updated", draft.Name, Summary(draft), cancellationToken);
        return TypedResults.Ok(await DetailAsync((await roles.GetAsync(id, cancellationToken))!, roles, resolver, cancellationToken));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(long id, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var existing = await roles.GetAsync(id, cancellationToken);
        if (existing is not null && await guard.CheckRoleAdministrationAsync(caller, existing, cancellationToken) is { Count: > 0 } refused)
        {
            return Problems.Validation(refused);
        }

        var outcome = existing is null ? null : await roles.DeleteAsync(id, cancellationToken);
        switch (outcome)
        {
            case null:
                return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
            case > 0:
                return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.RoleInUse, new Dictionary<string, object?> { ["count"] = outcome });
            default:
                await AuditAsync(events, context, caller, "role.deleted", existing!.Role.Name, existing.Role.DisplayName, cancellationToken);
                return TypedResults.NoContent();
        }
    }

    private static async Task<Results<Created<RoleDetailResponse>, ValidationProblem, ProblemHttpResult>> CloneAsync(long id, CloneRoleRequest request, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var source = await roles.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var draft = new RoleDraft(request.Name.Trim(), request.DisplayName.Trim(), source.Role.Description, source.Role.Kind, source.Role.Enabled, source.Permissions, source.DeviceGrants, source.Services, source.Role.RequireCertificate);
        var violations = await CheckAsync(draft, null, caller, guard, roles, resolver, cancellationToken);
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        var newId = await roles.CreateAsync(draft, cancellationToken);
        await AuditAsync(events, context, caller, "role.cloned", draft.Name, $"from {source.Role.Name}", cancellationToken);
        return TypedResults.Created($"/api/roles/{newId}", await DetailAsync((await roles.GetAsync(newId, cancellationToken))!, roles, resolver, cancellationToken));
    }

    private static async Task<Results<Ok<RoleSummaryResponse>, ValidationProblem, ProblemHttpResult>> SetEnabledAsync(long id, bool enabled, Caller caller, HttpContext context, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var role = await roles.GetAsync(id, cancellationToken);
        if (role is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        // Switching a role on hands its content to every holder, switching it off takes it from every holder: only an
        // administrator who could grant all of it, over every unit that holds it.
        var violations = await guard.CheckRoleAdministrationAsync(caller, role, cancellationToken);
        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        await roles.SetEnabledAsync(id, enabled, cancellationToken);
        await AuditAsync(events, context, caller, enabled ? "role.enabled" : "role.disabled", role.Role.Name, null, cancellationToken);
        return TypedResults.Ok(RoleSummaryResponse.From((await roles.GetAsync(id, cancellationToken))!.Role));
    }

    private static async Task<FileContentHttpResult> ExportAsync(Caller caller, RoleStore roles, DeviceGrantResolver resolver, TimeProvider time, CancellationToken cancellationToken)
    {
        var (items, _) = await roles.ListAsync(new RoleFilter(), 0, 10_000, cancellationToken);
        var details = await roles.GetManyAsync(items.Select(r => r.Id), cancellationToken);
        var labels = await resolver.GrantLabelsAsync(details.SelectMany(d => d.DeviceGrants), cancellationToken);
        string[] header = ["角色编码", "角色名称", "类型", "状态", "内置", "用户数", "说明", "功能权限", "设备范围", "服务"];
        var rows = details.Select(d => (IReadOnlyList<object?>)
        [
            d.Role.Name, d.Role.DisplayName, KindLabel(d.Role.Kind), d.Role.Enabled ? "启用" : "停用", d.Role.BuiltIn ? "是" : "否", d.Role.UserCount, d.Role.Description,
            string.Join("，", d.Permissions.Select(p => Permissions.All.GetValueOrDefault(p, p))),
            string.Join("，", d.DeviceGrants.Select(g => labels.GetValueOrDefault(g, g.Value))),
            string.Join("，", d.Services.Select(s => ServiceCatalog.Find(s)?.Label ?? s)),
        ]);
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("角色", header, rows)]);
        return TypedResults.File(buffer.ToArray(), TransferEndpoints.XlsxType, $"roles-{time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)):yyyyMMdd-HHmm}.xlsx");
    }

    private static async Task<List<Violation>> CheckAsync(RoleDraft draft, long? id, Caller caller, AccessGuard guard, RoleStore roles, DeviceGrantResolver resolver, CancellationToken cancellationToken)
    {
        var violations = new List<Violation>();
        var (name, displayName) = await roles.TakenAsync(draft.Name, draft.DisplayName, id, cancellationToken);
        if (name)
        {
            violations.Add(new Violation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = draft.Name }));
        }

        if (displayName)
        {
            violations.Add(new Violation("displayName", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = draft.DisplayName }));
        }

        var labels = await resolver.GrantLabelsAsync(draft.DeviceGrants, cancellationToken);
        foreach (var missing in draft.DeviceGrants.Where(g => g.Kind is DeviceGrantKinds.Organisation or DeviceGrantKinds.Group or DeviceGrantKinds.Device && labels[g].StartsWith('#')))
        {
            violations.Add(new Violation("deviceGrants", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = $"{missing.Kind} {missing.Value}" }));
        }

        violations.AddRange(await guard.CheckDraftAsync(caller, draft.Kind, draft.Permissions, draft.DeviceGrants, draft.Kind == RoleKinds.Device ? "deviceGrants" : "permissions", draft.DisplayName, cancellationToken));
        return violations;
    }

    private static async Task<RoleDetailResponse> DetailAsync(RoleDetail role, RoleStore roles, DeviceGrantResolver resolver, CancellationToken cancellationToken)
    {
        var labels = await resolver.GrantLabelsAsync(role.DeviceGrants, cancellationToken);
        var (scope, _) = await resolver.ResolveAsync(role.DeviceGrants, cancellationToken);
        var users = await roles.UsersAsync(role.Role.Id, 200, cancellationToken);
        return new RoleDetailResponse(
            RoleSummaryResponse.From(role.Role),
            role.Permissions,
            role.DeviceGrants.Select(g => new DeviceGrantDto(g.Kind, g.Value, labels.GetValueOrDefault(g, g.Value))).ToList(),
            role.DeviceGrants.Count == 0 ? 0 : await resolver.CountDevicesAsync(scope, cancellationToken),
            role.Services,
            users.Select(u => new RoleUserResponse(u.Id, u.Username, u.DisplayName, u.OrganisationName)).ToList());
    }

    private static string KindLabel(string kind) => kind switch
    {
        RoleKinds.Function => "功能角色",
        RoleKinds.Device => "设备角色",
        _ => "服务角色",
    };

    private static string Summary(RoleDraft d) =>
        $"{d.Kind}: permissions [{string.Join(", ", d.Permissions)}], devices [{string.Join(", ", d.DeviceGrants.Select(g => g.Kind + ":" + g.Value))}], services [{string.Join(", ", d.Services)}], enabled {d.Enabled}";

    private static Task AuditAsync(SecurityEventLog events, HttpContext context, Caller caller, string name, string role, string? detail, CancellationToken cancellationToken) =>
        events.WriteAsync(name, null, null, context.Connection.RemoteIpAddress?.ToString(), $"by {caller.User.Username}: role {role}{(detail is null ? string.Empty : "; " + detail)}", cancellationToken);
}

using CityEye.Api.Auth;
using CityEye.Api.Devices;
using CityEye.Api.Infrastructure;
using CityEye.Api.Walls;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Plans;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using CityEye.Core.Walls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Plans;

/// <summary>
/// Video plans (视频预案, PL-1 to PL-10): directory trees per type with counts, plan CRUD, clone, a plan from the
/// staging rack, search, details, import and export, statistics, and execution in the player or on a video wall.
/// What a caller sees follows the directory permissions of their roles (PL-10) and, for devices, their device scope.
/// </summary>
internal static class PlanEndpoints
{
    public const string DocumentFormat = "cityeye-plans/1";

    public static void MapPlanEndpoints(this IEndpointRouteBuilder routes)
    {
        var view = routes.MapGroup("/api/plans").WithTags("Plans").RequirePermission(Permissions.PlansView);
        view.MapGet("/directories", DirectoriesAsync).WithName("Plans_Directories")
            .WithSummary("The three directory trees (basic, task, special) the caller's roles may see, with the plans under each directory and its sub-directories.");
        view.MapGet("/", ListAsync).WithName("Plans_List")
            .WithSummary("Plans of a directory (with its sub-directories) or of all visible ones, by part of the name and type: directory path, name, device count, view count.")
            .ProducesValidationProblem();
        view.MapGet("/search", ListAsync).WithName("Plans_Search").WithSummary("Searches plans by full or partial name (q), optionally in a directory: the same answer as Plans_List.")
            .ProducesValidationProblem();
        view.MapGet("/stats", StatsAsync).WithName("Plans_Stats").WithSummary("Plans, devices and views per directory (with sub-directories) and per type, and the most viewed plans.");
        view.MapGet("/{id:long}", GetAsync).WithName("Plans_Get")
            .WithSummary("A plan's details: layout (screens × split), patrol interval, devices in wall order with name, keyboard code and key attributes (devices outside the caller's scope are marked hidden).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        view.MapPost("/{id:long}/execute", ExecuteAsync).WithName("Plans_Execute")
            .WithSummary("Executes a plan: target player answers the devices to play (those the caller may watch) with split and patrol; target wall (wall.control) sends them to the wall's screens in order, patrolling pages beyond the first. Counts a view.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        view.MapGet("/{id:long}/export", ExportOneAsync).WithName("Plans_ExportOne").WithSummary($"One plan as a {DocumentFormat} document (devices by GB code).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        view.MapGet("/export", ExportAsync).WithName("Plans_Export").WithSummary($"The plans of a directory (with sub-directories) as a {DocumentFormat} document.");

        var manage = routes.MapGroup("/api/plans").WithTags("Plans").RequirePermission(Permissions.PlansManage);
        manage.MapPost("/directories", CreateDirectoryAsync).WithName("Plans_CreateDirectory").WithSummary("Creates a directory under another (of the same tree).")
            .ProducesValidationProblem();
        manage.MapPut("/directories/{id:long}", UpdateDirectoryAsync).WithName("Plans_UpdateDirectory")
            .WithSummary("Renames, moves (re-parents, within its tree, never under itself) and orders a directory.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapDelete("/directories/{id:long}", DeleteDirectoryAsync).WithName("Plans_DeleteDirectory").WithSummary("Deletes an empty directory (not a root).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPut("/directories/{id:long}/roles", SetRolesAsync).WithName("Plans_SetDirectoryRoles")
            .WithSummary("The roles that may see the directory's plans (empty: as its parent; the roots: every role with plans.view).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPost("/", CreateAsync).WithName("Plans_Create").WithSummary("Creates a plan (its type is its directory's); devices must be inside the caller's scope.")
            .ProducesValidationProblem();
        manage.MapPut("/{id:long}", UpdateAsync).WithName("Plans_Update").WithSummary("Saves a plan if it is still at the version given (409 otherwise).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapDelete("/{id:long}", DeleteAsync).WithName("Plans_Delete").WithSummary("Deletes a plan.").ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPost("/{id:long}/clone", CloneAsync).WithName("Plans_Clone").WithSummary("Copies a plan (name default: the name with 副本) into its directory or another of the same tree.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPost("/from-stage", FromStageAsync).WithName("Plans_FromStage").WithSummary("Creates a plan from the caller's device staging rack, in rack order.")
            .ProducesValidationProblem();
        manage.MapPost("/import", ImportAsync).WithName("Plans_Import")
            .WithSummary($"Imports a {DocumentFormat} document into a directory (directoryId): all or nothing, with a report per plan (unknown devices, devices outside the caller's scope, names taken).")
            .ProducesValidationProblem();
    }

    /// <summary>The directories the caller's roles may see: a directory's nearest rule upwards decides; no rule anywhere: visible.</summary>
    private static async Task<(IReadOnlyList<PlanDirectory> All, HashSet<long> Visible, IReadOnlyDictionary<long, IReadOnlyList<long>> Roles)> VisibleAsync(
        Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        var all = await plans.DirectoriesAsync(cancellationToken);
        var rules = await plans.DirectoryRolesAsync(cancellationToken);
        if (caller.User.Permissions.Contains(Permissions.PlansManage))
        {
            return (all, [.. all.Select(d => d.Id)], rules);
        }

        var roleIds = await plans.RoleIdsAsync(cancellationToken);
        var mine = caller.User.Roles.Select(r => roleIds.GetValueOrDefault(r)).Where(r => r != 0).ToHashSet();
        var byId = all.ToDictionary(d => d.Id);
        bool Allowed(PlanDirectory directory)
        {
            var steps = 0;
            for (long? id = directory.Id; id is { } current && byId.TryGetValue(current, out var d) && steps++ <= byId.Count; id = d.ParentId)
            {
                if (rules.TryGetValue(current, out var allowed))
                {
                    return allowed.Any(mine.Contains);
                }
            }

            return true;
        }

        var visible = all.Where(Allowed).Select(d => d.Id).ToHashSet();
        return (all, visible, rules);
    }

    private static HashSet<long> Subtree(long root, IReadOnlyList<PlanDirectory> all)
    {
        var ids = new HashSet<long> { root };
        for (var added = true; added;)
        {
            added = false;
            foreach (var d in all.Where(d => d.ParentId is { } p && ids.Contains(p) && !ids.Contains(d.Id)))
            {
                added = ids.Add(d.Id) || added;
            }
        }

        return ids;
    }

    private static async Task<Ok<List<PlanDirectoryResponse>>> DirectoriesAsync(Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        var (all, visible, roles) = await VisibleAsync(caller, plans, cancellationToken);
        var stats = (await plans.StatsAsync(visible, cancellationToken)).Directories.ToDictionary(s => s.DirectoryId);
        return TypedResults.Ok(all.Where(d => visible.Contains(d.Id))
            .Select(d => new PlanDirectoryResponse(d.Id, d.ParentId, d.PlanType, d.Name, d.SortOrder, stats.GetValueOrDefault(d.Id).Plans, roles.GetValueOrDefault(d.Id) ?? []))
            .ToList());
    }

    private static async Task<Results<Ok<PlanListResponse>, ValidationProblem>> ListAsync([AsParameters] PlanListRequest request, Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        var (all, visible, _) = await VisibleAsync(caller, plans, cancellationToken);
        if (request.DirectoryId is { } root && !visible.Contains(root))
        {
            return Problems.Validation("directoryId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = root });
        }

        var directories = request.DirectoryId is { } r ? Subtree(r, all).Where(visible.Contains).ToList() : [.. visible];
        var (total, items) = await plans.ListAsync(directories, request.Q, request.Type, (request.Page - 1) * request.PageSize, request.PageSize, request.Sort ?? "updated", cancellationToken);
        return TypedResults.Ok(new PlanListResponse(total, request.Page, request.PageSize, items));
    }

    private static async Task<Ok<PlanStatsResponse>> StatsAsync(Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        var (all, visible, _) = await VisibleAsync(caller, plans, cancellationToken);
        var byId = all.ToDictionary(d => d.Id);
        var (directories, types) = await plans.StatsAsync(visible, cancellationToken);
        var (_, top) = await plans.ListAsync([.. visible], null, null, 0, 10, "views", cancellationToken);
        return TypedResults.Ok(new PlanStatsResponse(
            [.. directories.Where(d => visible.Contains(d.DirectoryId)).OrderBy(d => PlanStore.PathOf(d.DirectoryId, byId), StringComparer.Ordinal)
                .Select(d => new PlanDirectoryStat(d.DirectoryId, PlanStore.PathOf(d.DirectoryId, byId), d.Plans, d.Devices, d.Views))],
            [.. types.Select(t => new PlanTypeStat(t.Type, t.Plans, t.Views))],
            top));
    }

    /// <summary>The plan if it exists and its directory is visible to the caller, else the problem to answer.</summary>
    private static async Task<(Plan? Plan, IReadOnlyList<PlanDirectory> All, ProblemHttpResult? Problem)> VisiblePlanAsync(long id, Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        var plan = await plans.GetAsync(id, cancellationToken);
        if (plan is null)
        {
            return (null, [], Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound));
        }

        var (all, visible, _) = await VisibleAsync(caller, plans, cancellationToken);
        return visible.Contains(plan.DirectoryId) ? (plan, all, null) : (null, all, Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.PlanForbidden));
    }

    private static async Task<PlanResponse> DescribeAsync(Plan plan, IReadOnlyList<PlanDirectory> all, Caller caller, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var found = (await devices.GetManyAsync(plan.DeviceIds, cancellationToken)).ToDictionary(d => d.Id);
        var snapshot = await names.GetAsync(cancellationToken);
        var items = plan.DeviceIds.Select((id, position) => found.TryGetValue(id, out var d) && caller.DeviceScope.Includes(d.OrganisationId, d.Id)
            ? new PlanDeviceResponse(id, position, false, d.Name, d.GbCode, d.KeyboardCode, d.Type.ToString(), d.Status.ToString(), d.Resolution, d.Manufacturer,
                snapshot.Organisations.GetValueOrDefault(d.OrganisationId), d.Address, d.Longitude, d.Latitude)
            : new PlanDeviceResponse(id, position, true, null, null, null, null, null, null, null, null, null, null, null)).ToList();
        return new PlanResponse(plan.Id, plan.DirectoryId, PlanStore.PathOf(plan.DirectoryId, all.ToDictionary(d => d.Id)), plan.PlanType, plan.Name, plan.Description, plan.PoliceLine,
            plan.BusinessTagId, plan.Screens, plan.Split, plan.PatrolSeconds, plan.ViewCount, plan.Version, plan.CreatedBy, plan.CreatedAt, plan.UpdatedAt, items);
    }

    private static async Task<Results<Ok<PlanResponse>, ProblemHttpResult>> GetAsync(long id, Caller caller, PlanStore plans, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var (plan, all, problem) = await VisiblePlanAsync(id, caller, plans, cancellationToken);
        return problem ?? (Results<Ok<PlanResponse>, ProblemHttpResult>)TypedResults.Ok(await DescribeAsync(plan!, all, caller, devices, names, cancellationToken));
    }

    private static async Task<Results<Ok<PlanExecuteResponse>, ValidationProblem, ProblemHttpResult>> ExecuteAsync(
        long id, PlanExecuteRequest request, Caller caller, PlanStore plans, DeviceStore devices, WallConsole console, CancellationToken cancellationToken)
    {
        var (plan, _, problem) = await VisiblePlanAsync(id, caller, plans, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var visible = await devices.VisibleIdsAsync(plan!.DeviceIds, caller.DeviceScope, cancellationToken);
        var ids = plan.DeviceIds.Where(visible.Contains).ToList();
        long? wallId = null;
        if (request.Target == "wall")
        {
            if (!caller.User.Permissions.Contains(Permissions.WallControl))
            {
                return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);
            }

            if (request.WallId is not { } wall)
            {
                return Problems.Validation("wallId", ErrorCodes.Required);
            }

            // A plan none of whose devices the caller may watch leaves the wall as it is.
            if (ids.Count == 0)
            {
                return Problems.Validation("deviceIds", ErrorCodes.Required);
            }

            try
            {
                var changed = await console.ChangeAsync(wall, w =>
                {
                    var screens = PlanLayout.Distribute(ids, w.State.Screens.Count, plan.Split);
                    var state = w.State;
                    for (var screen = 0; screen < screens.Count; screen++)
                    {
                        var list = screens[screen].Take(WallLayout.MaxDevicesPerScreen).Select(d => (long?)d).ToList();
                        state = WallLayout.SendScreen(state, screen, plan.Split, list, list.Count > plan.Split ? plan.PatrolSeconds : null);
                    }

                    return w with { State = state };
                }, cancellationToken);
                if (changed is null)
                {
                    return Problems.Validation("wallId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = wall });
                }
            }
            catch (WallConflictException)
            {
                return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict);
            }

            wallId = wall;
        }

        await plans.AddViewAsync(id, cancellationToken);
        return TypedResults.Ok(new PlanExecuteResponse(id, ids, plan.Split, plan.PatrolSeconds, wallId, plan.DeviceIds.Count - ids.Count));
    }

    private static async Task<Results<Created<PlanDirectoryResponse>, ValidationProblem>> CreateDirectoryAsync(PlanDirectoryRequest request, Caller caller, PlanStore plans, CancellationToken cancellationToken)
    {
        try
        {
            var d = await plans.CreateDirectoryAsync(request.ParentId!.Value, request.Name!.Trim(), caller.User.Username, cancellationToken);
            return TypedResults.Created($"/api/plans/directories/{d.Id}", new PlanDirectoryResponse(d.Id, d.ParentId, d.PlanType, d.Name, d.SortOrder, 0, []));
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<Ok<PlanDirectoryResponse>, ValidationProblem, ProblemHttpResult>> UpdateDirectoryAsync(long id, PlanDirectoryRequest request, PlanStore plans, CancellationToken cancellationToken)
    {
        try
        {
            var d = await plans.UpdateDirectoryAsync(id, request.Name!.Trim(), request.ParentId!.Value, request.SortOrder, cancellationToken);
            return d is null ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound) : TypedResults.Ok(new PlanDirectoryResponse(d.Id, d.ParentId, d.PlanType, d.Name, d.SortOrder, 0, []));
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteDirectoryAsync(long id, PlanStore plans, CancellationToken cancellationToken)
    {
        try
        {
            return await plans.DeleteDirectoryAsync(id, cancellationToken) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetRolesAsync(long id, PlanDirectoryRolesRequest request, PlanStore plans, CancellationToken cancellationToken)
    {
        if (!(await plans.DirectoriesAsync(cancellationToken)).Any(d => d.Id == id))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var known = (await plans.RoleIdsAsync(cancellationToken)).Values.ToHashSet();
        if (request.RoleIds!.FirstOrDefault(r => !known.Contains(r)) is var bad and not 0)
        {
            return Problems.Validation("roleIds", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = bad });
        }

        await plans.SetDirectoryRolesAsync(id, request.RoleIds!, cancellationToken);
        return TypedResults.NoContent();
    }

    private static PlanFields Fields(PlanRequest r, IReadOnlyList<long> devices) =>
        new(r.DirectoryId!.Value, r.Name!.Trim(), string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim(), r.PoliceLine, r.Screens, r.Split, r.PatrolSeconds, devices);

    private static async Task<Results<Created<PlanResponse>, ValidationProblem>> CreateAsync(
        PlanRequest request, Caller caller, PlanStore plans, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var ids = request.DeviceIds ?? [];
        if (await Tags.TagEndpoints.OutsideScopeAsync(ids, caller, devices, cancellationToken) is { } outside)
        {
            return outside;
        }

        try
        {
            var plan = await plans.CreateAsync(Fields(request, ids), caller.User.Username, cancellationToken);
            return TypedResults.Created($"/api/plans/{plan.Id}", await DescribeAsync(plan, await plans.DirectoriesAsync(cancellationToken), caller, devices, names, cancellationToken));
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<Ok<PlanResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, PlanRequest request, Caller caller, PlanStore plans, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var before = await plans.GetAsync(id, cancellationToken);
        if (before is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (request.Version is null)
        {
            return Problems.Validation("version", ErrorCodes.Required);
        }

        // Devices the caller cannot see stay in the plan, after the ones the caller's list orders.
        var ids = request.DeviceIds ?? [];
        if (await Tags.TagEndpoints.OutsideScopeAsync(ids, caller, devices, cancellationToken) is { } outside)
        {
            return outside;
        }

        var seen = await devices.VisibleIdsAsync(before.DeviceIds, caller.DeviceScope, cancellationToken);
        var hidden = before.DeviceIds.Where(d => !seen.Contains(d)).ToHashSet();
        try
        {
            var plan = await plans.UpdateAsync(id, Fields(request, [.. ids, .. before.DeviceIds.Where(hidden.Contains)]), request.Version.Value, caller.User.Username, cancellationToken);
            return plan is null
                ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
                : TypedResults.Ok(await DescribeAsync(plan, await plans.DirectoriesAsync(cancellationToken), caller, devices, names, cancellationToken));
        }
        catch (PlanException e) when (e.Code == ErrorCodes.PlanStale)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.PlanStale);
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, PlanStore plans, CancellationToken cancellationToken) =>
        await plans.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);

    private static async Task<Results<Created<PlanResponse>, ValidationProblem, ProblemHttpResult>> CloneAsync(
        long id, PlanCloneRequest request, Caller caller, PlanStore plans, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var source = await plans.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        // The copy holds only the devices the caller may see (a basic plan's tag would otherwise reach the others).
        var visible = await devices.VisibleIdsAsync(source.DeviceIds, caller.DeviceScope, cancellationToken);
        try
        {
            var plan = await plans.CreateAsync(
                new PlanFields(request.DirectoryId ?? source.DirectoryId, request.Name?.Trim() ?? source.Name + " 副本", source.Description, source.PoliceLine, source.Screens, source.Split, source.PatrolSeconds,
                    [.. source.DeviceIds.Where(visible.Contains)]),
                caller.User.Username,
                cancellationToken);
            var all = await plans.DirectoriesAsync(cancellationToken);
            if (all.First(d => d.Id == plan.DirectoryId).PlanType != source.PlanType)
            {
                await plans.DeleteAsync(plan.Id, cancellationToken);
                return Problems.Validation("directoryId", ErrorCodes.PlanDirectoryType);
            }

            return TypedResults.Created($"/api/plans/{plan.Id}", await DescribeAsync(plan, all, caller, devices, names, cancellationToken));
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<Results<Created<PlanResponse>, ValidationProblem>> FromStageAsync(
        PlanFromStageRequest request, Caller caller, PlanStore plans, DeviceStageStore stage, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var staged = await stage.ListAsync(caller.User.Username, cancellationToken);
        if (staged.Count == 0)
        {
            return Problems.Validation("deviceIds", ErrorCodes.Required);
        }

        var visible = await devices.VisibleIdsAsync(staged, caller.DeviceScope, cancellationToken);
        try
        {
            var plan = await plans.CreateAsync(
                new PlanFields(request.DirectoryId!.Value, request.Name!.Trim(), null, null, request.Screens, request.Split, request.PatrolSeconds, [.. staged.Where(visible.Contains)]),
                caller.User.Username,
                cancellationToken);
            return TypedResults.Created($"/api/plans/{plan.Id}", await DescribeAsync(plan, await plans.DirectoriesAsync(cancellationToken), caller, devices, names, cancellationToken));
        }
        catch (PlanException e)
        {
            return Problems.Validation(e.Field, e.Code, e.Args);
        }
    }

    private static async Task<PlanDocument> DocumentAsync(IEnumerable<Plan> list, IReadOnlyList<PlanDirectory> all, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var byId = all.ToDictionary(d => d.Id);
        var items = new List<PlanDocumentItem>();
        foreach (var plan in list)
        {
            var found = (await devices.GetManyAsync(plan.DeviceIds, cancellationToken)).Where(d => caller.DeviceScope.Includes(d.OrganisationId, d.Id)).ToDictionary(d => d.Id, d => d.GbCode);
            items.Add(new PlanDocumentItem(plan.Name, plan.PlanType, PlanStore.PathOf(plan.DirectoryId, byId), plan.Description, plan.PoliceLine, plan.Screens, plan.Split, plan.PatrolSeconds,
                [.. plan.DeviceIds.Where(found.ContainsKey).Select(d => found[d])]));
        }

        return new PlanDocument(DocumentFormat, [.. items]);
    }

    private static async Task<Results<Ok<PlanDocument>, ProblemHttpResult>> ExportOneAsync(long id, Caller caller, PlanStore plans, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (plan, all, problem) = await VisiblePlanAsync(id, caller, plans, cancellationToken);
        return problem ?? (Results<Ok<PlanDocument>, ProblemHttpResult>)TypedResults.Ok(await DocumentAsync([plan!], all, caller, devices, cancellationToken));
    }

    private static async Task<Ok<PlanDocument>> ExportAsync(long? directoryId, Caller caller, PlanStore plans, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (all, visible, _) = await VisibleAsync(caller, plans, cancellationToken);
        var directories = directoryId is { } r && visible.Contains(r) ? Subtree(r, all).Where(visible.Contains).ToList() : [.. visible];
        var (_, items) = await plans.ListAsync(directories, null, null, 0, 1000, "name", cancellationToken);
        var list = new List<Plan>();
        foreach (var item in items)
        {
            list.Add((await plans.GetAsync(item.Id, cancellationToken))!);
        }

        return TypedResults.Ok(await DocumentAsync(list, all, caller, devices, cancellationToken));
    }

    private static async Task<Results<Ok<PlanImportResponse>, ValidationProblem>> ImportAsync(
        long? directoryId, PlanDocument document, Caller caller, PlanStore plans, DeviceStore devices, CancellationToken cancellationToken)
    {
        if (document.Format != DocumentFormat)
        {
            return Problems.Validation("format", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = document.Format });
        }

        var all = await plans.DirectoriesAsync(cancellationToken);
        if (directoryId is not { } target || all.All(d => d.Id != target))
        {
            return Problems.Validation("directoryId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = directoryId });
        }

        var problems = new List<PlanImportProblem>();
        var fields = new List<PlanFields>();
        var codes = document.Plans!.SelectMany(p => p?.Devices ?? []).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var known = await devices.GetByGbCodesAsync(codes, cancellationToken);
        for (var i = 0; i < document.Plans!.Length; i++)
        {
            var item = document.Plans[i];
            void Add(string field, string code, IReadOnlyDictionary<string, object?>? args = null) =>
                problems.Add(new PlanImportProblem(i + 1, item?.Name, field, code, ErrorCodes.Describe(code, args)));
            if (item is null || string.IsNullOrWhiteSpace(item.Name) || item.Name.Trim().Length > 64)
            {
                Add("name", ErrorCodes.Required);
                continue;
            }

            if (!WallLayout.Splits.Contains(item.Split))
            {
                Add("split", ErrorCodes.WallSplit, new Dictionary<string, object?> { ["allowed"] = string.Join("/", WallLayout.Splits), ["value"] = item.Split });
            }

            if ((item.Devices?.Length ?? 0) > PlanLayout.MaxDevices)
            {
                Add("devices", ErrorCodes.PlanTooManyDevices, new Dictionary<string, object?> { ["max"] = PlanLayout.MaxDevices });
            }

            var ids = new List<long>();
            foreach (var code in item.Devices ?? [])
            {
                if (code is not null && known.TryGetValue(code, out var device) && caller.DeviceScope.Includes(device.OrganisationId, device.Id))
                {
                    ids.Add(device.Id);
                }
                else
                {
                    Add("devices", ErrorCodes.PlanUnknownDevice, new Dictionary<string, object?> { ["value"] = code });
                }
            }

            if (document.Plans.Take(i).Any(p => string.Equals(p?.Name?.Trim(), item.Name.Trim(), StringComparison.Ordinal)))
            {
                Add("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = item.Name.Trim() });
            }

            fields.Add(new PlanFields(target, item.Name.Trim(), item.Description, item.PoliceLine, Math.Clamp(item.Screens, 1, PlanLayout.MaxScreens), item.Split,
                Math.Clamp(item.PatrolSeconds, WallLayout.MinPatrolSeconds, WallLayout.MaxPatrolSeconds), ids));
        }

        if (problems.Count == 0)
        {
            try
            {
                var created = await plans.CreateManyAsync(fields, caller.User.Username, cancellationToken);
                return TypedResults.Ok(new PlanImportResponse(document.Plans.Length, created.Count, []));
            }
            catch (PlanException e)
            {
                var at = fields.FindIndex(f => e.Args?.GetValueOrDefault("value") is string name && name == f.Name);
                problems.Add(new PlanImportProblem(at + 1, at >= 0 ? fields[at].Name : null, e.Field, e.Code, ErrorCodes.Describe(e.Code, e.Args)));
            }
        }

        return TypedResults.Ok(new PlanImportResponse(document.Plans.Length, 0, problems));
    }
}

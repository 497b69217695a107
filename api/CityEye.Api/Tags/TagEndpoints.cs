using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Jobs;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Core.Tags;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Tags;

/// <summary>
/// Tags (归类治理数据, TG-1, TG-5 to TG-15): the dictionaries of the four categories, labelling, recycle and merge as
/// jobs, derivation rules, tag permissions and labelling statistics. What a caller sees of tags follows their tag
/// access (construction level, police lines); what they see of devices follows their device scope.
/// </summary>
internal static class TagEndpoints
{
    public static void MapTagEndpoints(this IEndpointRouteBuilder routes)
    {
        var view = routes.MapGroup("/api/tags").WithTags("Tags").RequirePermission(Permissions.DevicesView);
        view.MapGet("/", ListAsync).WithName("Tags_List")
            .WithSummary("Tags the caller may see, by category, kind, group, parent, police line, part of the name and state; with the devices (in the caller's scope) carrying each tag or one of its sub-tags, creator, creation time and search count.");
        view.MapGet("/police-lines", () => TypedResults.Ok(PoliceLines.All.Select(p => new PoliceLineResponse(p.Key, p.Value)).ToList()))
            .WithName("Tags_PoliceLines").WithSummary("The police lines business tags belong to.");
        view.MapGet("/groups", GroupsAsync).WithName("Tags_Groups").WithSummary("Business tag groups (per police line) and construction fields (with their level) the caller may see, with their tag counts.");
        view.MapGet("/labels", LabelsAsync).WithName("Tags_Labels").WithSummary("The labels of up to 500 devices (deviceId repeated) inside the caller's scope, with the tags the caller may see.");
        view.MapGet("/labelled", async (Caller caller, LabelStore labels, CancellationToken ct) => TypedResults.Ok(await labels.LabelledDevicesAsync(caller.DeviceScope, ct)))
            .WithName("Tags_Labelled").WithSummary("Ids of the devices in the caller's scope that carry at least one label (markers in the tree).");
        view.MapGet("/access/me", async (Caller caller, TagCatalog catalog, CancellationToken ct) => TypedResults.Ok(Describe(await AccessAsync(caller, catalog, ct))))
            .WithName("Tags_MyAccess").WithSummary("The caller's tag access: construction level, police lines, and whether each comes from the user, the unit or the default.");
        view.MapGet("/stats", StatsAsync).WithName("Tags_Stats")
            .WithSummary("Labelling statistics of a unit (default: the district) inside the caller's scope: devices, labelled devices and ratio, labels, labellers, by category, per sub-unit (cumulative and new in the period) and per day. Period default: the last 30 days.")
            .ProducesValidationProblem();
        view.MapGet("/stats/export", ExportStatsAsync).WithName("Tags_StatsExport").WithSummary("The same statistics as xlsx: summary, sub-units and daily trend.")
            .ProducesValidationProblem();

        var label = routes.MapGroup("/api/tags").WithTags("Tags").RequirePermission(Permissions.TagsLabel);
        label.MapPost("/", CreateAsync).WithName("Tags_Create")
            .WithSummary("Creates a tag, or answers the existing one of that name among its siblings (200, existing true) instead of a duplicate. Construction and derived tags need tags.manage; business tags a grant of their police line.")
            .ProducesValidationProblem();
        label.MapPost("/{id:long}/labels", LabelAsync).WithName("Tags_Label")
            .WithSummary("Labels devices (all inside the caller's scope, else 400 naming them) with a tag: labelled counts the new labels, merged the devices that already carried it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        label.MapDelete("/{id:long}/labels/{deviceId:long}", UnlabelAsync).WithName("Tags_Unlabel")
            .WithSummary("Removes a label: the caller's own, or anyone's with tags.manage; derived labels follow their rules.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var manage = routes.MapGroup("/api/tags").WithTags("Tags").RequirePermission(Permissions.TagsManage);
        manage.MapPut("/{id:long}", UpdateAsync).WithName("Tags_Update").WithSummary("Renames a tag (unique among its siblings) and sets its city code.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPost("/{id:long}/recycle", RecycleAsync).WithName("Tags_Recycle")
            .WithSummary("Recycles a tag and its sub-tags as a job: removes their labels from every device and updates every count; idempotent.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/{id:long}/merge", MergeAsync).WithName("Tags_Merge")
            .WithSummary("Merges a tag into another of the same category and level as a job: every device is relabelled to the target (never twice), sub-tags are merged or moved, rules and search counts follow; idempotent.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/groups", CreateGroupAsync).WithName("Tags_CreateGroup").WithSummary("Creates a business tag group of a police line, or a construction field with its level.")
            .ProducesValidationProblem();
        manage.MapPut("/groups/{id:long}", UpdateGroupAsync).WithName("Tags_UpdateGroup").WithSummary("Renames a group (or changes a construction field's level).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapDelete("/groups/{id:long}", DeleteGroupAsync).WithName("Tags_DeleteGroup").WithSummary("Deletes a group without active tags.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapGet("/rules", RulesAsync).WithName("Tags_Rules").WithSummary("Derivation rules: required tags (and plans) ⇒ a derived tag.");
        manage.MapPost("/rules", (TagRuleRequest request, Caller caller, TagRuleStore rules, TagCatalog catalog, Core.Plans.PlanStore plans, CancellationToken ct) => SaveRuleAsync(null, request, caller, rules, catalog, plans, ct))
            .WithName("Tags_CreateRule").WithSummary("Creates a derivation rule; derived labels are recomputed in the background.").ProducesValidationProblem();
        manage.MapPut("/rules/{id:long}", (long id, TagRuleRequest request, Caller caller, TagRuleStore rules, TagCatalog catalog, Core.Plans.PlanStore plans, CancellationToken ct) => SaveRuleAsync(id, request, caller, rules, catalog, plans, ct))
            .WithName("Tags_UpdateRule").WithSummary("Changes a derivation rule.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapDelete("/rules/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, TagRuleStore rules, CancellationToken ct) =>
                await rules.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Tags_DeleteRule").WithSummary("Deletes a derivation rule; its derived labels are removed in the background.");
        manage.MapGet("/access/units", UnitAccessAsync).WithName("Tags_UnitAccess").WithSummary("Every unit's tag-permission rule (inherited by its sub-units) and what it comes to.");
        manage.MapPut("/access/units/{organisationId:long}", SetUnitAccessAsync).WithName("Tags_SetUnitAccess")
            .WithSummary("Sets a unit's construction level and police lines (null: inherited); both null removes the rule.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapGet("/access/users/{userId:long}", UserAccessAsync).WithName("Tags_UserAccess").WithSummary("A user's manual override and effective tag access.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPut("/access/users/{userId:long}", SetUserAccessAsync).WithName("Tags_SetUserAccess")
            .WithSummary("Overrides a user's construction level and/or police lines (null: matched from the unit).").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPost("/scene-dictionary", SceneDictionaryImport.ImportAsync).DisableAntiforgery().WithName("Tags_ImportSceneDictionary")
            .WithSummary("Imports the city's scene dictionary (xlsx, multipart field 'file'; columns 场所类型编码, 场所类型, 场所部位编码, 场所部位, 监控场所编码, 监控场所名称): existing names are kept and get the city code, new ones are created; all or nothing, with a report per row.")
            .ProducesValidationProblem();
    }

    internal static async Task<(TagCatalog.Snapshot Snapshot, TagAccess Access)> AccessAsync(Caller caller, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        return (snapshot, snapshot.Access(caller.User.UserId, caller.User.OrganisationId, caller.User.Permissions.Contains(Permissions.TagsManage)));
    }

    private static TagAccessResponse Describe((TagCatalog.Snapshot Snapshot, TagAccess Access) access) => Describe(access.Access);

    /// <summary>A 400 for a tag filter naming a tag the caller may not see (or none), else null (device search and export).</summary>
    internal static ValidationProblem? HiddenTagProblem(IEnumerable<long> tagIds, TagCatalog.Snapshot tags, TagAccess access) =>
        tagIds.FirstOrDefault(t => !tags.Tags.TryGetValue(t, out var tag) || !access.Sees(tag, tags.GroupOf(tag))) is var hidden and not 0
            ? Problems.Validation("tag", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = hidden })
            : null;

    private static TagAccessResponse Describe(TagAccess a) => new(a.Everything, a.ConstructionLevel, a.PoliceLines, a.LevelSource, a.LinesSource);

    internal static TagResponse ToResponse(Tag tag, TagCatalog.Snapshot snapshot, long deviceCount)
    {
        var group = snapshot.GroupOf(tag);
        return new TagResponse(tag.Id, tag.Category, tag.Kind, tag.Name, snapshot.Tags.ContainsKey(tag.Id) ? snapshot.Path(tag) : tag.Name, tag.ParentId, tag.GroupId, group?.Name, group?.PoliceLine,
            group?.Level, tag.CityCode, tag.Origin, tag.State, tag.MergedInto, deviceCount, tag.SearchCount, tag.CreatedBy, tag.CreatedAt);
    }

    private static async Task<Ok<List<TagResponse>>> ListAsync([AsParameters] TagListRequest request, Caller caller, TagDirectory directory, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
        var items = await directory.ListAsync(
            new TagQuery
            {
                Category = request.Category,
                Kind = request.Kind,
                GroupId = request.GroupId,
                ParentId = request.ParentId,
                PoliceLine = request.PoliceLine,
                Name = request.Q,
                State = request.State ?? TagStates.Active,
            },
            caller.DeviceScope,
            cancellationToken);
        return TypedResults.Ok(items.Where(i => access.Sees(i.Tag, i.Group)).Select(i => ToResponse(i.Tag, snapshot, i.DeviceCount)).ToList());
    }

    private static async Task<Ok<List<TagGroupResponse>>> GroupsAsync(string? category, string? policeLine, Caller caller, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var (_, access) = await AccessAsync(caller, catalog, cancellationToken);
        var groups = await tags.GroupsAsync(category, policeLine, cancellationToken);
        return TypedResults.Ok(groups
            .Where(g => access.Everything || (g.Group.Category == TagCategories.Business ? g.Group.PoliceLine is { } l && access.PoliceLines.Contains(l) : ConstructionLevels.Sees(access.ConstructionLevel, g.Group.Level)))
            .Select(g => new TagGroupResponse(g.Group.Id, g.Group.Category, g.Group.PoliceLine, g.Group.Level, g.Group.Name, g.Tags, g.Group.CreatedBy, g.Group.CreatedAt))
            .ToList());
    }

    private static async Task<Results<Ok<List<DeviceLabelResponse>>, ValidationProblem>> LabelsAsync(
        long[]? deviceId, Caller caller, LabelStore labels, TagCatalog catalog, CancellationToken cancellationToken)
    {
        if (deviceId is null || deviceId.Length == 0)
        {
            return Problems.Validation("deviceId", ErrorCodes.Required);
        }

        if (deviceId.Length > 500)
        {
            return Problems.Validation("deviceId", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = 500 });
        }

        var (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
        var found = await labels.ForDevicesAsync(deviceId, caller.DeviceScope, cancellationToken);
        return TypedResults.Ok(found
            .Select(l => (Label: l, Tag: snapshot.Tags.GetValueOrDefault(l.TagId)))
            .Where(x => x.Tag is not null && access.Sees(x.Tag, snapshot.GroupOf(x.Tag)))
            .Select(x => new DeviceLabelResponse(x.Label.DeviceId, x.Tag!.Id, x.Tag.Category, x.Tag.Kind, x.Tag.Name, snapshot.Path(x.Tag), snapshot.GroupOf(x.Tag)?.PoliceLine,
                x.Label.Origin, x.Label.LabelledBy, x.Label.LabelledAt, x.Label.LabelledBy == caller.User.Username))
            .ToList());
    }

    private static async Task<Results<Created<TagCreateResponse>, Ok<TagCreateResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        TagCreateRequest request, Caller caller, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
        if (request.Category is TagCategories.Construction or TagCategories.Derived && !access.Everything)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagForbidden);
        }

        if (request.Category == TagCategories.Business && request.GroupId is { } g && snapshot.Groups.TryGetValue(g, out var group)
            && !access.Everything && !(group.PoliceLine is { } line && access.PoliceLines.Contains(line)))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagForbidden);
        }

        var (tag, existing, problem) = await tags.CreateAsync(
            request.Category!, request.Kind!, request.Name!, request.ParentId, request.GroupId, request.CityCode, TagOrigins.Manual, caller.User.Username, cancellationToken);
        if (problem is not null)
        {
            return Problems.Validation(problem.Field, problem.Code, problem.Args);
        }

        catalog.Invalidate();
        snapshot = await catalog.GetAsync(cancellationToken);
        var response = new TagCreateResponse(ToResponse(tag!, snapshot, 0), existing);
        return existing ? TypedResults.Ok(response) : TypedResults.Created($"/api/tags/{tag!.Id}", response);
    }

    private static async Task<Results<Ok<TagResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, TagUpdateRequest request, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var (tag, problem) = await tags.UpdateAsync(id, request.Name!, request.CityCode, cancellationToken);
        if (problem is not null)
        {
            return Problems.Validation(problem.Field, problem.Code, problem.Args);
        }

        if (tag is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        catalog.Invalidate();
        return TypedResults.Ok(ToResponse(tag, await catalog.GetAsync(cancellationToken), 0));
    }

    private static async Task<Results<Ok<TagLabelResponse>, ValidationProblem, ProblemHttpResult>> LabelAsync(
        long id, TagLabelRequest request, Caller caller, TagCatalog catalog, LabelStore labels, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
        if (!snapshot.Tags.TryGetValue(id, out var tag))
        {
            catalog.Invalidate();
            (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
            if (!snapshot.Tags.TryGetValue(id, out tag))
            {
                return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
            }
        }

        if (!access.Sees(tag, snapshot.GroupOf(tag)))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagForbidden);
        }

        if (tag.Category == TagCategories.Derived)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagDerived);
        }

        // Construction tags are the archive's own fields: only tag administrators put them on devices.
        if (tag.Category == TagCategories.Construction && !access.Everything)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagForbidden);
        }

        if (await OutsideScopeAsync(request.DeviceIds!, caller, devices, cancellationToken) is { } outside)
        {
            return outside;
        }

        var result = await labels.LabelAsync(id, request.DeviceIds!, caller.User.Username, cancellationToken);
        return result is null
            ? Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagNotActive)
            : TypedResults.Ok(new TagLabelResponse(result.Labelled, result.Merged));
    }

    /// <summary>A 400 naming the devices that do not exist or lie outside the caller's scope, or null when all are inside.</summary>
    internal static async Task<ValidationProblem?> OutsideScopeAsync(IReadOnlyCollection<long> deviceIds, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var found = await devices.VisibleIdsAsync(deviceIds, caller.DeviceScope, cancellationToken);
        var outside = deviceIds.Distinct().Where(d => !found.Contains(d)).ToList();
        return outside.Count == 0
            ? null
            : Problems.Validation("deviceIds", ErrorCodes.TagDevicesOutOfScope, new Dictionary<string, object?>
            {
                ["count"] = outside.Count,
                ["ids"] = string.Join(", ", outside.Take(20).Select(i => i.ToString(CultureInfo.InvariantCulture))) + (outside.Count > 20 ? " …" : string.Empty),
            });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnlabelAsync(
        long id, long deviceId, Caller caller, TagCatalog catalog, LabelStore labels, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (snapshot, access) = await AccessAsync(caller, catalog, cancellationToken);
        if (await devices.GetAsync(deviceId, caller.DeviceScope, cancellationToken) is null || !snapshot.Tags.TryGetValue(id, out var tag))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (!access.Sees(tag, snapshot.GroupOf(tag)))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagForbidden);
        }

        return await labels.RemoveAsync(id, deviceId, caller.User.Username, access.Everything, cancellationToken) switch
        {
            LabelRemoval.Removed => TypedResults.NoContent(),
            LabelRemoval.NotOwner => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.TagNotOwner),
            LabelRemoval.Derived => Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagDerived),
            _ => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
        };
    }

    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> RecycleAsync(long id, Caller caller, TagStore tags, JobStore jobs, CancellationToken cancellationToken)
    {
        var tag = await tags.GetAsync(id, cancellationToken);
        if (tag is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (tag.State != TagStates.Active)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagNotActive);
        }

        var job = await jobs.EnqueueAsync(
            TagMaintenanceJob.JobKind,
            $"回收标签「{tag.Name}」 (recycle tag {tag.Id})",
            System.Text.Json.JsonSerializer.Serialize(new TagMaintenanceRequest(TagMaintenance.Recycle, id, null), System.Text.Json.JsonSerializerOptions.Web),
            caller.User.Username,
            caller.User.UserId,
            cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> MergeAsync(
        long id, TagMergeRequest request, Caller caller, TagStore tags, TagCatalog catalog, JobStore jobs, CancellationToken cancellationToken)
    {
        var source = await tags.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (source.State != TagStates.Active)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagNotActive);
        }

        var target = await tags.GetAsync(request.TargetId!.Value, cancellationToken);
        var groups = (await catalog.GetAsync(cancellationToken)).Groups;
        if (TagMaintenance.MergeProblem(source, target, source.GroupId is { } sg ? groups.GetValueOrDefault(sg) : null, target?.GroupId is { } tg ? groups.GetValueOrDefault(tg) : null) is { } problem)
        {
            return Problems.Validation("targetId", problem == ErrorCodes.NotFound ? ErrorCodes.UnknownValue : problem, new Dictionary<string, object?> { ["value"] = request.TargetId });
        }

        var job = await jobs.EnqueueAsync(
            TagMaintenanceJob.JobKind,
            $"合并标签「{source.Name}」→「{target!.Name}」 (merge tag {source.Id} into {target.Id})",
            System.Text.Json.JsonSerializer.Serialize(new TagMaintenanceRequest(TagMaintenance.Merge, id, target.Id), System.Text.Json.JsonSerializerOptions.Web),
            caller.User.Username,
            caller.User.UserId,
            cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Created<TagGroupResponse>, ValidationProblem>> CreateGroupAsync(TagGroupRequest request, Caller caller, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var business = request.Category == TagCategories.Business;
        if (business && !PoliceLines.IsKnown(request.PoliceLine))
        {
            return Problems.Validation("policeLine", request.PoliceLine is null ? ErrorCodes.Required : ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = request.PoliceLine });
        }

        if (!business && request.Level is null)
        {
            return Problems.Validation("level", ErrorCodes.Required);
        }

        var name = TagNames.Clean(request.Name!);
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        var group = await tags.CreateGroupAsync(request.Category!, business ? request.PoliceLine : null, business ? null : request.Level, name, caller.User.Username, cancellationToken);
        if (group is null)
        {
            return Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name });
        }

        catalog.Invalidate();
        return TypedResults.Created($"/api/tags/groups/{group.Id}", new TagGroupResponse(group.Id, group.Category, group.PoliceLine, group.Level, group.Name, 0, group.CreatedBy, group.CreatedAt));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UpdateGroupAsync(long id, TagGroupUpdateRequest request, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        if (await tags.GetGroupAsync(id, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var name = TagNames.Clean(request.Name!);
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        if (!await tags.UpdateGroupAsync(id, name, request.Level, cancellationToken))
        {
            return Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name });
        }

        catalog.Invalidate();
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroupAsync(long id, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var deleted = await tags.DeleteGroupAsync(id, cancellationToken);
        catalog.Invalidate();
        return deleted switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            false => Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.TagGroupNotEmpty),
            true => TypedResults.NoContent(),
        };
    }

    private static async Task<Ok<List<TagRuleResponse>>> RulesAsync(TagRuleStore rules, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        return TypedResults.Ok((await rules.ListAsync(cancellationToken)).Select(r => RuleResponse(r, snapshot)).ToList());
    }

    private static TagRuleResponse RuleResponse(TagRule rule, TagCatalog.Snapshot snapshot) => new(
        rule.Id,
        rule.Name,
        rule.TargetTagId,
        snapshot.Tags.GetValueOrDefault(rule.TargetTagId)?.Name ?? rule.TargetTagId.ToString(CultureInfo.InvariantCulture),
        rule.RequiredTagIds,
        [.. rule.RequiredTagIds.Select(t => snapshot.Tags.TryGetValue(t, out var tag) ? snapshot.Path(tag) : t.ToString(CultureInfo.InvariantCulture))],
        rule.PlanIds,
        rule.Enabled,
        rule.CreatedBy,
        rule.UpdatedAt);

    private static async Task<Results<Ok<TagRuleResponse>, ValidationProblem, ProblemHttpResult>> SaveRuleAsync(
        long? id, TagRuleRequest request, Caller caller, TagRuleStore rules, TagCatalog catalog, Core.Plans.PlanStore planStore, CancellationToken cancellationToken)
    {
        catalog.Invalidate();
        var snapshot = await catalog.GetAsync(cancellationToken);
        if (!snapshot.Tags.TryGetValue(request.TargetTagId!.Value, out var target) || target.State != TagStates.Active || target.Category != TagCategories.Derived)
        {
            return Problems.Validation("targetTagId", ErrorCodes.TagRuleTarget);
        }

        var required = request.RequiredTagIds ?? [];
        var plans = request.PlanIds ?? [];
        if (required.Length == 0 && plans.Length == 0)
        {
            return Problems.Validation("requiredTagIds", ErrorCodes.Required);
        }

        // Derivation reads manual labels only, so a rule cannot require a derived tag.
        if (required.FirstOrDefault(t => !snapshot.Tags.TryGetValue(t, out var tag) || tag.State != TagStates.Active || tag.Category == TagCategories.Derived) is var bad and not 0)
        {
            return Problems.Validation("requiredTagIds", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = bad });
        }

        if (plans.Length > 0)
        {
            var known = (await planStore.ListAsync(null, null, null, 0, 10_000, "name", cancellationToken)).Items.Select(p => p.Id).ToHashSet();
            if (plans.FirstOrDefault(p => !known.Contains(p)) is var unknownPlan and not 0)
            {
                return Problems.Validation("planIds", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = unknownPlan });
            }
        }

        var name = TagNames.Clean(request.Name!);
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        var saved = await rules.SaveAsync(id, name, target.Id, required, plans, request.Enabled, caller.User.Username, cancellationToken);
        if (saved is null)
        {
            return id is not null && !(await rules.ListAsync(cancellationToken)).Any(r => r.Id == id)
                ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
                : Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name });
        }

        return TypedResults.Ok(RuleResponse(saved, snapshot));
    }

    private static async Task<Ok<List<TagUnitAccessResponse>>> UnitAccessAsync(TagCatalog catalog, Devices.ReferenceNames names, CancellationToken cancellationToken)
    {
        catalog.Invalidate();
        var snapshot = await catalog.GetAsync(cancellationToken);
        var organisations = (await names.GetAsync(cancellationToken)).Organisations;
        return TypedResults.Ok(snapshot.Units.Keys.Order().Select(id =>
        {
            var rule = snapshot.UnitRules.GetValueOrDefault(id);
            var effective = TagAccessStore.Resolve(id, false, null, snapshot.Units, snapshot.UnitRules);
            return new TagUnitAccessResponse(id, organisations.GetValueOrDefault(id, id.ToString(CultureInfo.InvariantCulture)), rule?.ConstructionLevel, rule?.PoliceLines,
                effective.ConstructionLevel, effective.PoliceLines, rule?.UpdatedBy, rule?.UpdatedAt);
        }).ToList());
    }

    private static ValidationProblem? LinesProblem(string[]? lines) =>
        lines?.FirstOrDefault(l => !PoliceLines.IsKnown(l)) is { } bad
            ? Problems.Validation("policeLines", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = bad.Length > 40 ? bad[..40] : bad })
            : null;

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetUnitAccessAsync(
        long organisationId, TagAccessSettingRequest request, Caller caller, TagAccessStore access, TagCatalog catalog, CancellationToken cancellationToken)
    {
        if (LinesProblem(request.PoliceLines) is { } problem)
        {
            return problem;
        }

        if (!(await catalog.GetAsync(cancellationToken)).Units.ContainsKey(organisationId))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        await access.SetUnitAsync(organisationId, request.ConstructionLevel, request.PoliceLines, caller.User.Username, cancellationToken);
        catalog.Invalidate();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TagUserAccessResponse>, ProblemHttpResult>> UserAccessAsync(long userId, UserStore users, TagAccessStore access, TagCatalog catalog, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        catalog.Invalidate();
        var snapshot = await catalog.GetAsync(cancellationToken);
        var setting = snapshot.UserRules.GetValueOrDefault(userId);
        return TypedResults.Ok(new TagUserAccessResponse(userId, setting?.ConstructionLevel, setting?.PoliceLines, Describe(snapshot.Access(userId, user.OrganisationId, false))));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetUserAccessAsync(
        long userId, TagAccessSettingRequest request, Caller caller, UserStore users, TagAccessStore access, TagCatalog catalog, CancellationToken cancellationToken)
    {
        if (LinesProblem(request.PoliceLines) is { } problem)
        {
            return problem;
        }

        if (await users.GetAsync(userId, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        await access.SetUserAsync(userId, request.ConstructionLevel, request.PoliceLines, caller.User.Username, cancellationToken);
        catalog.Invalidate();
        return TypedResults.NoContent();
    }

    private static (DateOnly From, DateOnly To)? Period(TagStatsRequest request, TimeProvider time)
    {
        var to = request.To ?? TagStatisticsService.Today(time.GetUtcNow());
        var from = request.From ?? to.AddDays(-29);
        return from > to || to.DayNumber - from.DayNumber > 366 ? null : (from, to);
    }

    private static async Task<Results<Ok<TagStatsResponse>, ValidationProblem>> StatsAsync(
        [AsParameters] TagStatsRequest request, Caller caller, TagStatisticsService statistics, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Period(request, time) is not { } period)
        {
            return Problems.Validation("from", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = 367 });
        }

        var stats = await statistics.ComputeAsync(request.OrganisationId, period.From, period.To, caller.DeviceScope, cancellationToken);
        if (stats is null)
        {
            return Problems.Validation("organisationId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = request.OrganisationId });
        }

        return TypedResults.Ok(new TagStatsResponse(
            stats.TotalDevices, stats.LabelledDevices, stats.TotalDevices == 0 ? 0 : Math.Round((double)stats.LabelledDevices / stats.TotalDevices, 4), stats.Labels, stats.Labellers,
            period.From, period.To, stats.Categories, stats.Unit, stats.SubUnits, stats.Trend));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportStatsAsync(
        [AsParameters] TagStatsRequest request, Caller caller, TagStatisticsService statistics, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Period(request, time) is not { } period)
        {
            return Problems.Validation("from", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = 367 });
        }

        var stats = await statistics.ComputeAsync(request.OrganisationId, period.From, period.To, caller.DeviceScope, cancellationToken);
        if (stats is null)
        {
            return Problems.Validation("organisationId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = request.OrganisationId });
        }

        string Ratio(long part, long whole) => whole == 0 ? "0%" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";
        var summary = new Spreadsheets.XlsxSheet("概况", ["单位", "统计起", "统计止", "设备总数", "已标注设备", "标注率", "标签数", "标注人数"],
            [[stats.Unit.Name, period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), period.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
              stats.TotalDevices, stats.LabelledDevices, Ratio(stats.LabelledDevices, stats.TotalDevices), stats.Labels, stats.Labellers]]);
        var units = new Spreadsheets.XlsxSheet("下级单位", ["单位", "设备总数", "累计标注点位", "新增标注点位", "累计标签数", "新增标签数", "标注人数", "人均标注点位", "标注率"],
            stats.SubUnits.Select(u => (IReadOnlyList<object?>)[u.Name, u.Devices, u.LabelledDevices, u.NewLabelledDevices, u.Labels, u.NewLabels, u.Labellers, u.DevicesPerLabeller, Ratio(u.LabelledDevices, u.Devices)]));
        var trend = new Spreadsheets.XlsxSheet("每日趋势", ["日期", "标签数", "新增标注点位"],
            stats.Trend.Select(d => (IReadOnlyList<object?>)[d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Labels, d.NewLabelledDevices]));
        using var buffer = new MemoryStream();
        Spreadsheets.XlsxWriter.Write(buffer, [summary, units, trend]);
        return TypedResults.File(buffer.ToArray(), Devices.Transfer.TransferEndpoints.XlsxType, $"tag-stats-{period.From:yyyyMMdd}-{period.To:yyyyMMdd}.xlsx");
    }
}

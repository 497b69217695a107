using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Groups;
using CityEye.Core.Organisations;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Devices;

/// <summary>The ledger's reference data (fields, dictionaries, rules) and its directory trees (AR-2).</summary>
internal static class CatalogEndpoints
{
    public static RouteGroupBuilder MapCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/archive").WithTags("Archive");

        group.MapGet("/fields", FieldsAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_Fields")
            .WithSummary("Every field of the device file (built-in and extended), with section, value type, dictionary and whether a rule requires it.");

        group.MapGet("/dictionaries", DictionariesAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_Dictionaries")
            .WithSummary("Dictionary entries (all dictionaries, or one).");

        group.MapGet("/rules", RulesAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_Rules")
            .WithSummary("The ledger's field rules: field, kind, parameters, category, whether they block writes or only the audit.");

        group.MapPut("/rules/{id}", UpdateRuleAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("Archive_UpdateRule")
            .WithSummary("Switches a rule on or off, makes it blocking or audit-only, or changes its parameters.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/city-dictionary", ApplyCityDictionaryAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("Archive_ApplyCityDictionary")
            .WithSummary("Applies the city archive centre's dictionaries and field definitions (AR-10): new values and new fields appear in forms, validation, imports and exports without a code change.")
            .ProducesValidationProblem();

        group.MapGet("/trees/business-groups", BusinessGroupTreeAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_BusinessGroupTree")
            .WithSummary("The business-group tree with the devices the caller may see, directly and with every descendant.");

        group.MapGet("/trees/regions", RegionTreeAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_RegionTree")
            .WithSummary("The administrative-region tree (district, towns and subdistricts) with device counts.");

        group.MapGet("/trees/organisations", OrganisationTreeAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Archive_OrganisationTree")
            .WithSummary("The organisation tree with device counts including sub-units.");

        return group;
    }

    private static async Task<Ok<List<DeviceFieldResponse>>> FieldsAsync(LedgerCatalog catalog, CancellationToken cancellationToken)
    {
        var rules = await catalog.ListRulesAsync(cancellationToken);
        return TypedResults.Ok((await catalog.ListFieldsAsync(cancellationToken)).Select(f => DeviceFieldResponse.From(f, rules)).ToList());
    }

    private static async Task<Ok<List<DictionaryItemResponse>>> DictionariesAsync(string? dictionary, LedgerCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalog.ListDictionaryItemsAsync(dictionary, cancellationToken))
            .Select(i => new DictionaryItemResponse(i.Dictionary, i.Code, i.Label, i.LabelEn, i.Sort, i.Enabled, i.Source)).ToList());

    private static async Task<Ok<List<DeviceRuleResponse>>> RulesAsync(LedgerCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalog.ListRulesAsync(cancellationToken)).Select(DeviceRuleResponse.From).ToList());

    private static async Task<Results<Ok<DeviceRuleResponse>, NotFound, ValidationProblem>> UpdateRuleAsync(
        string id, DeviceRuleUpdateRequest request, Caller caller, LedgerCatalog catalog, CancellationToken cancellationToken)
    {
        var rule = (await catalog.ListRulesAsync(cancellationToken)).FirstOrDefault(r => r.Id == id);
        if (rule is null)
        {
            return TypedResults.NotFound();
        }

        if (FieldRuleSet.ParameterProblem(rule.Kind, rule.Field, request.Parameters) is { } reason)
        {
            return Problems.Validation("parameters", ErrorCodes.RuleParameters, new Dictionary<string, object?> { ["value"] = rule.Kind, ["reason"] = reason });
        }

        var updated = await catalog.UpdateRuleAsync(id, request.Enabled, request.Blocking, request.Parameters, request.Description, caller.User.Username, cancellationToken);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(DeviceRuleResponse.From(updated));
    }

    private static async Task<Results<Ok<CityDictionaryResult>, ValidationProblem>> ApplyCityDictionaryAsync(
        CityDictionaryDocument document, Caller caller, LedgerCatalog catalog, ReferenceNames names, CancellationToken cancellationToken)
    {
        var problems = document.Check();
        if (problems.Count > 0)
        {
            return Problems.Validation(problems);
        }

        var result = await catalog.ApplyCityDictionaryAsync(document, caller.User.Username, cancellationToken);
        names.Invalidate();
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<List<TreeNodeResponse>>> BusinessGroupTreeAsync(Caller caller, BusinessGroupStore groups, CancellationToken cancellationToken)
    {
        var list = await groups.ListAsync(caller.DeviceScope, cancellationToken);
        List<(string, string?, string, int)> nodes = [.. list.Select(g => (Key(g.Id), g.ParentId is { } p ? Key(p) : null, g.Name, g.DeviceCount))];
        var unfiled = await groups.UnfiledCountAsync(caller.DeviceScope, cancellationToken);
        if (unfiled > 0 || nodes.Count == 0)
        {
            // Devices filed under no group hang under the first root as "未分组" (key 0, also a search filter value).
            nodes.Add((UnfiledKey, list.FirstOrDefault(g => g.ParentId is null) is { } root ? Key(root.Id) : null, "未分组", unfiled));
        }

        return TypedResults.Ok(Respond(Trees.Tree(nodes)));
    }

    private static async Task<Ok<List<TreeNodeResponse>>> RegionTreeAsync(Caller caller, BusinessGroupStore groups, LedgerCatalog catalog, CancellationToken cancellationToken)
    {
        const string district = "青浦区";
        var counts = (await groups.CountByRegionAsync(caller.DeviceScope, cancellationToken)).ToDictionary(c => c.Region, c => c.Count, StringComparer.Ordinal);
        var regions = (await catalog.ListDictionaryItemsAsync("region", cancellationToken)).Select(r => r.Code).Union(counts.Keys, StringComparer.Ordinal);
        List<(string, string?, string, int)> nodes = [(district, null, district, 0), .. regions.Select(r => (r, (string?)district, r, counts.GetValueOrDefault(r)))];
        return TypedResults.Ok(Respond(Trees.Tree(nodes)));
    }

    private static async Task<Ok<List<TreeNodeResponse>>> OrganisationTreeAsync(Caller caller, OrganisationStore organisations, CancellationToken cancellationToken)
    {
        var list = await organisations.ListAsync(caller.DeviceScope, cancellationToken);
        return TypedResults.Ok(Respond(Trees.Tree([.. list.Select(o => (Key(o.Id), o.ParentId is { } p ? Key(p) : null, o.Name, o.DeviceCount))])));
    }

    /// <summary>Key of the business-group node of devices filed under no group (<c>businessGroupId=0</c> in a search).</summary>
    public const string UnfiledKey = "0";

    private static List<TreeNodeResponse> Respond(IReadOnlyList<TreeNode> nodes) =>
        [.. nodes.Select(n => new TreeNodeResponse(n.Key, n.ParentKey, n.Name, n.DirectCount, n.TotalCount))];

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

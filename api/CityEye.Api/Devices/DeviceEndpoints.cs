using System.Globalization;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using CityEye.Indexers;
using CityEye.Indexers.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Devices;

internal static class DeviceEndpoints
{
    /// <summary>Hits reachable by paging (deeper pages need narrower searches).</summary>
    public const int MaxWindow = 10_000;

    public static RouteGroupBuilder MapDeviceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/devices").WithTags("Devices");

        group.MapGet("/search", SearchAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Search")
            .WithSummary("Searches the devices the caller may see by Chinese, pinyin, initials, keyboard code or GB code, with filters, facets and highlights.")
            .ProducesValidationProblem();

        group.MapPost("/select", SelectAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_SelectArea")
            .WithSummary("The devices inside a rectangle, circle or polygon on the map (and the optional filters), decided on the server.")
            .ProducesValidationProblem();

        group.MapGet("/map", MapAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Map")
            .WithSummary("Position, type and status of every device the caller may see, as parallel arrays for drawing the map.");

        group.MapGet("/{id:long}", GetAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Get")
            .WithSummary("The device file (一机一档): every field by key.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/versions", VersionsAsync)
            .RequirePermission(Permissions.DevicesView)
            .WithName("Devices_Versions")
            .WithSummary("Every version of a device, newest first: who, when, through which path, and each field's before and after.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .WithName("Devices_Create")
            .WithSummary("Creates a device after checking every blocking field rule; 400 lists each violation by field, rule and code.")
            .ProducesValidationProblem();

        group.MapPut("/{id:long}", UpdateAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .WithName("Devices_Update")
            .WithSummary("Replaces a device's editable fields; 409 device.stale when someone else changed it since the given version.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequirePermission(Permissions.DevicesEdit)
            .WithName("Devices_Delete")
            .WithSummary("Deletes a device at the given version; its versions stay.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static async Task<Results<Ok<DeviceSearchResponse>, ValidationProblem>> SearchAsync(
        Caller caller, [AsParameters] DeviceSearchRequest request, ISearchIndex index, QueryParser parser, Highlighter highlighter, ReferenceNames names,
        Core.Tags.TagCatalog tagCatalog, Core.Tags.TagSearchCounter searchCounter, CancellationToken cancellationToken)
    {
        if (QueryProblemOf(request.Q) is { } problem)
        {
            return problem;
        }

        if ((long)request.Page * request.PageSize > MaxWindow)
        {
            return Problems.Validation("page", ErrorCodes.PageTooDeep, new Dictionary<string, object?> { ["max"] = MaxWindow });
        }

        // Tag filters must name tags the caller may see; each use counts as a search of that tag (TG-11).
        var (tags, access) = await Tags.TagEndpoints.AccessAsync(caller, tagCatalog, cancellationToken);
        var tagIds = request.TagIds();
        if (Tags.TagEndpoints.HiddenTagProblem(tagIds, tags, access) is { } hiddenTag)
        {
            return hiddenTag;
        }

        var plan = parser.Parse(request.Q);
        var result = await index.SearchAsync(
            request.ToQuery(plan, caller.DeviceScope, (request.Page - 1) * request.PageSize, request.PageSize, DeviceFacets.All), cancellationToken);
        searchCounter.Add(tagIds);
        var snapshot = await names.GetAsync(cancellationToken);
        return TypedResults.Ok(new DeviceSearchResponse(
            result.Total,
            request.Page,
            request.PageSize,
            [.. result.Items.Select(hit => Item(hit, plan, highlighter, snapshot))],
            result.Facets.ToDictionary(f => f.Key, f => (IReadOnlyList<FacetValue>)[.. f.Value
                .Where(v => f.Key != DeviceFacets.Tag || (long.TryParse(v.Value, CultureInfo.InvariantCulture, out var t) && tags.Tags.TryGetValue(t, out var tag) && access.Sees(tag, tags.GroupOf(tag))))
                .Select(v => new FacetValue(v.Value, f.Key == DeviceFacets.Tag ? tags.Path(tags.Tags[long.Parse(v.Value, CultureInfo.InvariantCulture)]) : FacetLabel(f.Key, v.Value, snapshot), v.Count))])));
    }

    private static async Task<Results<Ok<DeviceAreaResponse>, ValidationProblem>> SelectAsync(
        Caller caller, DeviceAreaRequest request, ISearchIndex index, QueryParser parser, Highlighter highlighter, ReferenceNames names, CancellationToken cancellationToken)
    {
        if (QueryProblemOf(request.Q) is { } problem)
        {
            return problem;
        }

        var plan = parser.Parse(request.Q);
        var result = await index.SearchAsync(
            new DeviceSearchQuery
            {
                Plan = plan,
                Scope = caller.DeviceScope,
                Types = request.Type ?? [],
                Statuses = request.Status ?? [],
                Area = request.ToArea(),
                Sort = DeviceSort.Name,
                Limit = request.Limit,
            },
            cancellationToken);
        var snapshot = await names.GetAsync(cancellationToken);
        return TypedResults.Ok(new DeviceAreaResponse(result.Total, [.. result.Items.Select(hit => Item(hit, plan, highlighter, snapshot))]));
    }

    private static async Task<Ok<DeviceMapResponse>> MapAsync(Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var points = await devices.MapPointsAsync(caller.DeviceScope, cancellationToken);
        return TypedResults.Ok(new DeviceMapResponse(
            [.. points.Select(p => p.Id)],
            [.. points.Select(p => p.Longitude)],
            [.. points.Select(p => p.Latitude)],
            [.. points.Select(p => p.Type)],
            [.. points.Select(p => p.Status)]));
    }

    private static async Task<Results<Ok<DeviceFileResponse>, NotFound>> GetAsync(long id, Caller caller, DeviceStore devices, ReferenceNames names, CancellationToken cancellationToken)
    {
        var device = await devices.GetAsync(id, caller.DeviceScope, cancellationToken);
        return device is null ? TypedResults.NotFound() : TypedResults.Ok(await FileAsync(device, names, cancellationToken));
    }

    private static async Task<Results<Ok<List<DeviceVersionResponse>>, NotFound>> VersionsAsync(long id, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var versions = await devices.VersionsAsync(id, caller.DeviceScope, cancellationToken);
        return versions.Count == 0
            ? TypedResults.NotFound()
            : TypedResults.Ok(versions.Select(v => new DeviceVersionResponse(v.Id, v.Version, v.Action, v.Source, v.ChangedBy, v.ChangedAt, v.Changes)).ToList());
    }

    private static async Task<Results<Created<DeviceFileResponse>, ValidationProblem>> CreateAsync(
        Caller caller, DeviceCreateRequest request, DeviceService service, ReferenceNames names, CancellationToken cancellationToken)
    {
        var result = await service.CreateAsync(request.Fields, Writer(caller), caller.DeviceScope, cancellationToken);
        if (result.Status != DeviceWriteStatus.Written)
        {
            return Problems.Validation(result.Violations.Select(Prefixed).ToList());
        }

        var file = await FileAsync(result.Device!, names, cancellationToken);
        return TypedResults.Created($"/api/devices/{file.Id.ToString(CultureInfo.InvariantCulture)}", file);
    }

    private static async Task<Results<Ok<DeviceFileResponse>, ValidationProblem, NotFound, ProblemHttpResult>> UpdateAsync(
        long id, Caller caller, DeviceUpdateRequest request, DeviceService service, ReferenceNames names, CancellationToken cancellationToken)
    {
        var result = await service.UpdateAsync(id, request.Fields, request.Version, Writer(caller), caller.DeviceScope, cancellationToken);
        return result.Status switch
        {
            DeviceWriteStatus.Written => TypedResults.Ok(await FileAsync(result.Device!, names, cancellationToken)),
            DeviceWriteStatus.NotFound => TypedResults.NotFound(),
            DeviceWriteStatus.Stale => Stale(result.CurrentVersion),
            _ => Problems.Validation(result.Violations.Select(Prefixed).ToList()),
        };
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> DeleteAsync(
        long id, int? version, Caller caller, DeviceService service, CancellationToken cancellationToken)
    {
        if (version is not > 0)
        {
            return Problems.Validation("version", ErrorCodes.Required);
        }

        var result = await service.DeleteAsync(id, version.Value, Writer(caller), caller.DeviceScope, cancellationToken);
        return result.Status switch
        {
            DeviceWriteStatus.Written => TypedResults.NoContent(),
            DeviceWriteStatus.Stale => Stale(result.CurrentVersion),
            _ => TypedResults.NotFound(),
        };
    }

    internal static ValidationProblem? QueryProblemOf(string? q) => QueryParser.Validate(q) switch
    {
        QueryProblem.TooLong => Problems.Validation("q", ErrorCodes.QueryTooLong, new Dictionary<string, object?> { ["max"] = QueryParser.MaxQueryLength }),
        QueryProblem.TooManyKeywords => Problems.Validation("q", ErrorCodes.TooManyKeywords, new Dictionary<string, object?> { ["max"] = QueryParser.MaxKeywords }),
        _ => null,
    };

    private static ProblemHttpResult Stale(int? version) =>
        Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.DeviceStale, new Dictionary<string, object?> { ["version"] = version });

    /// <summary>Field violations of the <c>fields</c> map are reported as <c>fields.{key}</c>, the JSON path of the value.</summary>
    private static Violation Prefixed(Violation v) => v.Field == "version" ? v : v with { Field = "fields." + v.Field };

    private static DeviceWriter Writer(Caller caller) => new(caller.User.Username, caller.User.ApiTokenId is null ? "ui" : "api");

    private static async Task<DeviceFileResponse> FileAsync(Core.Domain.Device device, ReferenceNames names, CancellationToken cancellationToken)
    {
        var snapshot = await names.GetAsync(cancellationToken);
        return DeviceMapping.ToFile(
            device,
            snapshot.Organisations.GetValueOrDefault(device.OrganisationId),
            device.BusinessGroupId is { } g ? snapshot.BusinessGroups.GetValueOrDefault(g) : null);
    }

    private static DeviceSearchItem Item(DeviceHit hit, QueryPlan plan, Highlighter highlighter, ReferenceNames.Snapshot names) => new(
        hit.Id,
        hit.Name,
        hit.GbCode,
        hit.KeyboardCode,
        hit.Address,
        hit.Type,
        hit.Status,
        hit.OrganisationId,
        names.Organisations.GetValueOrDefault(hit.OrganisationId),
        hit.Longitude,
        hit.Latitude,
        [.. highlighter.Spans(hit.Name, plan).Select(s => new HighlightSpan(s.Start, s.Length))]);

    private static string FacetLabel(string facet, string value, ReferenceNames.Snapshot names) => facet switch
    {
        DeviceFacets.Type => names.Label("deviceType", value),
        DeviceFacets.Status => names.Label("deviceStatus", value),
        DeviceFacets.Manufacturer => names.Label("manufacturer", value),
        DeviceFacets.NetworkingLevel => names.Label("networkingLevel", value),
        DeviceFacets.Region => names.Label("region", value),
        DeviceFacets.Organisation => long.TryParse(value, CultureInfo.InvariantCulture, out var o) ? names.Organisations.GetValueOrDefault(o, value) : value,
        DeviceFacets.BusinessGroup => long.TryParse(value, CultureInfo.InvariantCulture, out var g) ? names.BusinessGroups.GetValueOrDefault(g, value) : value,
        _ => value,
    };
}

using CityEye.Analytics.Captures;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Watermark;
using CityEye.Core.Auth;
using CityEye.Core.Captures;
using CityEye.Core.Devices;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Captures;

/// <summary>
/// Working with capture results (VC-6 to VC-14): identity of a face from the person library, owner of a plate,
/// favourite groups, the latest searches, and the staging shelf with its trajectory, archives and export. Everything
/// belongs to the signed-in user and shows only captures inside their device scope.
/// </summary>
internal static class WorkbenchEndpoints
{
    public static void MapWorkbenchEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Capture workbench").RequirePermission(Permissions.CapturesView);

        group.MapGet("/captures/{id:long}/identity", IdentityAsync).WithName("Captures_Identity")
            .WithSummary("The three people of the person library whose ID photos are most like this face capture, with similarity (VC-7).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/persons/{id:long}/photo", PersonPhotoAsync).WithName("Persons_Photo")
            .WithSummary("The ID photo of a person of the library.").Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/vehicles/{plate}", OwnerAsync).WithName("Vehicles_Owner")
            .WithSummary("The registered owner and related people of a plate, and the owner's other vehicles (VC-8).").ProducesProblem(StatusCodes.Status404NotFound);

        var favourites = group.MapGroup("/capture-favourites");
        favourites.MapGet("/", async (Caller caller, CaptureFavouriteStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.GroupsAsync(caller.User.Username, ct)).Select(g => new FavouriteGroupResponse(g.Id, g.Name, g.Count, g.CreatedAt)).ToList()))
            .WithName("Favourites_Groups").WithSummary("The caller's favourite groups of captures with their sizes.");
        favourites.MapPost("/", CreateGroupAsync).WithName("Favourites_CreateGroup").WithSummary("Creates a favourite group (names are unique per user).").ProducesValidationProblem();
        favourites.MapPut("/{id:long}", RenameGroupAsync).WithName("Favourites_RenameGroup").WithSummary("Renames a favourite group.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, Caller caller, CaptureFavouriteStore store, CancellationToken ct) =>
                await store.DeleteGroupAsync(caller.User.Username, id, ct) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Favourites_DeleteGroup").WithSummary("Deletes a favourite group and its entries.").ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapGet("/{id:long}/items", GroupItemsAsync).WithName("Favourites_Items").WithSummary("The captures of a favourite group, newest addition first.").ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapPost("/{id:long}/items", AddFavouritesAsync).WithName("Favourites_Add").WithSummary("Adds captures (inside the caller's devices) to a favourite group.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapPost("/{id:long}/items/remove", RemoveFavouritesAsync).WithName("Favourites_Remove").WithSummary("Removes captures from a favourite group.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapPost("/{id:long}/copy", CopyFavouritesAsync).WithName("Favourites_Copy").WithSummary("Copies every capture of a group into another of the caller's groups.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var history = group.MapGroup("/search/history");
        history.MapGet("/", async (Caller caller, SearchHistoryStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(caller.User.Username, ct)).Select(h => new SearchHistoryResponse(h.Id, h.Kind, h.Summary, h.Request, h.Image is not null, h.Results, h.CreatedAt)).ToList()))
            .WithName("SearchHistory_List").WithSummary($"The caller's latest {SearchHistoryStore.Keep} remembered searches (image, attribute and vehicle searches sent with remember=true), newest first.");
        history.MapGet("/{id:long}/image", async Task<IResult> (long id, Caller caller, SearchHistoryStore store, BlobStore blobs, CancellationToken ct) =>
                await store.GetAsync(caller.User.Username, id, ct) is { Image: { } image } && blobs.PathOf(image) is { } path
                    ? TypedResults.PhysicalFile(path, path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg")
                    : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("SearchHistory_Image").WithSummary("The uploaded query image of a remembered image search.").Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        history.MapDelete("/", async (Caller caller, SearchHistoryStore store, CancellationToken ct) => TypedResults.Ok(new ChangedResponse(await store.ClearAsync(caller.User.Username, ct))))
            .WithName("SearchHistory_Clear").WithSummary("Forgets the caller's searches.");

        var shelf = group.MapGroup("/shelf");
        shelf.MapGet("/", ShelfAsync).WithName("Shelf_Get").WithSummary("The caller's staging shelf (or one of its archives with archiveId), in capture-time order.").ProducesProblem(StatusCodes.Status404NotFound);
        shelf.MapPost("/items", StageAsync).WithName("Shelf_Add").WithSummary("Puts captures on the shelf, suspected unless status=confirmed; captures already there keep their status.").ProducesValidationProblem();
        shelf.MapPut("/items/{captureId:long}", UpdateStagedAsync).WithName("Shelf_Update").WithSummary("Marks a staged capture confirmed or suspected, with an optional note.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        shelf.MapPost("/items/remove", async Task<Results<Ok<ChangedResponse>, ValidationProblem>> (CaptureIdsRequest request, Caller caller, ShelfStore store, CancellationToken ct) =>
                TypedResults.Ok(new ChangedResponse(await store.RemoveAsync(caller.User.Username, request.CaptureIds!, ct))))
            .WithName("Shelf_Remove").WithSummary("Takes captures off the shelf.").ProducesValidationProblem();
        shelf.MapGet("/trajectory", TrajectoryAsync).WithName("Shelf_Trajectory")
            .WithSummary("The shelf's (or an archive's) captures as a trajectory: places in time order and the path between them, along roads when Captures:RoutingUrl is set, straight lines otherwise.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        shelf.MapGet("/export", ExportAsync).WithName("Shelf_Export")
            .WithSummary("The shelf (or an archive) as a zip: shelf.xlsx (time, place, device, type, status, attributes, image file names) and each capture's scene and feature (target) images.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").ProducesProblem(StatusCodes.Status404NotFound);
        shelf.MapGet("/archives", async (Caller caller, ShelfStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ArchivesAsync(caller.User.Username, ct)).Select(a => new ShelfArchiveResponse(a.Id, a.Name, a.ItemCount, a.CreatedAt)).ToList()))
            .WithName("Shelf_Archives").WithSummary("The caller's saved shelves, newest first.");
        shelf.MapPost("/archives", ArchiveAsync).WithName("Shelf_Archive").WithSummary("Saves the current shelf under a name and empties it.").ProducesValidationProblem();
        shelf.MapPost("/archives/{id:long}/restore", RestoreAsync).WithName("Shelf_Restore")
            .WithSummary("Puts an archive's captures back on the shelf and removes the archive.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        shelf.MapDelete("/archives/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, Caller caller, ShelfStore store, CancellationToken ct) =>
                await store.DeleteArchiveAsync(caller.User.Username, id, ct) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Shelf_DeleteArchive").WithSummary("Deletes a saved shelf.").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<IdentityResponse>, ValidationProblem, ProblemHttpResult>> IdentityAsync(
        long id, Caller caller, ICaptureStore store, DeviceStore devices, PersonLibraryStore library, CancellationToken cancellationToken)
    {
        var capture = await CaptureEndpoints.VisibleAsync(id, caller, store, devices, cancellationToken);
        if (capture is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        if (capture.Type != CaptureType.Face)
        {
            return Problems.Validation("id", ErrorCodes.CaptureNotFace);
        }

        if (await CaptureEndpoints.StoredVectorAsync(store, capture, cancellationToken) is not { } vector)
        {
            return Problems.Validation("id", ErrorCodes.CaptureNoVector);
        }

        var candidates = await library.MatchAsync(vector, 3, cancellationToken);
        return TypedResults.Ok(new IdentityResponse(
            capture.Id,
            await library.CountAsync(cancellationToken),
            [.. candidates.Select(c => new IdentityCandidateResponse(c.Person.Id, c.Person.Name, c.Person.IdNumber, c.Person.Gender, c.Person.BirthDate, c.Person.Address, Math.Round(c.Similarity, 4)))]));
    }

    private static async Task<IResult> PersonPhotoAsync(long id, PersonLibraryStore library, BlobStore blobs, CancellationToken cancellationToken) =>
        await library.GetAsync(id, cancellationToken) is { } person && blobs.PathOf(person.Photo) is { } path
            ? TypedResults.PhysicalFile(path, path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg")
            : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);

    private static async Task<Results<Ok<VehicleOwnerResponse>, ProblemHttpResult>> OwnerAsync(string plate, VehicleRegistryStore registry, CancellationToken cancellationToken)
    {
        var normalised = Plates.Normalise(plate);
        if (await registry.FindAsync(normalised, cancellationToken) is not { } vehicle)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var others = (await registry.OwnedByAsync(vehicle.OwnerIdNumber, cancellationToken)).Where(p => p != vehicle.Plate).ToList();
        return TypedResults.Ok(new VehicleOwnerResponse(vehicle, others));
    }

    private static async Task<Results<Created<FavouriteGroupResponse>, ValidationProblem>> CreateGroupAsync(FavouriteGroupRequest request, Caller caller, CaptureFavouriteStore store, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if ((await store.GroupsAsync(caller.User.Username, cancellationToken)).Count >= CaptureFavouriteStore.MaxGroups)
        {
            return Problems.Validation("name", ErrorCodes.FavouriteGroupLimit, new Dictionary<string, object?> { ["max"] = CaptureFavouriteStore.MaxGroups });
        }

        var group = await store.CreateGroupAsync(caller.User.Username, name, cancellationToken);
        return group is null
            ? Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name })
            : TypedResults.Created($"/api/capture-favourites/{group.Id}", new FavouriteGroupResponse(group.Id, group.Name, 0, group.CreatedAt));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RenameGroupAsync(long id, FavouriteGroupRequest request, Caller caller, CaptureFavouriteStore store, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        return await store.RenameGroupAsync(caller.User.Username, id, name, cancellationToken) switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            false => Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name }),
            true => TypedResults.NoContent(),
        };
    }

    private static async Task<Results<Ok<FavouritePageResponse>, ProblemHttpResult>> GroupItemsAsync(
        long id, Caller caller, CaptureFavouriteStore store, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        page = Math.Clamp(page, 1, 10_000);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var items = await store.ItemsAsync(caller.User.Username, id, (page - 1) * pageSize, pageSize, cancellationToken);
        if (items is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var visible = await VisibleAsync(items.Value.Items.Select(i => i.CaptureId), caller, captures, devices, cancellationToken);
        return TypedResults.Ok(new FavouritePageResponse(
            items.Value.Total,
            [.. items.Value.Items.Select(i => new FavouriteResponse(i.CaptureId, ParseType(i.CaptureType), i.AddedAt, visible.GetValueOrDefault(i.CaptureId)))]));
    }

    private static async Task<Results<Ok<ChangedResponse>, ValidationProblem, ProblemHttpResult>> AddFavouritesAsync(
        long id, CaptureIdsRequest request, Caller caller, CaptureFavouriteStore store, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (found, problem) = await RequireVisibleAsync(request.CaptureIds!, caller, captures, devices, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await store.AddAsync(caller.User.Username, id, [.. found.Select(c => (c.Id, TypeName(c.Type)))], cancellationToken) switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            -1 => Problems.Validation("captureIds", ErrorCodes.FavouriteGroupFull, new Dictionary<string, object?> { ["max"] = CaptureFavouriteStore.MaxPerGroup }),
            var added => TypedResults.Ok(new ChangedResponse(added.Value)),
        };
    }

    private static async Task<Results<Ok<ChangedResponse>, ValidationProblem, ProblemHttpResult>> RemoveFavouritesAsync(long id, CaptureIdsRequest request, Caller caller, CaptureFavouriteStore store, CancellationToken cancellationToken) =>
        await store.RemoveAsync(caller.User.Username, id, request.CaptureIds!, cancellationToken) is { } removed
            ? TypedResults.Ok(new ChangedResponse(removed))
            : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);

    private static async Task<Results<Ok<ChangedResponse>, ValidationProblem, ProblemHttpResult>> CopyFavouritesAsync(long id, FavouriteCopyRequest request, Caller caller, CaptureFavouriteStore store, CancellationToken cancellationToken) =>
        await store.CopyAsync(caller.User.Username, id, request.ToGroupId!.Value, cancellationToken) switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            -1 => Problems.Validation("toGroupId", ErrorCodes.FavouriteGroupFull, new Dictionary<string, object?> { ["max"] = CaptureFavouriteStore.MaxPerGroup }),
            var copied => TypedResults.Ok(new ChangedResponse(copied.Value)),
        };

    private static async Task<Results<Ok<ShelfResponse>, ProblemHttpResult>> ShelfAsync(
        Caller caller, ShelfStore store, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken, long? archiveId = null)
    {
        var items = await ShelfItemsAsync(caller, store, captures, devices, archiveId, cancellationToken);
        return items is null ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound) : TypedResults.Ok(new ShelfResponse(archiveId, items));
    }

    private static async Task<Results<Ok<ChangedResponse>, ValidationProblem>> StageAsync(
        ShelfAddRequest request, Caller caller, ShelfStore store, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken)
    {
        var (found, problem) = await RequireVisibleAsync(request.CaptureIds!, caller, captures, devices, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var added = await store.AddAsync(caller.User.Username, [.. found.Select(c => (c.Id, TypeName(c.Type)))], request.Status ?? ShelfStatus.Suspected, cancellationToken);
        return added < 0
            ? Problems.Validation("captureIds", ErrorCodes.ShelfFull, new Dictionary<string, object?> { ["max"] = ShelfStore.MaxItems })
            : TypedResults.Ok(new ChangedResponse(added));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UpdateStagedAsync(long captureId, ShelfUpdateRequest request, Caller caller, ShelfStore store, CancellationToken cancellationToken) =>
        await store.UpdateAsync(caller.User.Username, captureId, request.Status!, request.Note, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);

    private static async Task<Results<Ok<ShelfArchiveResponse>, ValidationProblem>> ArchiveAsync(ShelfArchiveRequest request, Caller caller, ShelfStore store, CancellationToken cancellationToken) =>
        await store.ArchiveAsync(caller.User.Username, request.Name!.Trim(), cancellationToken) is { } archive
            ? TypedResults.Ok(new ShelfArchiveResponse(archive.Id, archive.Name, archive.ItemCount, archive.CreatedAt))
            : Problems.Validation("name", ErrorCodes.ShelfEmpty);

    private static async Task<Results<Ok<ChangedResponse>, ValidationProblem, ProblemHttpResult>> RestoreAsync(long id, Caller caller, ShelfStore store, CancellationToken cancellationToken) =>
        await store.RestoreAsync(caller.User.Username, id, cancellationToken) switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            -1 => Problems.Validation("id", ErrorCodes.ShelfFull, new Dictionary<string, object?> { ["max"] = ShelfStore.MaxItems }),
            var restored => TypedResults.Ok(new ChangedResponse(restored.Value)),
        };

    private static async Task<Results<Ok<TrajectoryResponse>, ProblemHttpResult>> TrajectoryAsync(
        Caller caller, ShelfStore store, ICaptureStore captures, DeviceStore devices, ShelfRouting routing, CancellationToken cancellationToken, long? archiveId = null, string? status = null)
    {
        var items = await ShelfItemsAsync(caller, store, captures, devices, archiveId, cancellationToken);
        if (items is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var points = items
            .Where(i => status is null || i.Status == status)
            .Where(i => i.Capture is { Longitude: not null, Latitude: not null })
            .Select(i => new TrajectoryPoint(i.CaptureId, i.CaptureType, i.Status, i.Capture!.Time, i.Capture.DeviceId, i.Capture.DeviceName, i.Capture.Longitude!.Value, i.Capture.Latitude!.Value))
            .OrderBy(p => p.Time)
            .ToList();
        var (legs, routed) = await routing.LegsAsync(points, cancellationToken);
        return TypedResults.Ok(new TrajectoryResponse(points, legs, routed));
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, Caller caller, ShelfStore store, ICaptureStore captures, DeviceStore devices, BlobStore blobs, Watermarks watermarks, CancellationToken cancellationToken, long? archiveId = null)
    {
        var items = await ShelfItemsAsync(caller, store, captures, devices, archiveId, cancellationToken);
        if (items is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var stored = (await captures.GetCapturesAsync([.. items.Where(i => i.Capture is not null).Select(i => i.CaptureId)], cancellationToken)).ToDictionary(c => c.Id);
        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"shelf-{(archiveId is null ? "current" : archiveId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}.zip\"";
        // Every exported image says who exported it (SC-1, SC-2).
        using var tile = await watermarks.TileAsync(watermarks.Identity(caller.User, context), cancellationToken);
        await ShelfExport.WriteAsync(context.Response.BodyWriter.AsStream(), items, stored, blobs, tile, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<List<ShelfItemResponse>?> ShelfItemsAsync(Caller caller, ShelfStore store, ICaptureStore captures, DeviceStore devices, long? archiveId, CancellationToken cancellationToken)
    {
        if (archiveId is { } archive && (await store.ArchivesAsync(caller.User.Username, cancellationToken)).All(a => a.Id != archive))
        {
            return null;
        }

        var items = await store.ItemsAsync(caller.User.Username, archiveId, cancellationToken);
        var visible = await VisibleAsync(items.Select(i => i.CaptureId), caller, captures, devices, cancellationToken);
        return [.. items
            .Select(i => new ShelfItemResponse(i.CaptureId, ParseType(i.CaptureType), i.Status, i.Note, i.AddedAt, visible.GetValueOrDefault(i.CaptureId)))
            .OrderBy(i => i.Capture?.Time ?? DateTimeOffset.MaxValue)];
    }

    /// <summary>The captures among <paramref name="ids"/> that exist and lie inside the caller's devices, described.</summary>
    private static async Task<Dictionary<long, CaptureResponse>> VisibleAsync(IEnumerable<long> ids, Caller caller, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken)
    {
        // One device read serves both the scope check and the description.
        var found = await captures.GetCapturesAsync([.. ids.Distinct()], cancellationToken);
        var known = (await devices.GetManyAsync([.. found.Select(c => c.DeviceId).Distinct()], cancellationToken)).ToDictionary(d => d.Id);
        var described = CaptureEndpoints.Describe(
            caller.DeviceScope.IsAll ? found : [.. found.Where(c => known.GetValueOrDefault(c.DeviceId) is { } d && caller.DeviceScope.Includes(d.OrganisationId, d.Id))],
            known);
        return described.ToDictionary(c => c.Id);
    }

    /// <summary>The captures of a request when every one is visible; otherwise a 400 naming the first that is not.</summary>
    private static async Task<(IReadOnlyList<CaptureResponse> Found, ValidationProblem? Problem)> RequireVisibleAsync(
        IReadOnlyList<long> ids, Caller caller, ICaptureStore captures, DeviceStore devices, CancellationToken cancellationToken)
    {
        var visible = await VisibleAsync(ids, caller, captures, devices, cancellationToken);
        var missing = ids.Where(id => !visible.ContainsKey(id)).Select(id => (long?)id).FirstOrDefault();
        return missing is not null
            ? ([], Problems.Validation("captureIds", ErrorCodes.CaptureNotVisible, new Dictionary<string, object?> { ["value"] = missing }))
            : ([.. ids.Distinct().Select(id => visible[id])], null);
    }

    internal static string TypeName(CaptureType type) => type.ToString().ToLowerInvariant();

    private static CaptureType ParseType(string type) => Enum.Parse<CaptureType>(type, ignoreCase: true);
}

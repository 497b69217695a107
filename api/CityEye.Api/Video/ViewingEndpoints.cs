using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Validation;
using CityEye.Core.Viewing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Video;

/// <summary>
/// Around the video (VI-8, VI-9, VI-11, VI-16): each user's favourite groups of devices, played or patrolled in the
/// split screen, and the viewing history with one-click replay. Devices outside the caller's scope are never shown
/// (a group keeps them, counted as hidden, in case the scope comes back).
/// </summary>
internal static class ViewingEndpoints
{
    public static void MapViewingEndpoints(this RouteGroupBuilder group)
    {
        var favourites = group.MapGroup("/video/favourites");
        favourites.MapGet("/", async (Caller caller, VideoFavouriteStore store, DeviceStore devices, CancellationToken ct) =>
                TypedResults.Ok(await DescribeAsync(await store.GroupsAsync(caller.User.Username, ct), caller, devices, ct)))
            .WithName("Video_Favourites").WithSummary("The caller's favourite groups of devices, each with its devices in order (only those the caller may watch).");
        favourites.MapPost("/", CreateAsync).WithName("Video_CreateFavourite").WithSummary("Creates a favourite group (names unique per user, at most 50 groups).")
            .ProducesValidationProblem();
        favourites.MapPut("/{id:long}", RenameAsync).WithName("Video_RenameFavourite").WithSummary("Renames a favourite group.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        favourites.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, Caller caller, VideoFavouriteStore store, CancellationToken ct) =>
                await store.DeleteAsync(caller.User.Username, id, ct) ? TypedResults.NoContent() : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound))
            .WithName("Video_DeleteFavourite").WithSummary("Deletes a favourite group.");
        favourites.MapPut("/{id:long}/devices", SetDevicesAsync).WithName("Video_SetFavouriteDevices")
            .WithSummary("Sets the devices of a favourite group, in the order to play them (at most 200; each must be a device the caller may watch; devices outside the caller's scope already in the group are kept).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var stage = group.MapGroup("/video/stage");
        stage.MapGet("/", async (Caller caller, DeviceStageStore store, DeviceStore devices, CancellationToken ct) =>
            {
                var ids = await store.ListAsync(caller.User.Username, ct);
                var known = await VisibleAsync(ids, caller, devices, ct);
                return TypedResults.Ok(new DeviceStageResponse([.. ids.Where(known.ContainsKey).Select(id => known[id])], ids.Count(id => !known.ContainsKey(id))));
            })
            .WithName("Video_Stage").WithSummary("The caller's device staging rack (设备暂存), in the order the devices were added (only those the caller may watch; the others are counted as hidden).");
        stage.MapPost("/", StageAsync).WithName("Video_StageDevices")
            .WithSummary($"Puts devices on the caller's staging rack (each must be a device the caller may watch; those already there stay; at most {DeviceStageStore.MaxDevices}).")
            .ProducesValidationProblem();
        stage.MapDelete("/{deviceId:long}", async (long deviceId, Caller caller, DeviceStageStore store, CancellationToken ct) =>
            {
                await store.RemoveAsync(caller.User.Username, [deviceId], ct);
                return TypedResults.NoContent();
            })
            .WithName("Video_UnstageDevice").WithSummary("Takes a device off the caller's staging rack.");
        stage.MapDelete("/", async (Caller caller, DeviceStageStore store, CancellationToken ct) =>
            {
                await store.RemoveAsync(caller.User.Username, null, ct);
                return TypedResults.NoContent();
            })
            .WithName("Video_ClearStage").WithSummary("Empties the caller's staging rack.");

        group.MapGet("/video/history", HistoryAsync).WithName("Video_History")
            .WithSummary("The caller's viewing history, newest first (live views and recorded ranges), paged; the latest 200 are kept.");
        group.MapDelete("/video/history", async (Caller caller, VideoHistoryStore store, CancellationToken ct) =>
            {
                await store.ClearAsync(caller.User.Username, ct);
                return TypedResults.NoContent();
            })
            .WithName("Video_ClearHistory").WithSummary("Clears the caller's viewing history.");
    }

    private static async Task<Results<Created<VideoFavouriteGroupResponse>, ValidationProblem>> CreateAsync(
        VideoFavouriteRequest request, Caller caller, VideoFavouriteStore store, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        if ((await store.GroupsAsync(caller.User.Username, cancellationToken)).Count >= VideoFavouriteStore.MaxGroups)
        {
            return Problems.Validation("name", ErrorCodes.FavouriteGroupLimit, new Dictionary<string, object?> { ["max"] = VideoFavouriteStore.MaxGroups });
        }

        var group = await store.CreateAsync(caller.User.Username, name, cancellationToken);
        return group is null
            ? Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name })
            : TypedResults.Created($"/api/video/favourites/{group.Id}", new VideoFavouriteGroupResponse(group.Id, group.Name, group.CreatedAt, [], 0));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RenameAsync(
        long id, VideoFavouriteRequest request, Caller caller, VideoFavouriteStore store, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if (name.Length == 0)
        {
            return Problems.Validation("name", ErrorCodes.Required);
        }

        return await store.RenameAsync(caller.User.Username, id, name, cancellationToken) switch
        {
            null => Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound),
            false => Problems.Validation("name", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = name }),
            true => TypedResults.NoContent(),
        };
    }

    private static async Task<Results<Ok<VideoFavouriteGroupResponse>, ValidationProblem, ProblemHttpResult>> SetDevicesAsync(
        long id, VideoFavouriteDevicesRequest request, Caller caller, VideoFavouriteStore store, DeviceStore devices, CancellationToken cancellationToken)
    {
        var wanted = request.DeviceIds!.Distinct().ToList();
        var group = (await store.GroupsAsync(caller.User.Username, cancellationToken)).FirstOrDefault(g => g.Id == id);
        if (group is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        // Every device named must be one the caller may watch; those the caller no longer sees stay where they were.
        var found = await devices.VisibleIdsAsync(wanted, caller.DeviceScope, cancellationToken);
        if (wanted.Where(d => !found.Contains(d)).Select(d => (long?)d).FirstOrDefault() is { } missing)
        {
            return Problems.Validation("deviceIds", ErrorCodes.NotFound, new Dictionary<string, object?> { ["value"] = missing });
        }

        var existing = (await devices.GetManyAsync(group.DeviceIds, cancellationToken)).ToDictionary(d => d.Id);
        var hidden = group.DeviceIds.Where(d => !existing.TryGetValue(d, out var device) || !caller.DeviceScope.Includes(device.OrganisationId, device.Id));
        var all = wanted.Concat(hidden.Where(d => existing.ContainsKey(d))).ToList();
        if (all.Count > VideoFavouriteStore.MaxPerGroup)
        {
            return Problems.Validation("deviceIds", ErrorCodes.FavouriteGroupFull, new Dictionary<string, object?> { ["max"] = VideoFavouriteStore.MaxPerGroup });
        }

        await store.SetDevicesAsync(caller.User.Username, id, all, cancellationToken);
        var saved = (await store.GroupsAsync(caller.User.Username, cancellationToken)).First(g => g.Id == id);
        return TypedResults.Ok((await DescribeAsync([saved], caller, devices, cancellationToken))[0]);
    }

    private static async Task<Results<Ok<DeviceStageResponse>, ValidationProblem>> StageAsync(
        DeviceStageRequest request, Caller caller, DeviceStageStore store, DeviceStore devices, CancellationToken cancellationToken)
    {
        var wanted = request.DeviceIds!.Distinct().ToList();
        var known = await VisibleAsync(wanted, caller, devices, cancellationToken);
        if (wanted.Where(d => !known.ContainsKey(d)).Select(d => (long?)d).FirstOrDefault() is { } missing)
        {
            return Problems.Validation("deviceIds", ErrorCodes.NotFound, new Dictionary<string, object?> { ["value"] = missing });
        }

        if (!await store.AddAsync(caller.User.Username, wanted, cancellationToken))
        {
            return Problems.Validation("deviceIds", ErrorCodes.StageFull, new Dictionary<string, object?> { ["max"] = DeviceStageStore.MaxDevices });
        }

        var ids = await store.ListAsync(caller.User.Username, cancellationToken);
        var staged = await VisibleAsync(ids, caller, devices, cancellationToken);
        return TypedResults.Ok(new DeviceStageResponse([.. ids.Where(staged.ContainsKey).Select(id => staged[id])], ids.Count(id => !staged.ContainsKey(id))));
    }

    private static async Task<Ok<VideoHistoryResponse>> HistoryAsync(
        Caller caller, VideoHistoryStore store, DeviceStore devices, CancellationToken cancellationToken, int page = 1, int pageSize = 20)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var (total, items) = await store.ListAsync(caller.User.Username, (page - 1) * pageSize, pageSize, cancellationToken);
        var known = await VisibleAsync(items.Select(i => i.DeviceId), caller, devices, cancellationToken);
        return TypedResults.Ok(new VideoHistoryResponse(total, page, pageSize, [.. items.Select(i => new VideoHistoryItemResponse(
            i.Id, i.DeviceId, known.GetValueOrDefault(i.DeviceId), i.Mode, i.RangeFrom, i.RangeTo, i.ViewedAt))]));
    }

    private static async Task<List<VideoFavouriteGroupResponse>> DescribeAsync(IReadOnlyList<VideoFavouriteGroup> groups, Caller caller, DeviceStore devices, CancellationToken cancellationToken)
    {
        var known = await VisibleAsync(groups.SelectMany(g => g.DeviceIds), caller, devices, cancellationToken);
        return [.. groups.Select(g => new VideoFavouriteGroupResponse(
            g.Id, g.Name, g.CreatedAt, [.. g.DeviceIds.Where(known.ContainsKey).Select(d => known[d])], g.DeviceIds.Count(d => !known.ContainsKey(d))))];
    }

    /// <summary>The devices the caller may watch, described for the player.</summary>
    private static async Task<Dictionary<long, VideoDeviceResponse>> VisibleAsync(IEnumerable<long> ids, Caller caller, DeviceStore devices, CancellationToken cancellationToken) =>
        (await devices.GetManyAsync([.. ids.Distinct()], cancellationToken))
            .Where(d => caller.DeviceScope.Includes(d.OrganisationId, d.Id))
            .ToDictionary(d => d.Id, d => new VideoDeviceResponse(d.Id, d.Name, d.GbCode, d.Status, d.Type == DeviceType.HdDome));
}

/// <summary>A favourite group's name.</summary>
public sealed record VideoFavouriteRequest([property: Required, StringLength(40)] string? Name);

/// <summary>The devices of a favourite group, in the order to play them.</summary>
public sealed record VideoFavouriteDevicesRequest([property: Required, MaxLength(VideoFavouriteStore.MaxPerGroup)] long[]? DeviceIds);

/// <summary>Devices to put on the staging rack.</summary>
public sealed record DeviceStageRequest([property: Required, MinLength(1), MaxLength(DeviceStageStore.MaxDevices)] long[]? DeviceIds);

/// <summary>The staging rack: the devices the caller may watch, in order, and how many others it holds.</summary>
public sealed record DeviceStageResponse(IReadOnlyList<VideoDeviceResponse> Devices, int Hidden);

/// <summary>A device as the player needs it.</summary>
public sealed record VideoDeviceResponse(long Id, string Name, string GbCode, DeviceStatus Status, bool Ptz);

/// <summary>A favourite group: its devices the caller may watch, in order, and how many others it holds (hidden).</summary>
public sealed record VideoFavouriteGroupResponse(long Id, string Name, DateTimeOffset CreatedAt, IReadOnlyList<VideoDeviceResponse> Devices, int Hidden);

/// <summary>Something watched: the device (null when the caller may no longer watch it), live or a recorded range.</summary>
public sealed record VideoHistoryItemResponse(long Id, long DeviceId, VideoDeviceResponse? Device, string Mode, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset ViewedAt);

/// <summary>A page of the viewing history.</summary>
public sealed record VideoHistoryResponse(int Total, int Page, int PageSize, IReadOnlyList<VideoHistoryItemResponse> Items);

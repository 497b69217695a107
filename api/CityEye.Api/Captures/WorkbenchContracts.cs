using System.ComponentModel.DataAnnotations;
using CityEye.Core.Captures;

namespace CityEye.Api.Captures;

/// <summary>A person of the library matched to a face capture, with the similarity of their ID photo.</summary>
public sealed record IdentityCandidateResponse(long PersonId, string Name, string IdNumber, string Gender, string BirthDate, string Address, double Similarity);

/// <summary>The top candidates of the person library for a face capture (VC-7).</summary>
public sealed record IdentityResponse(long CaptureId, int LibrarySize, IReadOnlyList<IdentityCandidateResponse> Candidates);

/// <summary>The registration of a plate with its owner, related people and the owner's other vehicles (VC-8).</summary>
public sealed record VehicleOwnerResponse(RegisteredVehicle Vehicle, IReadOnlyList<string> OwnerVehicles);

/// <summary>A new or renamed favourite group.</summary>
public sealed record FavouriteGroupRequest([property: Required, StringLength(40, MinimumLength = 1)] string? Name);

/// <summary>Captures to add to or remove from a favourite group or the shelf.</summary>
public sealed record CaptureIdsRequest([property: Required, Length(1, 500)] IReadOnlyList<long>? CaptureIds);

/// <summary>Copies every capture of a favourite group into another of the caller's groups.</summary>
public sealed record FavouriteCopyRequest([property: Required] long? ToGroupId);

/// <summary>A favourite group of the caller.</summary>
public sealed record FavouriteGroupResponse(long Id, string Name, int Count, DateTimeOffset CreatedAt);

/// <summary>How many captures a change touched.</summary>
public sealed record ChangedResponse(int Changed);

/// <summary>A capture in a favourite group; <c>capture</c> is null when it has been dropped by retention or left the caller's devices.</summary>
public sealed record FavouriteResponse(long CaptureId, CaptureType CaptureType, DateTimeOffset AddedAt, CaptureResponse? Capture);

/// <summary>A page of a favourite group.</summary>
public sealed record FavouritePageResponse(long Total, IReadOnlyList<FavouriteResponse> Items);

/// <summary>One of the caller's latest searches; <c>request</c> holds the parameters to run it again.</summary>
public sealed record SearchHistoryResponse(long Id, string Kind, string Summary, string Request, bool HasImage, int Results, DateTimeOffset CreatedAt);

/// <summary>Captures to put on the shelf, confirmed or suspected (the default).</summary>
public sealed record ShelfAddRequest(
    [property: Required, Length(1, 500)] IReadOnlyList<long>? CaptureIds,
    [property: AllowedValues(null, ShelfStatus.Suspected, ShelfStatus.Confirmed)] string? Status = null);

/// <summary>A new status (and optional note) of a capture on the shelf.</summary>
public sealed record ShelfUpdateRequest(
    [property: Required, AllowedValues(ShelfStatus.Suspected, ShelfStatus.Confirmed)] string? Status,
    [property: StringLength(200)] string? Note = null);

/// <summary>Saves the current shelf under a name.</summary>
public sealed record ShelfArchiveRequest([property: Required, StringLength(60, MinimumLength = 1)] string? Name);

/// <summary>A capture on the shelf with its capture (null when gone or outside the caller's devices).</summary>
public sealed record ShelfItemResponse(long CaptureId, CaptureType CaptureType, string Status, string Note, DateTimeOffset AddedAt, CaptureResponse? Capture);

/// <summary>The shelf (or an archive) in capture-time order.</summary>
public sealed record ShelfResponse(long? ArchiveId, IReadOnlyList<ShelfItemResponse> Items);

/// <summary>A saved shelf.</summary>
public sealed record ShelfArchiveResponse(long Id, string Name, int ItemCount, DateTimeOffset CreatedAt);

/// <summary>A place of the trajectory: one capture.</summary>
public sealed record TrajectoryPoint(long CaptureId, CaptureType CaptureType, string Status, DateTimeOffset Time, long DeviceId, string? DeviceName, double Longitude, double Latitude);

/// <summary>
/// The trajectory of the shelf: its captures with a place in time order, and the path between consecutive places
/// ([lng, lat] pairs) — along roads when a routing service is configured and answered, straight lines otherwise.
/// </summary>
public sealed record TrajectoryResponse(IReadOnlyList<TrajectoryPoint> Points, IReadOnlyList<IReadOnlyList<double[]>> Legs, bool Routed);

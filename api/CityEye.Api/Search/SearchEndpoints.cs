using CityEye.Api.Auth;
using CityEye.Api.Jobs;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Core.Storage;
using CityEye.Indexers;
using CityEye.Indexers.DeviceIndexing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Search;

/// <summary>State of the device search index.</summary>
/// <param name="Provider">Engine (Lucene, Elasticsearch).</param>
/// <param name="Location">Folder or URL and index name.</param>
/// <param name="Documents">Devices in the index.</param>
/// <param name="SizeBytes">Size on disk, when the engine reports it.</param>
/// <param name="LedgerDevices">Devices in the ledger (for callers who may see every device).</param>
/// <param name="PendingChanges">Outbox entries the index has not applied yet.</param>
public sealed record SearchIndexResponse(string Provider, string Location, long Documents, long? SizeBytes, long? LedgerDevices, long PendingChanges);

internal static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearchEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/search").WithTags("Search");

        group.MapGet("/index", InfoAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("Search_Index")
            .WithSummary("The device index: engine, documents, size on disk, ledger size and changes not yet applied.");

        group.MapPost("/reindex", ReindexAsync)
            .RequirePermission(Permissions.ArchiveManage)
            .WithName("Search_Reindex")
            .WithSummary("Rebuilds the device index from the ledger as a job (progress in /api/jobs).");

        return group;
    }

    private static async Task<Ok<SearchIndexResponse>> InfoAsync(Caller caller, ISearchIndex index, DeviceStore devices, OutboxReader outbox, CancellationToken cancellationToken)
    {
        var info = await index.DescribeAsync(cancellationToken);
        // The ledger-wide count is shown to callers who may see every device.
        long? ledger = caller.DeviceScope.IsAll ? await devices.CountAsync(cancellationToken) : null;
        var cursor = await outbox.CursorAsync(DeviceIndexSync.Consumer, cancellationToken) ?? 0;
        var max = await outbox.MaxIdAsync(cancellationToken);
        return TypedResults.Ok(new SearchIndexResponse(info.Provider, info.Location, info.Documents, info.SizeBytes, ledger, Math.Max(0, max - cursor)));
    }

    private static async Task<Accepted<JobResponse>> ReindexAsync(Caller caller, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.EnqueueAsync(ReindexJob.JobKind, "重建设备检索索引 (rebuild the device search index)", null, caller.User.Username, caller.User.UserId, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobResponse.From(job));
    }
}

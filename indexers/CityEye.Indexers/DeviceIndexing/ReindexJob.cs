using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;

namespace CityEye.Indexers.DeviceIndexing;

/// <summary>
/// Rebuilds the search index from the ledger (API <c>POST /api/search/reindex</c>, and at start when the index and
/// the ledger disagree). The outbox sync pauses meanwhile and then replays what changed, so the result is exact.
/// </summary>
public sealed class ReindexJob(ISearchIndex index, DeviceStore devices, DeviceDocumentBuilder builder, DeviceIndexSync sync) : IJobHandler
{
    public const string JobKind = "search-reindex";
    private const int PageSize = 2000;

    public string Kind => JobKind;

    public bool Resumable => true;

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await sync.ExclusiveAsync(async () =>
        {
            var total = await devices.CountAsync(cancellationToken);
            await context.ReportAsync(0.01, string.Create(CultureInfo.InvariantCulture, $"正在重建检索索引：{total:N0} 台设备 (rebuilding the search index)"), cancellationToken);
            await index.InitialiseAsync(cancellationToken);
            await index.ClearAsync(cancellationToken);
            var done = 0L;
            var after = 0L;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            while (true)
            {
                var page = await devices.PageAfterAsync(after, PageSize, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                var build = await builder.PrepareAsync([.. page.Select(d => d.Id)], cancellationToken);
                await index.UpsertAsync([.. page.Select(build)], cancellationToken);
                after = page[^1].Id;
                done += page.Count;
                await context.ReportAsync(
                    total == 0 ? 0.99 : Math.Min(0.99, (double)done / total),
                    string.Create(CultureInfo.InvariantCulture, $"已索引 {done:N0} / {total:N0} (indexed)"),
                    cancellationToken);
            }

            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            var info = await index.DescribeAsync(cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"{done:N0} devices indexed in {seconds:F1} s; {info.Provider} index {info.SizeBytes / 1024.0 / 1024.0:F1} MiB");
        }, cancellationToken);
    }
}

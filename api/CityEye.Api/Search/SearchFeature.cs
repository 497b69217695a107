using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Devices;
using CityEye.Core.Jobs;
using CityEye.Core.Storage;
using CityEye.Indexers;
using CityEye.Indexers.DeviceIndexing;
using CityEye.Indexers.Elasticsearch;
using CityEye.Indexers.Lucene;
using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Search;

/// <summary>The device search index (Lucene.NET embedded by default), its outbox sync and the reindex job.</summary>
internal static class SearchFeature
{
    public static IServiceCollection AddSearchFeature(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(PinyinReadings.Instance);
        services.AddSingleton<QueryParser>();
        services.AddSingleton<Highlighter>();
        services.AddSingleton<OutboxReader>();
        services.AddSingleton<DeviceDocumentBuilder>();
        services.AddSingleton<ISearchIndex>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            var path = string.IsNullOrWhiteSpace(options.Path)
                ? System.IO.Path.Combine(sp.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir(), "search", "devices")
                : System.IO.Path.GetFullPath(options.Path);
            return options.Provider switch
            {
                SearchProvider.Lucene => new LuceneSearchIndex(path, sp.GetRequiredService<PinyinReadings>()),
                SearchProvider.Elasticsearch => new ElasticsearchSearchIndex(
                    ElasticsearchClients.Create(new ElasticsearchConnection(
                        Uri.TryCreate(options.Elasticsearch.Url, UriKind.Absolute, out var url)
                            ? url
                            : throw new CannotStartException("Search:Provider is Elasticsearch but Search:Elasticsearch:Url is not an absolute URL (e.g. http://127.0.0.1:9200)."),
                        options.Elasticsearch.ApiKey,
                        options.Elasticsearch.Username,
                        options.Elasticsearch.Password)),
                    options.Elasticsearch.Index,
                    sp.GetRequiredService<PinyinReadings>()),
                _ => throw new CannotStartException($"Search:Provider {options.Provider} is unknown."),
            };
        });
        services.AddSingleton(sp => new DeviceIndexSync(
            sp.GetRequiredService<ISearchIndex>(),
            sp.GetRequiredService<DeviceStore>(),
            sp.GetRequiredService<DeviceDocumentBuilder>(),
            sp.GetRequiredService<OutboxReader>(),
            sp.GetRequiredService<ILogger<DeviceIndexSync>>())
        {
            Paused = sp.GetRequiredService<IOptions<SearchOptions>>().Value.SyncPaused,
        });
        services.AddHostedService(sp => sp.GetRequiredService<DeviceIndexSync>());
        services.AddSingleton<IJobHandler, ReindexJob>();
        services.AddStartupStep<SearchIndexStep>();
        return services;
    }
}

/// <summary>
/// Opens the index and checks it against the ledger: a missing, damaged or out-of-step index (another device count,
/// or no sync cursor yet) is rebuilt by a reindex job, while searches already work on what the index holds.
/// </summary>
internal sealed class SearchIndexStep(ISearchIndex index, DeviceStore devices, OutboxReader outbox, JobStore jobs) : IStartupStep
{
    public string Name => "search-index";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        SearchIndexInfo info;
        try
        {
            await index.InitialiseAsync(cancellationToken);
            info = await index.DescribeAsync(cancellationToken);
        }
        catch (SearchEngineException e)
        {
            throw new CannotStartException(e.Message, e);
        }

        var ledger = await devices.CountAsync(cancellationToken);
        var cursor = await outbox.CursorAsync(DeviceIndexSync.Consumer, cancellationToken);
        if (cursor is null)
        {
            // A new index follows the outbox from here on; the reindex below brings in everything before.
            await outbox.SetCursorAsync(DeviceIndexSync.Consumer, await outbox.MaxIdAsync(cancellationToken), cancellationToken);
        }

        if ((cursor is null && ledger > 0) || info.Documents != ledger)
        {
            var (recent, _) = await jobs.ListAsync(0, 5, ReindexJob.JobKind, null, cancellationToken);
            if (!recent.Any(j => j.Status is JobStatus.Queued or JobStatus.Running))
            {
                await jobs.EnqueueAsync(ReindexJob.JobKind, "重建设备检索索引 (rebuild the device search index)", null, "system", null, cancellationToken);
            }

            return $"{info.Provider} index holds {info.Documents} of {ledger} devices; a reindex job is queued";
        }

        return $"{info.Provider} index in step: {info.Documents} devices";
    }
}

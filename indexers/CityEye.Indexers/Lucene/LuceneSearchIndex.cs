using System.Globalization;
using CityEye.Indexers.Pinyin;
using CityEye.Indexers.Query;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace CityEye.Indexers.Lucene;

/// <summary>
/// The embedded device index: Lucene.NET files under the data folder. Writes commit before they return (the outbox
/// entry is marked done only after that), searches use near-real-time readers refreshed after each commit.
/// </summary>
public sealed class LuceneSearchIndex(string path, PinyinReadings dictionary) : ISearchIndex, IDisposable
{
    /// <summary>Prefixes expand to at most this many indexed terms per phrase position.</summary>
    private const int MaxPrefixTerms = 256;

    private static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _openLock = new();
    private LuceneDirectory? _directory;
    private IndexWriter? _writer;
    private SearcherManager? _searchers;

    public string Path { get; } = path;

    public Task InitialiseAsync(CancellationToken cancellationToken)
    {
        Open();
        return Task.CompletedTask;
    }

    public async Task UpsertAsync(IReadOnlyList<DeviceDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        await WriteAsync(writer =>
        {
            foreach (var document in documents)
            {
                writer.UpdateDocument(new Term(LuceneFields.Id, Id(document.Id)), ToLucene(document));
            }
        }, cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await WriteAsync(writer => writer.DeleteDocuments([.. ids.Select(id => new Term(LuceneFields.Id, Id(id)))]), cancellationToken);
    }

    public Task ClearAsync(CancellationToken cancellationToken) => WriteAsync(writer => writer.DeleteAll(), cancellationToken);

    public Task<DeviceSearchResult> SearchAsync(DeviceSearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var searchers = Open().Searchers;
        var searcher = searchers.Acquire();
        try
        {
            return Task.FromResult(Search(searcher, query));
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    public Task<SearchIndexInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var searchers = Open().Searchers;
        var searcher = searchers.Acquire();
        try
        {
            var size = System.IO.Directory.Exists(Path)
                ? new DirectoryInfo(Path).EnumerateFiles().Sum(SizeOf)
                : 0;
            return Task.FromResult(new SearchIndexInfo("Lucene", Path, searcher.IndexReader.NumDocs, size));
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    /// <summary>A file's size; 0 when a merge deleted it between listing and reading (the writer works concurrently).</summary>
    private static long SizeOf(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            _searchers?.Dispose();
            _writer?.Dispose();
            _directory?.Dispose();
            _searchers = null;
            _writer = null;
            _directory = null;
        }

        _writeLock.Dispose();
    }

    private (IndexWriter Writer, SearcherManager Searchers) Open()
    {
        lock (_openLock)
        {
            if (_writer is not null && _searchers is not null)
            {
                return (_writer, _searchers);
            }

            System.IO.Directory.CreateDirectory(Path);
            _directory = FSDirectory.Open(new DirectoryInfo(Path));
            try
            {
                _writer = CreateWriter(_directory);
            }
            catch (Exception e) when (e is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException)
            {
                // The index is a cache of the store: a damaged one is thrown away and rebuilt by the reindex that
                // DeviceIndexSync starts when the index and the ledger disagree.
                _directory.Dispose();
                System.IO.Directory.Delete(Path, recursive: true);
                System.IO.Directory.CreateDirectory(Path);
                _directory = FSDirectory.Open(new DirectoryInfo(Path));
                _writer = CreateWriter(_directory);
            }

            _writer.Commit();
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
            return (_writer, _searchers);
        }
    }

    private static IndexWriter CreateWriter(LuceneDirectory directory) =>
        new(directory, new IndexWriterConfig(Version, new SpaceAnalyzer()) { OpenMode = OpenMode.CREATE_OR_APPEND });

    private async Task WriteAsync(Action<IndexWriter> write, CancellationToken cancellationToken)
    {
        var (writer, searchers) = Open();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            write(writer);
            writer.Commit();
            searchers.MaybeRefreshBlocking();
        }
        catch
        {
            writer.Rollback();
            lock (_openLock)
            {
                // Rollback closes the writer; the next call reopens the index at its last commit.
                _searchers?.Dispose();
                _searchers = null;
                _writer = null;
                _directory?.Dispose();
                _directory = null;
            }

            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private Document ToLucene(DeviceDocument d)
    {
        var doc = new Document
        {
            new StringField(LuceneFields.Id, Id(d.Id), Field.Store.YES),
            new StringField(LuceneFields.GbCode, d.GbCode, Field.Store.YES),
            new StringField(LuceneFields.KeyboardCode, d.KeyboardCode, Field.Store.YES),
            new StoredField(LuceneFields.Name, d.Name),
            new TextField(LuceneFields.Text, SearchText.Characters(d.Name), Field.Store.NO),
            new StringField(LuceneFields.Type, d.Type, Field.Store.YES),
            new StringField(LuceneFields.Status, d.Status, Field.Store.YES),
            new StringField(LuceneFields.Manufacturer, d.Manufacturer, Field.Store.NO),
            new StringField(LuceneFields.Region, d.Region, Field.Store.NO),
            new StringField(LuceneFields.Owner, Id(d.OrganisationId), Field.Store.YES),
            new DoubleField(LuceneFields.Longitude, d.Longitude, Field.Store.YES),
            new DoubleField(LuceneFields.Latitude, d.Latitude, Field.Store.YES),
            new NumericDocValuesField(LuceneFields.Longitude + "_dv", BitConverter.DoubleToInt64Bits(d.Longitude)),
            new NumericDocValuesField(LuceneFields.Latitude + "_dv", BitConverter.DoubleToInt64Bits(d.Latitude)),
            new SortedDocValuesField(LuceneFields.NameSort, new BytesRef(d.Name)),
            new SortedDocValuesField(Sortable(LuceneFields.GbCode), new BytesRef(d.GbCode)),
            new NumericDocValuesField(LuceneFields.UpdatedSort, d.UpdatedAt.UtcTicks),
            new BinaryDocValuesField(LuceneFields.Hit, new BytesRef(System.Text.Encoding.UTF8.GetBytes(string.Join(
                '\u001f',
                Id(d.Id), d.Name, d.GbCode, d.KeyboardCode, d.Address ?? "\u0000", d.Type, d.Status, Id(d.OrganisationId),
                d.Longitude.ToString("R", CultureInfo.InvariantCulture), d.Latitude.ToString("R", CultureInfo.InvariantCulture))))),
            Facet(DeviceFacets.Type, d.Type),
            Facet(DeviceFacets.Status, d.Status),
            Facet(DeviceFacets.Manufacturer, d.Manufacturer),
            Facet(DeviceFacets.Region, d.Region),
            Facet(DeviceFacets.Organisation, Id(d.OrganisationId)),
        };
        if (!string.IsNullOrEmpty(d.Address))
        {
            doc.Add(new StoredField(LuceneFields.Address, d.Address));
            doc.Add(new TextField(LuceneFields.Text, SearchText.Characters(d.Address), Field.Store.NO));
        }

        foreach (var variant in SearchText.PinyinVariants(d.Name, dictionary))
        {
            doc.Add(new TextField(LuceneFields.Pinyin, variant, Field.Store.NO));
        }

        foreach (var variant in SearchText.InitialVariants(d.Name, dictionary))
        {
            doc.Add(new TextField(LuceneFields.Initials, variant, Field.Store.NO));
        }

        foreach (var id in d.OrganisationPath.Append(d.OrganisationId).Distinct())
        {
            doc.Add(new StringField(LuceneFields.OrganisationPath, Id(id), Field.Store.NO));
        }

        if (d.BusinessGroupId is null)
        {
            // "Filed under no group" is group 0 for filters.
            doc.Add(new StringField(LuceneFields.BusinessGroupPath, "0", Field.Store.NO));
        }
        else if (d.BusinessGroupId is { } group)
        {
            doc.Add(Facet(DeviceFacets.BusinessGroup, Id(group)));
            foreach (var id in d.BusinessGroupPath.Append(group).Distinct())
            {
                doc.Add(new StringField(LuceneFields.BusinessGroupPath, Id(id), Field.Store.NO));
            }
        }

        if (!string.IsNullOrEmpty(d.NetworkingLevel))
        {
            doc.Add(new StringField(LuceneFields.NetworkingLevel, d.NetworkingLevel, Field.Store.NO));
            doc.Add(Facet(DeviceFacets.NetworkingLevel, d.NetworkingLevel));
        }

        foreach (var tag in d.TagIds.Distinct())
        {
            doc.Add(new StringField(LuceneFields.Tag, Id(tag), Field.Store.NO));
            doc.Add(new SortedSetDocValuesField(LuceneFields.Facet(DeviceFacets.Tag), new BytesRef(Id(tag))));
        }

        foreach (var (key, value) in d.Attributes)
        {
            doc.Add(new StringField(LuceneFields.Attribute, DeviceDocument.AttributeTerm(key, value), Field.Store.NO));
        }

        return doc;
    }

    private static SortedDocValuesField Facet(string facet, string value) => new(LuceneFields.Facet(facet), new BytesRef(value));

    private static string Sortable(string field) => field + "_s";

    private static DeviceSearchResult Search(IndexSearcher searcher, DeviceSearchQuery query)
    {
        if (query.Scope.IsEmpty)
        {
            return new DeviceSearchResult(0, [], query.Facets.ToDictionary(f => f, _ => (IReadOnlyList<FacetCount>)[]));
        }

        var main = MainQuery(searcher.IndexReader, query.Plan);
        if (main is null)
        {
            return new DeviceSearchResult(0, [], query.Facets.ToDictionary(f => f, _ => (IReadOnlyList<FacetCount>)[]));
        }

        var filter = FilterQuery(query);
        var limit = Math.Max(1, query.Offset + query.Limit);
        var sort = SortOf(query);
        var top = TopFieldCollector.Create(sort, limit, fillFields: false, trackDocScores: false, trackMaxScore: false, docsScoredInOrder: false);
        var collector = new FacetingCollector(top, query.Facets, query.Area);
        searcher.Search(filter is null ? main : new FilteredQuery(main, new QueryWrapperFilter(filter)), collector);

        var hitValues = MultiDocValues.GetBinaryValues(searcher.IndexReader, LuceneFields.Hit);
        var scratch = new BytesRef();
        var hits = top.GetTopDocs(query.Offset, query.Limit).ScoreDocs.Select(s =>
        {
            hitValues.Get(s.Doc, scratch);
            return ToHit(scratch.Utf8ToString());
        }).ToList();
        return new DeviceSearchResult(collector.Total, hits, collector.Counts());
    }

    private static Sort SortOf(DeviceSearchQuery query) => query.Sort switch
    {
        DeviceSort.Relevance when query.Plan.Keywords.Count > 0 => new Sort(SortField.FIELD_SCORE, new SortField(LuceneFields.NameSort, SortFieldType.STRING)),
        DeviceSort.GbCode => new Sort(new SortField(Sortable(LuceneFields.GbCode), SortFieldType.STRING)),
        DeviceSort.UpdatedDesc => new Sort(new SortField(LuceneFields.UpdatedSort, SortFieldType.INT64, reverse: true), new SortField(LuceneFields.NameSort, SortFieldType.STRING)),
        _ => new Sort(new SortField(LuceneFields.NameSort, SortFieldType.STRING)),
    };

    private static DeviceHit ToHit(string packed)
    {
        var f = packed.Split('\u001f');
        return new DeviceHit(
            long.Parse(f[0], CultureInfo.InvariantCulture),
            f[1],
            f[2],
            f[3],
            f[4] == "\u0000" ? null : f[4],
            f[5],
            f[6],
            long.Parse(f[7], CultureInfo.InvariantCulture),
            double.Parse(f[8], CultureInfo.InvariantCulture),
            double.Parse(f[9], CultureInfo.InvariantCulture));
    }

    /// <summary>All keywords (AND); null when some keyword cannot match anything.</summary>
    private static global::Lucene.Net.Search.Query? MainQuery(IndexReader reader, QueryPlan plan)
    {
        if (plan.Keywords.Count == 0)
        {
            return new MatchAllDocsQuery();
        }

        var all = new BooleanQuery();
        foreach (var keyword in plan.Keywords)
        {
            var any = new BooleanQuery();
            if (keyword.TextPhrase is { } text && Phrase(reader, LuceneFields.Text, text) is { } textQuery)
            {
                any.Add(textQuery, Occur.SHOULD);
            }

            if (keyword.InitialsPhrase is { } initials && Phrase(reader, LuceneFields.Initials, initials) is { } initialsQuery)
            {
                var han = keyword.HanPhrases.Select(h => Phrase(reader, LuceneFields.Text, h)).ToList();
                if (han.All(h => h is not null))
                {
                    var both = new BooleanQuery { { initialsQuery, Occur.MUST } };
                    han.ForEach(h => both.Add(h, Occur.MUST));
                    any.Add(both, Occur.SHOULD);
                }
            }

            if (keyword.PinyinPhrases.Count > 0)
            {
                var pinyin = new BooleanQuery();
                foreach (var phrase in keyword.PinyinPhrases)
                {
                    if (Phrase(reader, LuceneFields.Pinyin, phrase) is { } q)
                    {
                        pinyin.Add(q, Occur.SHOULD);
                    }
                }

                var han = keyword.HanPhrases.Select(h => Phrase(reader, LuceneFields.Text, h)).ToList();
                if (pinyin.Clauses.Count > 0 && han.All(h => h is not null))
                {
                    var both = new BooleanQuery { { pinyin, Occur.MUST } };
                    han.ForEach(h => both.Add(h, Occur.MUST));
                    any.Add(both, Occur.SHOULD);
                }
            }

            if (keyword.CodePrefix is { } code)
            {
                any.Add(new PrefixQuery(new Term(LuceneFields.GbCode, code)) { Boost = 2 }, Occur.SHOULD);
                any.Add(new PrefixQuery(new Term(LuceneFields.KeyboardCode, code)) { Boost = 2 }, Occur.SHOULD);
            }

            if (any.Clauses.Count == 0)
            {
                return null;
            }

            all.Add(any, Occur.MUST);
        }

        return all;
    }

    /// <summary>A phrase with alternatives per position; null when some position matches no indexed term.</summary>
    private static MultiPhraseQuery? Phrase(IndexReader reader, string field, PhrasePlan plan)
    {
        var phrase = new MultiPhraseQuery();
        foreach (var position in plan.Positions)
        {
            var terms = new List<Term>(position.Terms.Select(t => new Term(field, t)));
            if (position.Prefix is { } prefix)
            {
                terms.AddRange(Expand(reader, field, prefix));
            }

            if (terms.Count == 0)
            {
                return null;
            }

            phrase.Add([.. terms.DistinctBy(t => t.Text)]);
        }

        return phrase;
    }

    private static IEnumerable<Term> Expand(IndexReader reader, string field, string prefix)
    {
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null)
        {
            yield break;
        }

        var iterator = terms.GetEnumerator();
        var start = new BytesRef(prefix);
        if (iterator.SeekCeil(start) == TermsEnum.SeekStatus.END)
        {
            yield break;
        }

        var count = 0;
        do
        {
            if (!StringHelper.StartsWith(iterator.Term, start) || count++ >= MaxPrefixTerms)
            {
                yield break;
            }

            yield return new Term(field, iterator.Term.Utf8ToString());
        }
        while (iterator.MoveNext());
    }

    private static BooleanQuery? FilterQuery(DeviceSearchQuery query)
    {
        var filter = new BooleanQuery();
        if (!query.Scope.IsAll)
        {
            // Owned by one of the organisations, or one of the single devices (a field-cache filter: the list can
            // hold thousands of ids, beyond BooleanQuery's clause limit).
            var reach = new BooleanQuery();
            query.Scope.OrganisationIds.Select(Id).ToList().ForEach(v => reach.Add(new TermQuery(new Term(LuceneFields.Owner, v)), Occur.SHOULD));
            if (query.Scope.DeviceIds.Count > 0)
            {
                reach.Add(new ConstantScoreQuery(new FieldCacheTermsFilter(LuceneFields.Id, [.. query.Scope.DeviceIds.Select(Id)])), Occur.SHOULD);
            }

            filter.Add(reach, Occur.MUST);
        }

        AnyOf(filter, LuceneFields.Type, query.Types);
        AnyOf(filter, LuceneFields.Status, query.Statuses);
        AnyOf(filter, LuceneFields.Manufacturer, query.Manufacturers);
        AnyOf(filter, LuceneFields.Region, query.Regions);
        AnyOf(filter, LuceneFields.NetworkingLevel, query.NetworkingLevels);
        AnyOf(filter, LuceneFields.OrganisationPath, query.OrganisationIds.Select(Id));
        AnyOf(filter, LuceneFields.BusinessGroupPath, query.BusinessGroupIds.Select(Id));
        foreach (var tag in query.TagIds.Distinct())
        {
            // Tags: every one must match (a device labelled 学校 and 校门), unlike the other filters.
            filter.Add(new TermQuery(new Term(LuceneFields.Tag, Id(tag))), Occur.MUST);
        }

        foreach (var (key, values) in query.Attributes)
        {
            AnyOf(filter, LuceneFields.Attribute, values.Select(v => DeviceDocument.AttributeTerm(key, v)));
        }
        if (query.Area is { } area)
        {
            var (west, south, east, north) = area.Bounds();
            filter.Add(NumericRangeQuery.NewDoubleRange(LuceneFields.Longitude, west, east, minInclusive: true, maxInclusive: true), Occur.MUST);
            filter.Add(NumericRangeQuery.NewDoubleRange(LuceneFields.Latitude, south, north, minInclusive: true, maxInclusive: true), Occur.MUST);
        }

        return filter.Clauses.Count == 0 ? null : filter;
    }

    private static void AnyOf(BooleanQuery filter, string field, IEnumerable<string> values)
    {
        var list = values.Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var any = new BooleanQuery();
        list.ForEach(v => any.Add(new TermQuery(new Term(field, v)), Occur.SHOULD));
        filter.Add(any, Occur.MUST);
    }
}

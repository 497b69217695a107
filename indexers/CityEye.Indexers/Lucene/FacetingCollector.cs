using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace CityEye.Indexers.Lucene;

/// <summary>
/// Passes hits to the top-N collector after the exact shape test of a map selection, counts every hit, and counts
/// facet values from doc values per segment (ordinals first, strings once per segment).
/// </summary>
internal sealed class FacetingCollector(ICollector inner, IReadOnlyList<string> facets, GeoArea? area) : ICollector
{
    private readonly Dictionary<string, Dictionary<string, long>> _totals = facets.Distinct().ToDictionary(f => f, _ => new Dictionary<string, long>(StringComparer.Ordinal));
    private readonly List<(string Facet, SortedDocValues Values, long[] Counts)> _segment = [];
    private readonly List<(string Facet, SortedSetDocValues Values, long[] Counts)> _multi = [];
    private NumericDocValues? _longitudes;
    private NumericDocValues? _latitudes;

    public long Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;

    public void SetScorer(Scorer scorer) => inner.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        inner.SetNextReader(context);
        foreach (var facet in _totals.Keys)
        {
            var field = context.AtomicReader.FieldInfos.FieldInfo(LuceneFields.Facet(facet));
            if (field?.DocValuesType == DocValuesType.SORTED_SET)
            {
                var set = context.AtomicReader.GetSortedSetDocValues(LuceneFields.Facet(facet));
                _multi.Add((facet, set, new long[set.ValueCount]));
            }
            else if (context.AtomicReader.GetSortedDocValues(LuceneFields.Facet(facet)) is { } values)
            {
                _segment.Add((facet, values, new long[values.ValueCount]));
            }
        }

        if (area is not null)
        {
            _longitudes = context.AtomicReader.GetNumericDocValues(LuceneFields.Longitude + "_dv");
            _latitudes = context.AtomicReader.GetNumericDocValues(LuceneFields.Latitude + "_dv");
        }
    }

    public void Collect(int doc)
    {
        if (area is not null)
        {
            if (_longitudes is null || _latitudes is null
                || !area.Contains(BitConverter.Int64BitsToDouble(_longitudes.Get(doc)), BitConverter.Int64BitsToDouble(_latitudes.Get(doc))))
            {
                return;
            }
        }

        Total++;
        inner.Collect(doc);
        foreach (var (_, values, counts) in _segment)
        {
            var ord = values.GetOrd(doc);
            if (ord >= 0)
            {
                counts[ord]++;
            }
        }

        foreach (var (_, values, counts) in _multi)
        {
            values.SetDocument(doc);
            for (var ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd())
            {
                counts[ord]++;
            }
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Counts()
    {
        Flush();
        return _totals.ToDictionary(
            t => t.Key,
            t => (IReadOnlyList<FacetCount>)[.. t.Value.Select(v => new FacetCount(v.Key, v.Value)).OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal)]);
    }

    private void Flush()
    {
        var term = new BytesRef();
        foreach (var (facet, values, counts) in _segment)
        {
            Merge(_totals[facet], counts, ord => values.LookupOrd(ord, term), term);
        }

        foreach (var (facet, values, counts) in _multi)
        {
            Merge(_totals[facet], counts, ord => values.LookupOrd(ord, term), term);
        }

        _segment.Clear();
        _multi.Clear();
    }

    /// <summary>Adds a segment's counts by ordinal to the totals by value (looking each value up once).</summary>
    private static void Merge(Dictionary<string, long> totals, long[] counts, Action<int> lookup, BytesRef term)
    {
        for (var ord = 0; ord < counts.Length; ord++)
        {
            if (counts[ord] > 0)
            {
                lookup(ord);
                var key = term.Utf8ToString();
                totals[key] = totals.GetValueOrDefault(key) + counts[ord];
            }
        }
    }
}

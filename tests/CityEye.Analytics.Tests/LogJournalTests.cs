using CityEye.Analytics.DuckDb;
using CityEye.Analytics.Logging;
using DuckDB.NET.Data;

namespace CityEye.Analytics.Tests;

public sealed class LogJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityeye-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LogEntry Entry(int i) => AnalyticsStoreConformance.Entries()[i] with { Sequence = 0, Hash = string.Empty };

    [Fact]
    public void Append_NumbersAndChainsEntries_AndAReopenedJournalContinuesTheChain()
    {
        var journalFolder = Path.Combine(_folder, "j");
        List<LogEntry> written;
        using (var journal = new LogJournal(journalFolder))
        {
            written = [.. Enumerable.Range(0, 5).Select(i => journal.Append(Entry(i)))];
        }

        Assert.Equal([1L, 2, 3, 4, 5], written.Select(e => e.Sequence));
        Assert.Null(LogChain.Verify(written, 0, LogChain.Genesis, out var last));
        Assert.Equal(written[^1].Hash, last.Hash);

        using var reopened = new LogJournal(journalFolder);
        Assert.Equal((5L, written[^1].Hash), (reopened.LastSequence, reopened.LastHash));
        var sixth = reopened.Append(Entry(5));
        Assert.Equal(6, sixth.Sequence);
        Assert.Equal(LogChain.Hash(written[^1].Hash, sixth), sixth.Hash);
        Assert.Equal(written.Append(sixth), reopened.ReadAfter(0, 100));
        Assert.Equal([5L, 6], reopened.ReadAfter(4, 100).Select(e => e.Sequence));
    }

    [Fact]
    public void ReadAfter_ContinuesWhereTheLastReadStopped()
    {
        using var journal = new LogJournal(Path.Combine(_folder, "j"));
        for (var i = 0; i < 10; i++)
        {
            journal.Append(Entry(i));
        }

        Assert.Equal([1L, 2, 3, 4], journal.ReadAfter(0, 4).Select(e => e.Sequence));
        Assert.Equal([5L, 6, 7, 8, 9, 10], journal.ReadAfter(4, 100).Select(e => e.Sequence)); // continues from the cursor
        Assert.Empty(journal.ReadAfter(10, 100));

        // An entry appended after the last read is found from the cursor; any other position still works.
        journal.Append(Entry(10));
        Assert.Equal([11L], journal.ReadAfter(10, 100).Select(e => e.Sequence));
        Assert.Equal([3L, 4, 5], journal.ReadAfter(2, 3).Select(e => e.Sequence));
        Assert.Equal([6L, 7], journal.ReadAfter(5, 2).Select(e => e.Sequence));
    }

    [Fact]
    public void Open_DropsALineCutOffByACrash()
    {
        var journalFolder = Path.Combine(_folder, "j");
        using (var journal = new LogJournal(journalFolder))
        {
            journal.Append(Entry(0));
            journal.Append(Entry(1));
        }

        var segment = Directory.GetFiles(journalFolder).Single();
        File.AppendAllText(segment, "{\"sequence\":3,\"at\":\"2026-11-2");

        using var reopened = new LogJournal(journalFolder);
        Assert.Equal(2, reopened.LastSequence);
        Assert.Equal(3, reopened.Append(Entry(2)).Sequence);
        Assert.Equal([1L, 2, 3], reopened.ReadAfter(0, 10).Select(e => e.Sequence));
    }

    [Fact]
    public void Segments_RollOver_AndStoredOnesAreDeleted()
    {
        using var journal = new LogJournal(Path.Combine(_folder, "j"), segmentBytes: 2_000);
        for (var i = 0; i < 40; i++)
        {
            journal.Append(Entry(i));
        }

        var segments = Directory.GetFiles(Path.Combine(_folder, "j"));
        Assert.True(segments.Length > 3, $"{segments.Length} segments");
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), journal.ReadAfter(0, 100).Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), journal.ReadAfter(20, 10).Select(e => e.Sequence));

        var deleted = journal.DeleteStored(20);
        Assert.True(deleted > 0);
        Assert.Equal(21, journal.ReadAfter(20, 100)[0].Sequence);
        Assert.Equal(Enumerable.Range(21, 20).Select(i => (long)i), journal.ReadAfter(20, 100).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Chain_FindsATamperedStoredEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = Path.Combine(_folder, "analytics.duckdb");
        using (var journal = new LogJournal(Path.Combine(_folder, "j")))
        {
            await using var store = new DuckDbAnalyticsStore(database);
            await store.MigrateAsync(ct);
            for (var i = 0; i < 30; i++)
            {
                journal.Append(Entry(i));
            }

            await store.AppendAsync(journal.ReadAfter(0, 100), ct);
            Assert.Null(LogChain.Verify(await store.ReadAfterAsync(0, 100, ct), 0, LogChain.Genesis, out _));
        }

        // Someone with access to the file changes entry 17's user and deletes entry 25.
        await using (var raw = new DuckDBConnection($"Data Source={database}"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE log_entries SET username = 'nobody' WHERE seq = 17; DELETE FROM log_entries WHERE seq = 25;";
            command.ExecuteNonQuery();
        }

        await using var reopened = new DuckDbAnalyticsStore(database);
        var stored = await reopened.ReadAfterAsync(0, 100, ct);
        Assert.Equal(new LogChainBreak(17, "hashMismatch"), LogChain.Verify(stored, 0, LogChain.Genesis, out _));
        Assert.Equal(new LogChainBreak(25, "sequenceGap"), LogChain.Verify(stored.Where(e => e.Sequence > 17), 17, stored.Single(e => e.Sequence == 17).Hash, out _));
    }

    [Fact]
    public void Sm3_MatchesTheStandardTestVector()
    {
        // GB/T 32905-2016 appendix A.1: SM3("abc").
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", LogChain.Sm3Hex("abc"));
    }

    [Fact]
    public void Chain_EntriesWithoutTheLaterColumns_HashAsBeforeTheyExisted()
    {
        var entry = new LogEntry { Sequence = 7, At = new DateTimeOffset(2026, 11, 20, 1, 2, 3, TimeSpan.Zero), Kind = LogKinds.Operation, Username = "zhang", Status = 200 };
        var before = string.Join('\u001f', new object[]
        {
            7L, entry.At.ToUnixTimeMilliseconds(), "2026-11-20", "operation", 0L, "zhang", 0L, "", "", "", "", "", "", "", "", "", "", "", "", "", 200, 0, "",
        }.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(LogChain.Sm3Hex(LogChain.Genesis + "\u001e" + before), LogChain.Hash(LogChain.Genesis, entry));

        // The later columns are chained as soon as they are set.
        Assert.NotEqual(LogChain.Hash(LogChain.Genesis, entry), LogChain.Hash(LogChain.Genesis, entry with { CommissioningUnit = "市局科信处" }));
        Assert.NotEqual(LogChain.Hash(LogChain.Genesis, entry with { UserDisplayName = "张三" }), LogChain.Hash(LogChain.Genesis, entry with { CommissioningUnit = "张三" }));
    }
}

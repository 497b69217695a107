using CityEye.Analytics;
using CityEye.Analytics.Logging;

namespace CityEye.Api.Logs;

/// <summary>Recomputes the SM3 chain over every stored log entry (after draining the journal): intact, or where it first breaks.</summary>
internal sealed class LogChainVerifier(IAnalyticsStore store, LogJournal journal, LogDrain drain)
{
    public async Task<LogChainState> VerifyAsync(CancellationToken cancellationToken)
    {
        await drain.DrainAsync(cancellationToken);
        var first = await store.ReadAfterAsync(0, 1, cancellationToken);
        if (first.Count == 0)
        {
            return new LogChainState(true, 0, 0, 0, null, journal.LastSequence);
        }

        // The very first entry follows from the genesis hash; after retention the oldest stored entry anchors the check.
        if (first[0].Sequence == 1 && !string.Equals(LogChain.Hash(LogChain.Genesis, first[0]), first[0].Hash, StringComparison.Ordinal))
        {
            return new LogChainState(false, 1, 1, 1, new LogChainBreak(1, "hashMismatch"), journal.LastSequence);
        }

        var previous = (first[0].Sequence, first[0].Hash);
        long checkedCount = 1;
        while (true)
        {
            var batch = await store.ReadAfterAsync(previous.Sequence, 10_000, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var broken = LogChain.Verify(batch, previous.Sequence, previous.Hash, out var last);
            checkedCount += broken is null ? batch.Count : Math.Max(0, broken.Sequence - previous.Sequence - 1);
            if (broken is not null)
            {
                return new LogChainState(false, checkedCount, first[0].Sequence, last.Sequence, broken, journal.LastSequence);
            }

            previous = last;
        }

        // Entries removed from the end show as a store that holds less than the drain moved into it.
        if (previous.Sequence < drain.StoredSequence)
        {
            return new LogChainState(false, checkedCount, first[0].Sequence, previous.Sequence, new LogChainBreak(previous.Sequence + 1, "sequenceGap"), journal.LastSequence);
        }

        return new LogChainState(true, checkedCount, first[0].Sequence, previous.Sequence, null, journal.LastSequence);
    }
}

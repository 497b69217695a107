namespace CityEye.Analytics;

/// <summary>
/// The columnar analytics store: operation, service-call and security logs now, captures with the video-computing
/// issue. Providers: <c>DuckDb/</c> (embedded default, a file under the data folder) and <c>ClickHouse/</c> (its HTTP
/// interface; the same SQL runs on ClickHouse 18.16 and current releases). Both run their own schema migrations and
/// pass one conformance suite.
/// </summary>
public interface IAnalyticsStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (idempotent).</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends entries in one batch. Entries whose <see cref="LogEntry.Sequence"/> is not above
    /// <see cref="MaxSequenceAsync"/> are skipped, so a batch sent twice (a crash between send and acknowledgement)
    /// is stored once. Returns how many were written. One writer at a time (the journal drain).
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<LogEntry> entries, CancellationToken cancellationToken);

    /// <summary>The highest sequence stored; 0 when empty.</summary>
    Task<long> MaxSequenceAsync(CancellationToken cancellationToken);

    Task<LogPage> SearchAsync(LogQuery query, CancellationToken cancellationToken);

    /// <summary>Entries per day, unit and module in [fromDay, untilDay), optionally of one kind.</summary>
    Task<IReadOnlyList<LogCount>> CountByDayUnitModuleAsync(DateOnly fromDay, DateOnly untilDay, string? kind, CancellationToken cancellationToken);

    /// <summary>Entries in sequence order from <paramref name="afterSequence"/> (for chain verification and export).</summary>
    Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSequence, int take, CancellationToken cancellationToken);

    /// <summary>Removes every entry of days before <paramref name="cutoff"/> (retention); returns the days dropped.</summary>
    Task<int> DropDaysBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken);

    Task<AnalyticsInfo> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Behaviour counts per user and local (Asia/Shanghai) day of the entries in [since, until).</summary>
    Task<IReadOnlyList<Behaviour.UserDayCounts>> UserDayCountsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Distinct users with operations per (UTC) day in [fromDay, untilDay), optionally of one unit.</summary>
    Task<IReadOnlyList<Behaviour.DayValue>> ActiveUsersByDayAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, CancellationToken cancellationToken);

    /// <summary>The devices operations named most in [fromDay, untilDay), optionally of one unit's users.</summary>
    Task<IReadOnlyList<Behaviour.DeviceUse>> TopDevicesAsync(DateOnly fromDay, DateOnly untilDay, long? organisationId, int take, CancellationToken cancellationToken);
}

using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Sync;

/// <summary>
/// Applies one stored ledger batch through the archive's normal write path (<see cref="DeviceService"/>: rules,
/// scope, uniqueness, versions, outbox). Valid records are written, the others reported by record and field.
/// Applying a batch twice writes nothing the second time (unchanged devices are not rewritten, deleted ones are
/// already gone), which is what makes the sync job safe to resume after a crash.
/// </summary>
public sealed class LedgerSyncApplier(DeviceService service, DeviceStore devices, LedgerSyncStore store)
{
    /// <summary>Most missing GB codes a report lists (the count is always complete).</summary>
    public const int MaxMissingListed = 1_000;

    public async Task<(LedgerSyncCounts Counts, LedgerSyncReport Report)> ApplyAsync(
        LedgerSyncBatch batch, DeviceWriter writer, DeviceScope scope, Func<double, string, Task> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(progress);
        var records = LedgerSyncStore.Records(batch);
        var problems = new List<LedgerSyncRecordProblem>();

        // Upserts: a record for an existing device changes only the fields it carries.
        var all = await devices.GetByGbCodesAsync(records.Select(r => r.GbCode!.Trim()), cancellationToken);

        // A device outside the pusher's scope is neither merged nor reported on: only "not yours".
        var foreign = all.Where(d => !scope.Includes(d.Value.OrganisationId, d.Value.Id)).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var existing = all.Where(d => !foreign.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        foreach (var (record, number) in records.Select((r, i) => (r, i + 1)).Where(r => foreign.Contains(r.r.GbCode!.Trim())))
        {
            problems.Add(new LedgerSyncRecordProblem(number, record.GbCode!.Trim(), [new Violation("gbCode", ErrorCodes.DeviceOutOfScope)]));
        }

        var upserts = records.Select((r, i) => (Record: r, Number: i + 1))
            .Where(r => r.Record.Op is null or LedgerSyncOps.Upsert)
            .Where(r => !foreign.Contains(r.Record.GbCode!.Trim()))
            .ToList();
        var rows = upserts.Select(u =>
        {
            var gbCode = u.Record.GbCode!.Trim();
            var row = existing.TryGetValue(gbCode, out var device) ? DeviceFields.ToMap(device) : new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in u.Record.Fields ?? new Dictionary<string, string?>())
            {
                row[key] = value;
            }

            row["gbCode"] = gbCode;
            return (IReadOnlyDictionary<string, string?>)row;
        }).ToList();
        await progress(0.1, $"校验并写入 {rows.Count} 条 (checking and writing)");
        var result = rows.Count > 0
            ? await service.UpsertAsync(rows, ImportMode.ValidRowsOnly, writer, scope, allowUpdate: true, cancellationToken)
            : new DeviceUpsertResult(0, 0, 0, [], Written: true);
        problems.AddRange(result.Problems.Select(p => new LedgerSyncRecordProblem(
            p.Row > 0 && p.Row <= upserts.Count ? upserts[p.Row - 1].Number : 0, p.GbCode, p.Violations)));
        if (!result.Written)
        {
            // A race (someone edited a device between check and write) wrote nothing: the job retries the batch.
            throw new LedgerSyncRetryException(string.Join("; ", result.Problems.SelectMany(p => p.Violations).Select(v => v.Message)));
        }

        // Deletes: a device already gone counts as unchanged.
        var deleted = 0;
        var unchanged = result.Unchanged;
        foreach (var (record, number) in records.Select((r, i) => (r, i + 1)).Where(r => r.r.Op == LedgerSyncOps.Delete && !foreign.Contains(r.r.GbCode!.Trim())))
        {
            var gbCode = record.GbCode!.Trim();
            if (!existing.TryGetValue(gbCode, out var device))
            {
                unchanged++;
                continue;
            }

            var outcome = await service.DeleteAsync(device.Id, device.Version, writer, scope, cancellationToken);
            switch (outcome.Status)
            {
                case DeviceWriteStatus.Written:
                    deleted++;
                    break;
                case DeviceWriteStatus.NotFound when !scope.Includes(device.OrganisationId, device.Id):
                    problems.Add(new LedgerSyncRecordProblem(number, gbCode, [new Violation("organisationId", ErrorCodes.DeviceOutOfScope)]));
                    break;
                case DeviceWriteStatus.NotFound:
                    unchanged++;
                    break;
                default:
                    problems.Add(new LedgerSyncRecordProblem(number, gbCode, [new Violation("version", ErrorCodes.DeviceStale, new Dictionary<string, object?> { ["version"] = outcome.CurrentVersion })]));
                    break;
            }
        }

        // Full runs: remember what the source has; after the final batch, report (or delete) what it no longer has.
        var missingCodes = new List<string>();
        var missingCount = 0;
        if (batch.Mode == LedgerSyncModes.Full && batch.FullRun is not null)
        {
            await store.MarkSeenAsync(batch.Source, batch.FullRun, records.Where(r => r.Op != LedgerSyncOps.Delete).Select(r => r.GbCode!.Trim()), cancellationToken);
            if (batch.Final)
            {
                await progress(0.8, "比对全量台账 (comparing with the full ledger)");
                var missing = await store.MissingAsync(batch.Source, batch.FullRun, scope, cancellationToken);
                missingCount = missing.Count;
                missingCodes.AddRange(missing.Take(MaxMissingListed).Select(m => m.GbCode));
                if (batch.RemoveMissing)
                {
                    foreach (var (id, _, version) in missing)
                    {
                        if ((await service.DeleteAsync(id, version, writer, scope, cancellationToken)).Status == DeviceWriteStatus.Written)
                        {
                            deleted++;
                        }
                    }
                }
            }
        }

        var rejected = problems.Select(p => p.Record).Distinct().Count();
        return (new LedgerSyncCounts(result.Created, result.Updated, unchanged, deleted, rejected, missingCount), new LedgerSyncReport(problems, missingCodes));
    }
}

/// <summary>Applying a batch met a concurrent edit and wrote nothing; applying it again is safe.</summary>
public sealed class LedgerSyncRetryException(string message) : Exception(message)
{
    public LedgerSyncRetryException()
        : this("The batch met a concurrent edit.")
    {
    }

    public LedgerSyncRetryException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}

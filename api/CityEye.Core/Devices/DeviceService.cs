using System.Globalization;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Domain;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices;

/// <summary>How an import treats rows with problems.</summary>
public enum ImportMode
{
    /// <summary>Any problem in any row writes nothing.</summary>
    AllOrNothing,

    /// <summary>Rows with problems are skipped and reported; the others are written.</summary>
    ValidRowsOnly,
}

/// <summary>Outcome of a single-device write.</summary>
public enum DeviceWriteStatus
{
    Written,
    Invalid,
    NotFound,
    Stale,
}

public sealed record DeviceWriteResult(DeviceWriteStatus Status, Device? Device, IReadOnlyList<Violation> Violations, int? CurrentVersion = null);

/// <summary>Outcome of an upsert batch (import, sync): counts, and the rows with problems.</summary>
public sealed record DeviceUpsertResult(int Created, int Updated, int Unchanged, IReadOnlyList<DeviceRowProblems> Problems, bool Written);

/// <summary>
/// The one path by which devices enter and change in the ledger (UI, API, import, connectors, demo seeding): field
/// parsing, the stored field rules (<see cref="LedgerCatalog"/>), references, the caller's device scope,
/// uniqueness inside the batch and against the store, then one transaction with version and outbox rows.
/// </summary>
public sealed class DeviceService(DeviceStore store, LedgerCatalog catalog)
{
    public const int MaxBatchSize = 100_000;

    private static readonly Dictionary<string, string> ColumnsByField = new(StringComparer.Ordinal)
    {
        ["gbCode"] = "gb_code",
        ["name"] = "name",
        ["keyboardCode"] = "keyboard_code",
        ["ipAddress"] = "ip_address",
        ["port"] = "port",
        ["sipDomain"] = "sip_domain",
        ["parentPlatform"] = "parent_platform",
        ["address"] = "address",
        ["model"] = "model",
    };

    /// <summary>True when <paramref name="field"/> is a stored column a uniqueness rule can use.</summary>
    public static bool HasColumn(string field) => ColumnsByField.ContainsKey(field);

    /// <summary>Which of <paramref name="gbCodes"/> the ledger already holds.</summary>
    public Task<IReadOnlySet<string>> ExistingAsync(IEnumerable<string> gbCodes, CancellationToken cancellationToken)
        => store.ExistingGbCodesAsync(gbCodes, cancellationToken);

    /// <summary>Creates devices all or nothing (demo seeding, tests): every problem is reported per row.</summary>
    public async Task<DeviceBatchResult> CreateManyAsync(IReadOnlyList<Device> devices, DeviceWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var result = await UpsertAsync([.. devices.Select(d => (IReadOnlyDictionary<string, string?>)DeviceFields.ToMap(d))], ImportMode.AllOrNothing, writer, DeviceScope.All, allowUpdate: false, cancellationToken);
        if (!result.Written)
        {
            return new DeviceBatchResult([], result.Problems);
        }

        var written = await store.GetByGbCodesAsync(devices.Select(d => d.GbCode), cancellationToken);
        return new DeviceBatchResult([.. devices.Select(d => written[d.GbCode].Id)], []);
    }

    /// <summary>Creates one device from a field map.</summary>
    public async Task<DeviceWriteResult> CreateAsync(IReadOnlyDictionary<string, string?> fields, DeviceWriter writer, DeviceScope scope, CancellationToken cancellationToken)
    {
        var result = await UpsertAsync([fields], ImportMode.AllOrNothing, writer, scope, allowUpdate: false, cancellationToken);
        if (!result.Written)
        {
            return new DeviceWriteResult(DeviceWriteStatus.Invalid, null, result.Problems.SelectMany(p => p.Violations).ToList());
        }

        var gb = fields["gbCode"]!.Trim();
        var device = (await store.GetByGbCodesAsync([gb], cancellationToken))[gb];
        return new DeviceWriteResult(DeviceWriteStatus.Written, device, []);
    }

    /// <summary>Replaces the editable fields of a device at <paramref name="expectedVersion"/> (optimistic concurrency).</summary>
    public async Task<DeviceWriteResult> UpdateAsync(long id, IReadOnlyDictionary<string, string?> fields, int expectedVersion, DeviceWriter writer, DeviceScope scope, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(id, scope, cancellationToken);
        if (before is null)
        {
            return new DeviceWriteResult(DeviceWriteStatus.NotFound, null, []);
        }

        if (before.Version != expectedVersion)
        {
            return new DeviceWriteResult(DeviceWriteStatus.Stale, before, [], before.Version);
        }

        var (after, violations) = await CheckAsync([fields], [before], scope, cancellationToken);
        if (violations[0].Count > 0)
        {
            return new DeviceWriteResult(DeviceWriteStatus.Invalid, null, violations[0]);
        }

        var updated = after[0] with { Id = before.Id, CreatedAt = before.CreatedAt };
        if (DeviceFields.Diff(before, updated).Count == 0)
        {
            return new DeviceWriteResult(DeviceWriteStatus.Written, before, []);
        }

        int? version;
        try
        {
            version = await store.UpdateAsync(before, updated, expectedVersion, writer, cancellationToken);
        }
        catch (Exception e) when (Storage.StoreFailures.UniqueViolationColumn(e) is { } column)
        {
            var field = ColumnsByField.FirstOrDefault(c => c.Value == column).Key ?? "gbCode";
            return new DeviceWriteResult(DeviceWriteStatus.Invalid, null, [new Violation(field, ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = updated.GbCode })]);
        }

        if (version is null)
        {
            var current = await store.GetAsync(id, scope, cancellationToken);
            return current is null
                ? new DeviceWriteResult(DeviceWriteStatus.NotFound, null, [])
                : new DeviceWriteResult(DeviceWriteStatus.Stale, current, [], current.Version);
        }

        return new DeviceWriteResult(DeviceWriteStatus.Written, await store.GetAsync(id, scope, cancellationToken), []);
    }

    /// <summary>Deletes a device at <paramref name="expectedVersion"/>; its versions stay.</summary>
    public async Task<DeviceWriteResult> DeleteAsync(long id, int expectedVersion, DeviceWriter writer, DeviceScope scope, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(id, scope, cancellationToken);
        if (before is null)
        {
            return new DeviceWriteResult(DeviceWriteStatus.NotFound, null, []);
        }

        if (before.Version != expectedVersion || !await store.DeleteAsync(before, expectedVersion, writer, cancellationToken))
        {
            var current = await store.GetAsync(id, scope, cancellationToken);
            return current is null
                ? new DeviceWriteResult(DeviceWriteStatus.NotFound, null, [])
                : new DeviceWriteResult(DeviceWriteStatus.Stale, current, [], current.Version);
        }

        return new DeviceWriteResult(DeviceWriteStatus.Written, before, []);
    }

    /// <summary>
    /// Creates or updates (by GB code) devices from field maps: an import or a ledger sync. Rows are checked against
    /// the rules, the caller's scope and each other; then written in one transaction (valid rows only, or all or
    /// nothing). Rows equal to the stored device count as unchanged and write nothing.
    /// </summary>
    public async Task<DeviceUpsertResult> UpsertAsync(
        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, ImportMode mode, DeviceWriter writer, DeviceScope scope, bool allowUpdate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(scope);
        if (rows.Count > MaxBatchSize)
        {
            throw new ArgumentException($"At most {MaxBatchSize} devices per batch.", nameof(rows));
        }

        var codes = rows.Select(r => r.GetValueOrDefault("gbCode")?.Trim()).Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        var existing = await store.GetByGbCodesAsync(codes, cancellationToken);
        var befores = rows.Select(r => r.GetValueOrDefault("gbCode")?.Trim() is { Length: > 0 } gb && existing.TryGetValue(gb, out var d) ? d : null).ToList();
        var (devices, violations) = await CheckAsync(rows, befores, scope, cancellationToken);

        var problems = new List<DeviceRowProblems>();
        var changes = new List<(Device? Before, Device After)>();
        int created = 0, updated = 0, unchanged = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var before = befores[i];
            if (before is not null && !allowUpdate)
            {
                violations[i].Add(new Violation("gbCode", ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = before.GbCode, ["rule"] = "gbCode.unique" }));
            }

            if (violations[i].Count > 0)
            {
                problems.Add(new DeviceRowProblems(i + 1, rows[i].GetValueOrDefault("gbCode"), violations[i]));
                continue;
            }

            if (before is null)
            {
                changes.Add((null, devices[i]));
                created++;
            }
            else
            {
                var after = devices[i] with { Id = before.Id, CreatedAt = before.CreatedAt, Version = before.Version };
                if (DeviceFields.Diff(before, after).Count == 0)
                {
                    unchanged++;
                }
                else
                {
                    changes.Add((before, after));
                    updated++;
                }
            }
        }

        if (problems.Count > 0 && mode == ImportMode.AllOrNothing)
        {
            return new DeviceUpsertResult(0, 0, 0, problems, Written: false);
        }

        IReadOnlyList<long>? written;
        try
        {
            written = changes.Count > 0 ? await store.WriteBatchAsync(changes, writer, cancellationToken) : [];
        }
        catch (Exception e) when (Storage.StoreFailures.UniqueViolationColumn(e) is { } column)
        {
            // Another writer took the value between the check and the write (or the rule is off): nothing was written.
            var field = ColumnsByField.FirstOrDefault(c => c.Value == column).Key ?? "gbCode";
            problems.Add(new DeviceRowProblems(0, null, [new Violation(field, ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = column })]));
            return new DeviceUpsertResult(0, 0, 0, problems, Written: false);
        }

        if (written is null)
        {
            // Someone edited one of the devices between the check and the write: nothing was written.
            var stale = changes.First(c => c.Before is not null).Before!;
            problems.Add(new DeviceRowProblems(0, stale.GbCode, [new Violation("version", ErrorCodes.DeviceStale, new Dictionary<string, object?> { ["version"] = stale.Version })]));
            return new DeviceUpsertResult(0, 0, 0, problems, Written: false);
        }

        return new DeviceUpsertResult(created, updated, unchanged, problems, Written: true);
    }

    /// <summary>
    /// Parses and checks rows (each optionally replacing an existing device): field parsing, blocking rules,
    /// references, scope, and uniqueness against each other and the store. One violation list per row.
    /// </summary>
    private async Task<(List<Device> Devices, List<List<Violation>> Violations)> CheckAsync(
        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, List<Device?> befores, DeviceScope scope, CancellationToken cancellationToken)
    {
        var rules = await catalog.GetRuleSetAsync(cancellationToken);
        var extended = await catalog.ExtendedKeysAsync(cancellationToken);
        var (organisations, groups) = await store.ReferenceIdsAsync(cancellationToken);
        var devices = new List<Device>(rows.Count);
        var violations = new List<List<Violation>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (device, errors) = DeviceFields.FromMap(rows[i], extended);
            var failed = errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(rules.Check(rows[i], blockingOnly: true).Where(v => !failed.Contains(v.Field)));
            if (!organisations.Contains(device.OrganisationId) && rows[i].GetValueOrDefault("organisationId") is { Length: > 0 })
            {
                errors.Add(new Violation("organisationId", ErrorCodes.UnknownValue, Arg(device.OrganisationId)));
            }
            else if (device.OrganisationId > 0 && !scope.CoversOrganisation(device.OrganisationId)
                && !(befores[i] is { } unchanged && unchanged.OrganisationId == device.OrganisationId && scope.Includes(unchanged.OrganisationId, unchanged.Id)))
            {
                errors.Add(new Violation("organisationId", ErrorCodes.DeviceOutOfScope, Arg(device.OrganisationId)));
            }

            if (befores[i] is { } before && !scope.Includes(before.OrganisationId, before.Id))
            {
                errors.Add(new Violation("gbCode", ErrorCodes.DeviceOutOfScope, new Dictionary<string, object?> { ["value"] = before.GbCode }));
            }

            if (device.BusinessGroupId is { } group && !groups.Contains(group))
            {
                errors.Add(new Violation("businessGroupId", ErrorCodes.UnknownValue, Arg(group)));
            }

            devices.Add(device);
            violations.Add(errors);
        }

        foreach (var rule in rules.UniqueRules)
        {
            await CheckUniqueAsync(rule, rows, befores, violations, cancellationToken);
        }

        return (devices, violations);
    }

    private async Task CheckUniqueAsync(
        FieldRule rule, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, List<Device?> befores, List<List<Violation>> violations, CancellationToken cancellationToken)
    {
        var fields = rule.ParameterObject()["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        string? KeyOf(IReadOnlyDictionary<string, string?> row)
        {
            var values = fields.Select(f => row.GetValueOrDefault(f)?.Trim()).ToList();
            return values.Any(string.IsNullOrEmpty) ? null : string.Join('\u001f', values);
        }

        var keys = rows.Select(KeyOf).ToList();
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        var first = keys.Where(k => k is not null).Select(k => k!.Split('\u001f')[0]).ToList();
        foreach (var (id, values) in await store.FindByColumnAsync(ColumnsByField[fields[0]], first, string.Join(", ", fields.Select(f => ColumnsByField[f])), cancellationToken))
        {
            taken[string.Join('\u001f', values.Select(v => v ?? string.Empty))] = id;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (keys[i] is not { } key)
            {
                continue;
            }

            var takenByOther = taken.TryGetValue(key, out var owner) && owner != befores[i]?.Id;
            if ((takenByOther || !seen.Add(key)) && !violations[i].Any(v => v.Field == rule.Field && v.Code == ErrorCodes.Unique))
            {
                violations[i].Add(new Violation(rule.Field, ErrorCodes.Unique, new Dictionary<string, object?> { ["value"] = key.Replace('\u001f', ':'), ["rule"] = rule.Id }));
            }
        }
    }

    private static Dictionary<string, object?> Arg(long value) => new() { ["value"] = value.ToString(CultureInfo.InvariantCulture) };
}

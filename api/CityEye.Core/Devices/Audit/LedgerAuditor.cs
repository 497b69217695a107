using CityEye.Core.Devices.Rules;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Audit;

/// <summary>What an audit found, ledger-wide, per owning unit.</summary>
/// <param name="Devices">Devices audited.</param>
/// <param name="DevicesWithFindings">Devices that break at least one rule.</param>
/// <param name="Findings">Findings (one per device, field and rule).</param>
/// <param name="ByUnit">Per owning unit: devices with findings and findings.</param>
public sealed record LedgerAuditResult(int Devices, int DevicesWithFindings, int Findings, IReadOnlyDictionary<long, (int Devices, int Findings)> ByUnit);

/// <summary>
/// Audits the whole ledger against every enabled rule, blocking and audit-only (AR-9): completeness (required
/// fields), compliance (formats, dictionaries, ranges), accuracy (coordinates in the district, GB type digits) and
/// uniqueness (GB code, keyboard code, IP + port, across the whole ledger). Blocking rules normally hold for stored
/// devices, but a rule switched on or tightened later finds the devices filed before it.
/// </summary>
public sealed class LedgerAuditor(DeviceStore devices, LedgerCatalog catalog, LedgerAuditStore store)
{
    private const int PageSize = 2_000;
    private const int MaxValueLength = 200;

    public async Task<LedgerAuditResult> RunAsync(long runId, Func<double, string, Task> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        await store.ClearFindingsAsync(runId, cancellationToken);
        var rules = await catalog.GetRuleSetAsync(cancellationToken);
        var total = (await devices.SummariseAsync(DeviceScope.All, cancellationToken)).Total;
        var unique = rules.UniqueRules.Select(r => (Rule: r, Fields: UniqueFields(r), Seen: new Dictionary<string, List<(long Id, long Organisation)>>(StringComparer.Ordinal))).ToList();
        var withFindings = new HashSet<long>();
        var byUnit = new Dictionary<long, (HashSet<long> Devices, int Findings)>();
        var count = 0;
        var findings = 0;

        void Count(long deviceId, long organisationId)
        {
            withFindings.Add(deviceId);
            if (!byUnit.TryGetValue(organisationId, out var unit))
            {
                unit = ([], 0);
            }

            unit.Devices.Add(deviceId);
            byUnit[organisationId] = (unit.Devices, unit.Findings + 1);
            findings++;
        }

        long after = 0;
        while (true)
        {
            var page = await devices.PageAfterAsync(after, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var batch = new List<AuditFinding>();
            foreach (var device in page)
            {
                var fields = DeviceFields.ToMap(device);
                foreach (var violation in rules.Check(fields, blockingOnly: false))
                {
                    var ruleId = violation.Args?.GetValueOrDefault("rule")?.ToString() ?? violation.Code;
                    var rule = rules.Rules.FirstOrDefault(r => r.Id == ruleId);
                    batch.Add(Finding(runId, device, violation.Field, ruleId, rule?.Category ?? RuleCategories.Compliance, violation.Code, fields));
                    Count(device.Id, device.OrganisationId);
                }

                foreach (var (_, keyFields, seen) in unique)
                {
                    var values = keyFields.Select(f => fields.GetValueOrDefault(f)?.Trim()).ToList();
                    if (values.All(v => !string.IsNullOrEmpty(v)))
                    {
                        var key = string.Join("\u001f", values);
                        if (!seen.TryGetValue(key, out var holders))
                        {
                            seen[key] = holders = [];
                        }

                        holders.Add((device.Id, device.OrganisationId));
                    }
                }
            }

            await store.AddFindingsAsync(batch, cancellationToken);
            count += page.Count;
            after = page[^1].Id;
            await progress(0.05 + (0.85 * count / Math.Max(1, total)), $"已审计 {count:N0} / {total:N0} 台设备 (audited)");
        }

        // Uniqueness across the whole ledger: every device that shares a value with another one is a finding.
        var duplicates = new List<AuditFinding>();
        foreach (var (rule, keyFields, seen) in unique)
        {
            foreach (var (value, holders) in seen.Where(s => s.Value.Count > 1))
            {
                foreach (var (id, organisation) in holders)
                {
                    duplicates.Add(new AuditFinding
                    {
                        RunId = runId,
                        DeviceId = id,
                        OrganisationId = organisation,
                        Field = rule.Field,
                        RuleId = rule.Id,
                        Category = rule.Category,
                        Code = ErrorCodes.Unique,
                        Value = Clip(value.Replace('\u001f', ':')),
                    });
                    Count(id, organisation);
                }
            }
        }

        if (duplicates.Count > 0)
        {
            await store.AddFindingsAsync(duplicates, cancellationToken);
        }

        return new LedgerAuditResult(count, withFindings.Count, findings, byUnit.ToDictionary(u => u.Key, u => (u.Value.Devices.Count, u.Value.Findings)));
    }

    private static AuditFinding Finding(long runId, Domain.Device device, string field, string ruleId, string category, string code, IReadOnlyDictionary<string, string?> fields) => new()
    {
        RunId = runId,
        DeviceId = device.Id,
        OrganisationId = device.OrganisationId,
        Field = field,
        RuleId = ruleId,
        Category = category,
        Code = code,
        Value = fields.GetValueOrDefault(field) is { } value ? Clip(value) : null,
    };

    private static string Clip(string value) => value.Length > MaxValueLength ? value[..MaxValueLength] : value;

    private static List<string> UniqueFields(FieldRule rule) =>
        rule.ParameterObject()["fields"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [rule.Field];
}

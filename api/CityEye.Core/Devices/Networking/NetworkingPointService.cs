using CityEye.Core.Devices.Rules;
using CityEye.Core.Domain;
using CityEye.Core.Validation;

namespace CityEye.Core.Devices.Networking;

/// <summary>Why one device of a batch action was not changed.</summary>
/// <param name="DeviceId">The device (0 when an import row names no known device).</param>
/// <param name="GbCode">Its GB code, when known.</param>
/// <param name="Code">Error code (e.g. <c>networking.wrongState</c>, <c>networking.rulesFailed</c>).</param>
/// <param name="Args">Arguments of the code.</param>
/// <param name="Violations">The rules the device breaks (for <c>networking.rulesFailed</c>).</param>
/// <param name="Row">Import row number, when the action came from a file.</param>
public sealed record NetworkingPointProblem(long DeviceId, string? GbCode, string Code, IReadOnlyDictionary<string, object?>? Args, IReadOnlyList<Violation> Violations, int? Row = null);

/// <summary>What a batch action did: the devices changed and, per device, why the others were not.</summary>
public sealed record NetworkingPointOutcome(IReadOnlyList<long> Done, IReadOnlyList<NetworkingPointProblem> Problems);

/// <summary>
/// Ministry and province networking points (AR-7): marking by selection or import, the check against the ledger's
/// rules before a point is declared, and the review workflow (draft → declared → under review → approved or
/// rejected; approved → abnormal when the ministry reports it), with who and when at each step. Approval writes the
/// point's level into the device file (a version by path <c>networking-points</c>).
/// </summary>
public sealed class NetworkingPointService(NetworkingPointStore points, DeviceStore devices, DeviceService service, LedgerCatalog catalog)
{
    /// <summary>Most devices one action or import handles.</summary>
    public const int MaxBatch = 5_000;

    /// <summary>Marks devices as draft points of <paramref name="level"/>.</summary>
    public async Task<NetworkingPointOutcome> MarkAsync(IReadOnlyCollection<long> deviceIds, string level, string actor, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = (await devices.GetManyAsync(deviceIds, cancellationToken)).Where(d => scope.Includes(d.OrganisationId, d.Id)).ToDictionary(d => d.Id);
        var done = new List<long>();
        var problems = new List<NetworkingPointProblem>();
        foreach (var id in deviceIds.Distinct())
        {
            if (!found.TryGetValue(id, out var device))
            {
                problems.Add(new NetworkingPointProblem(id, null, ErrorCodes.NotFound, null, []));
            }
            else if (await points.AddDraftAsync(id, level, actor, cancellationToken))
            {
                done.Add(id);
            }
            else
            {
                problems.Add(new NetworkingPointProblem(id, device.GbCode, ErrorCodes.NetworkingAlreadyPoint, null, []));
            }
        }

        return new NetworkingPointOutcome(done, problems);
    }

    /// <summary>Marks the devices an import names by GB code (rows numbered as in the file), each with its level.</summary>
    public async Task<NetworkingPointOutcome> MarkByGbCodeAsync(IReadOnlyList<(int Row, string GbCode, string Level)> rows, string actor, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byCode = await devices.GetByGbCodesAsync(rows.Select(r => r.GbCode), cancellationToken);
        var done = new List<long>();
        var problems = new List<NetworkingPointProblem>();
        foreach (var (row, gbCode, level) in rows)
        {
            if (!byCode.TryGetValue(gbCode, out var device) || !scope.Includes(device.OrganisationId, device.Id))
            {
                problems.Add(new NetworkingPointProblem(0, gbCode, ErrorCodes.NotFound, null, [], row));
            }
            else if (await points.AddDraftAsync(device.Id, level, actor, cancellationToken))
            {
                done.Add(device.Id);
            }
            else
            {
                problems.Add(new NetworkingPointProblem(device.Id, gbCode, ErrorCodes.NetworkingAlreadyPoint, null, [], row));
            }
        }

        return new NetworkingPointOutcome(done, problems);
    }

    /// <summary>Every enabled rule (blocking and audit-only) that a point's device breaks now.</summary>
    public async Task<IReadOnlyList<Violation>> CheckAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var rules = await catalog.GetRuleSetAsync(cancellationToken);
        return rules.Check(DeviceFields.ToMap(device), blockingOnly: false);
    }

    /// <summary>Applies a workflow action to the points of <paramref name="deviceIds"/>.</summary>
    public async Task<NetworkingPointOutcome> ApplyAsync(
        IReadOnlyCollection<long> deviceIds, string action, string? comment, string actor, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var (from, to) = NetworkingPointActions.Transition(action);
        var current = await points.GetManyAsync(deviceIds, scope, cancellationToken);
        var files = (await devices.GetManyAsync([.. current.Keys], cancellationToken)).ToDictionary(d => d.Id);
        var done = new List<long>();
        var problems = new List<NetworkingPointProblem>();
        foreach (var id in deviceIds.Distinct())
        {
            if (!current.TryGetValue(id, out var point) || !files.TryGetValue(id, out var device))
            {
                problems.Add(new NetworkingPointProblem(id, null, ErrorCodes.NetworkingNotAPoint, null, []));
                continue;
            }

            if (!from.Contains(point.State))
            {
                problems.Add(new NetworkingPointProblem(id, point.GbCode, ErrorCodes.NetworkingWrongState, new Dictionary<string, object?> { ["state"] = point.State, ["action"] = action }, []));
                continue;
            }

            if (action == NetworkingPointActions.Declare && await CheckAsync(device, cancellationToken) is { Count: > 0 } violations)
            {
                problems.Add(new NetworkingPointProblem(id, point.GbCode, ErrorCodes.NetworkingRulesFailed, new Dictionary<string, object?> { ["count"] = violations.Count }, violations));
                continue;
            }

            if (!await points.MoveAsync(point, to, actor, comment, cancellationToken))
            {
                problems.Add(new NetworkingPointProblem(id, point.GbCode, ErrorCodes.Conflict, null, []));
                continue;
            }

            if (action == NetworkingPointActions.Approve && await SetLevelAsync(device, point.Level, actor, scope, cancellationToken) is { } failure)
            {
                // Approved, but the device file could not take the level: reported, not counted as done.
                problems.Add(failure);
                continue;
            }

            done.Add(id);
        }

        return new NetworkingPointOutcome(done, problems);
    }

    /// <summary>Writes an approved point's level into the device file (retrying once if the device changed meanwhile).</summary>
    private async Task<NetworkingPointProblem?> SetLevelAsync(Device device, string level, string actor, DeviceScope scope, CancellationToken cancellationToken)
    {
        var writer = new DeviceWriter(actor, "networking-points");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (device.NetworkingLevel == level)
            {
                return null;
            }

            var fields = DeviceFields.ToMap(device);
            fields["networkingLevel"] = level;
            var result = await service.UpdateAsync(device.Id, fields, device.Version, writer, scope, cancellationToken);
            switch (result.Status)
            {
                case DeviceWriteStatus.Written:
                    return null;
                case DeviceWriteStatus.Stale when result.Device is not null:
                    device = result.Device;
                    continue;
                case DeviceWriteStatus.Invalid:
                    return new NetworkingPointProblem(device.Id, device.GbCode, ErrorCodes.NetworkingRulesFailed, new Dictionary<string, object?> { ["count"] = result.Violations.Count }, result.Violations);
                default:
                    return new NetworkingPointProblem(device.Id, device.GbCode, ErrorCodes.DeviceStale, null, []);
            }
        }

        return new NetworkingPointProblem(device.Id, device.GbCode, ErrorCodes.DeviceStale, null, []);
    }
}

using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices.Audit;

/// <summary>How an audit run was started.</summary>
public static class AuditRunKinds
{
    public const string Scheduled = "scheduled";
    public const string Manual = "manual";
}

/// <summary>Where an audit run is.</summary>
public static class AuditRunStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>One audit of the whole ledger against the rules (AR-9).</summary>
public sealed record AuditRun
{
    public long Id { get; init; }

    public string Kind { get; init; } = string.Empty;

    public string StartedBy { get; init; } = string.Empty;

    public string? JobId { get; init; }

    public string Status { get; init; } = string.Empty;

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Devices audited (the whole ledger).</summary>
    public int Devices { get; init; }

    public int DevicesWithFindings { get; init; }

    public int Findings { get; init; }
}

/// <summary>A device's field that breaks a rule, found by an audit run.</summary>
public sealed record AuditFinding
{
    public long RunId { get; init; }

    public long DeviceId { get; init; }

    public long OrganisationId { get; init; }

    public string Field { get; init; } = string.Empty;

    public string RuleId { get; init; } = string.Empty;

    public string Category { get; init; } = string.Empty;

    public string Code { get; init; } = string.Empty;

    /// <summary>The value at the time of the audit (clipped).</summary>
    public string? Value { get; init; }
}

/// <summary>A finding with its device's identity, for lists.</summary>
public sealed record AuditFindingRow
{
    public long DeviceId { get; init; }

    public string? GbCode { get; init; }

    public string? Name { get; init; }

    public long OrganisationId { get; init; }

    public string Field { get; init; } = string.Empty;

    public string RuleId { get; init; } = string.Empty;

    public string Category { get; init; } = string.Empty;

    public string Code { get; init; } = string.Empty;

    public string? Value { get; init; }
}

/// <summary>Filter of a run's findings.</summary>
public sealed record AuditFindingFilter(string? RuleId, string? Category, string? Field, long? OrganisationId, long? DeviceId);

/// <summary>Audit runs and their findings; every read is limited to the caller's device scope.</summary>
public sealed class LedgerAuditStore(Database database, TimeProvider time) : IDeviceReader
{
    private const string RunColumns = "id, kind, started_by, job_id, status, started_at, finished_at, devices, devices_with_findings, findings";

    [Unscoped("creates a run record; the run covers the whole ledger, reads are scoped")]
    public async Task<AuditRun> StartAsync(string kind, string startedBy, string? jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO audit_runs (kind, started_by, job_id, status, started_at) VALUES (@kind, @startedBy, @jobId, @status, @now) RETURNING id",
            new { kind, startedBy, jobId, status = AuditRunStates.Running, now },
            cancellationToken: cancellationToken));
        return new AuditRun { Id = id, Kind = kind, StartedBy = startedBy, JobId = jobId, Status = AuditRunStates.Running, StartedAt = now };
    }

    /// <summary>Removes a run's findings (a resumed run starts its findings again).</summary>
    public async Task ClearFindingsAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM audit_findings WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
    }

    public async Task AddFindingsAsync(IReadOnlyList<AuditFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findings);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_findings (run_id, device_id, organisation_id, field, rule_id, category, code, value)
                VALUES (@RunId, @DeviceId, @OrganisationId, @Field, @RuleId, @Category, @Code, @Value)
                """,
                findings,
                transaction,
                cancellationToken: cancellationToken));
            return 0;
        }, cancellationToken);
    }

    public async Task FinishAsync(long runId, string status, int devices, int devicesWithFindings, int findings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE audit_runs SET status = @status, finished_at = @now, devices = @devices, devices_with_findings = @devicesWithFindings, findings = @findings WHERE id = @runId",
            new { runId, status, now = time.GetUtcNow(), devices, devicesWithFindings, findings },
            cancellationToken: cancellationToken));
    }

    [Unscoped("run records carry ledger-wide counts only; findings are read with a scope")]
    public async Task<AuditRun?> GetRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AuditRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM audit_runs WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
    }

    [Unscoped("run records carry ledger-wide counts only; findings are read with a scope")]
    public async Task<AuditRun?> GetRunByJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AuditRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM audit_runs WHERE job_id = @jobId", new { jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>When the newest run of <paramref name="kind"/> started.</summary>
    [Unscoped("a time, no device data")]
    public async Task<DateTimeOffset?> LastStartedAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT MAX(started_at) FROM audit_runs WHERE kind = @kind", new { kind }, cancellationToken: cancellationToken));
    }

    [Unscoped("run records carry ledger-wide counts only; findings are read with a scope")]
    public async Task<(IReadOnlyList<AuditRun> Items, int Total)> ListRunsAsync(int skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM audit_runs", cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<AuditRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM audit_runs ORDER BY id DESC LIMIT @take OFFSET @skip", new { skip, take }, cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }

    /// <summary>Findings of <paramref name="runIds"/> inside <paramref name="scope"/> per run and category (the trend).</summary>
    public async Task<IReadOnlyList<(long RunId, string Category, int Findings, int Devices)>> TrendAsync(IReadOnlyCollection<long> runIds, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long, string, int, int)>(new CommandDefinition(
            $"""
            SELECT run_id, category, COUNT(*), COUNT(DISTINCT device_id) FROM audit_findings
            WHERE {database.InList("run_id", "runIds")} AND {database.DeviceScopeFilter(scope, "organisation_id", "device_id")}
            GROUP BY run_id, category
            """,
            new { runIds = runIds.ToArray(), scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Findings and devices with findings of <paramref name="runIds"/> inside <paramref name="scope"/>.</summary>
    public async Task<IReadOnlyList<(long RunId, int Findings, int Devices)>> TotalsAsync(IReadOnlyCollection<long> runIds, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long, int, int)>(new CommandDefinition(
            $"""
            SELECT run_id, COUNT(*), COUNT(DISTINCT device_id) FROM audit_findings
            WHERE {database.InList("run_id", "runIds")} AND {database.DeviceScopeFilter(scope, "organisation_id", "device_id")}
            GROUP BY run_id
            """,
            new { runIds = runIds.ToArray(), scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A run's findings inside <paramref name="scope"/> per rule: findings and devices.</summary>
    public async Task<IReadOnlyList<(string RuleId, string Field, string Category, int Findings, int Devices)>> ByRuleAsync(long runId, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string, string, int, int)>(new CommandDefinition(
            $"""
            SELECT rule_id, field, category, COUNT(*), COUNT(DISTINCT device_id) FROM audit_findings
            WHERE run_id = @runId AND {database.DeviceScopeFilter(scope, "organisation_id", "device_id")}
            GROUP BY rule_id, field, category ORDER BY COUNT(*) DESC, rule_id
            """,
            new { runId, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A run's findings inside <paramref name="scope"/> per owning unit: findings and devices with findings.</summary>
    public async Task<IReadOnlyList<(long OrganisationId, int Findings, int Devices)>> ByUnitAsync(long runId, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long, int, int)>(new CommandDefinition(
            $"""
            SELECT organisation_id, COUNT(*), COUNT(DISTINCT device_id) FROM audit_findings
            WHERE run_id = @runId AND {database.DeviceScopeFilter(scope, "organisation_id", "device_id")}
            GROUP BY organisation_id ORDER BY COUNT(*) DESC, organisation_id
            """,
            new { runId, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A page of a run's findings inside <paramref name="scope"/>, by device.</summary>
    public async Task<(IReadOnlyList<AuditFindingRow> Items, int Total)> FindingsAsync(long runId, AuditFindingFilter filter, DeviceScope scope, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var clauses = new List<string> { "f.run_id = @runId", database.DeviceScopeFilter(scope, "f.organisation_id", "f.device_id") };
        var parameters = new DynamicParameters(new { runId, skip, take, scopeOrganisations = Database.DeviceScopeParameter(scope) });
        void Add(string column, string name, object? value)
        {
            if (value is not null and not "")
            {
                clauses.Add($"f.{column} = @{name}");
                parameters.Add(name, value);
            }
        }

        Add("rule_id", "ruleId", filter.RuleId);
        Add("category", "category", filter.Category);
        Add("field", "field", filter.Field);
        Add("organisation_id", "organisationId", filter.OrganisationId);
        Add("device_id", "deviceId", filter.DeviceId);
        var where = string.Join(" AND ", clauses);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT COUNT(*) FROM audit_findings f WHERE {where}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<AuditFindingRow>(new CommandDefinition(
            $"""
            SELECT f.device_id, d.gb_code, d.name, f.organisation_id, f.field, f.rule_id, f.category, f.code, f.value
            FROM audit_findings f LEFT JOIN devices d ON d.id = f.device_id
            WHERE {where} ORDER BY f.organisation_id, f.device_id, f.rule_id LIMIT @take OFFSET @skip
            """,
            parameters,
            cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }
}

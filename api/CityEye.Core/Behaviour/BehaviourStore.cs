using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Behaviour;

/// <summary>States of a behaviour-audit run.</summary>
public static class BehaviourRunStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>One training and scoring run of the behaviour model.</summary>
public sealed record BehaviourRun
{
    public long Id { get; init; }

    public string? JobId { get; init; }

    public required string TriggerKind { get; init; }

    public required string StartedBy { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public required string Status { get; init; }

    /// <summary>First local day of the window (yyyy-MM-dd).</summary>
    public required string FromDay { get; init; }

    /// <summary>Last local day of the window (yyyy-MM-dd).</summary>
    public required string ToDay { get; init; }

    public int UserDays { get; init; }

    public int Users { get; init; }

    public int Anomalies { get; init; }

    public int ModelRank { get; init; }

    public double Threshold { get; init; }

    public long TrainMs { get; init; }

    public long ScoreMs { get; init; }

    public string? Error { get; init; }
}

/// <summary>One anomalous user-day of a run.</summary>
public sealed record BehaviourFinding
{
    public long Id { get; init; }

    public long RunId { get; init; }

    /// <summary>1 = most severe.</summary>
    public int Rank { get; init; }

    public required string Username { get; init; }

    public long OrganisationId { get; init; }

    public string OrganisationName { get; init; } = string.Empty;

    /// <summary>Local day (yyyy-MM-dd).</summary>
    public required string Day { get; init; }

    public double Score { get; init; }

    public double Severity { get; init; }

    /// <summary>Codes of the rules broken, comma-separated.</summary>
    public string Rules { get; init; } = string.Empty;

    /// <summary>JSON array of reasons (feature, value, typical, deviation).</summary>
    public string Reasons { get; init; } = "[]";

    /// <summary>JSON object of the day's feature values by name.</summary>
    public string Features { get; init; } = "{}";
}

/// <summary>Filter of the anomaly list.</summary>
public sealed record BehaviourFindingFilter(string? Username = null, string? FromDay = null, string? ToDay = null, string? Rule = null);

/// <summary>Behaviour-audit runs and their findings in the system of record.</summary>
public sealed class BehaviourStore(Database database, TimeProvider time)
{
    private const string RunColumns = """
        id, job_id, trigger_kind, started_by, started_at, finished_at, status, from_day, to_day, user_days, users, anomalies,
        model_rank, threshold, train_ms, score_ms, error
        """;

    public async Task<BehaviourRun> StartAsync(string? jobId, string trigger, string startedBy, string fromDay, string toDay, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO behaviour_runs (job_id, trigger_kind, started_by, started_at, status, from_day, to_day)
            VALUES (@jobId, @trigger, @startedBy, @now, @status, @fromDay, @toDay) RETURNING id
            """,
            new { jobId, trigger, startedBy, now = time.GetUtcNow(), status = BehaviourRunStates.Running, fromDay, toDay },
            cancellationToken: cancellationToken));
        return (await GetRunAsync(id, cancellationToken))!;
    }

    /// <summary>Finishes a run and stores its findings in one transaction.</summary>
    public async Task FinishAsync(BehaviourRun run, IReadOnlyList<BehaviourFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(findings);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM behaviour_findings WHERE run_id = @Id", new { run.Id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO behaviour_findings (run_id, rank, username, organisation_id, organisation_name, day, score, severity, rules, reasons, features)
                VALUES (@RunId, @Rank, @Username, @OrganisationId, @OrganisationName, @Day, @Score, @Severity, @Rules, @Reasons, @Features)
                """,
                findings.Select(f => f with { RunId = run.Id }),
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE behaviour_runs SET status = @Status, finished_at = @now, user_days = @UserDays, users = @Users, anomalies = @Anomalies,
                       model_rank = @ModelRank, threshold = @Threshold, train_ms = @TrainMs, score_ms = @ScoreMs, error = @Error
                WHERE id = @Id
                """,
                new { run.Id, run.Status, now = time.GetUtcNow(), run.UserDays, run.Users, run.Anomalies, run.ModelRank, run.Threshold, run.TrainMs, run.ScoreMs, run.Error },
                transaction,
                cancellationToken: cancellationToken));
            return 0;
        }, cancellationToken);
    }

    public async Task<BehaviourRun?> GetRunAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BehaviourRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM behaviour_runs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<BehaviourRun?> GetRunByJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BehaviourRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM behaviour_runs WHERE job_id = @jobId", new { jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest run that succeeded, or null.</summary>
    public async Task<BehaviourRun?> LatestSucceededAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BehaviourRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM behaviour_runs WHERE status = @status ORDER BY id DESC LIMIT 1",
            new { status = BehaviourRunStates.Succeeded },
            cancellationToken: cancellationToken));
    }

    /// <summary>When the newest run of <paramref name="trigger"/> started, or null.</summary>
    public async Task<DateTimeOffset?> LastStartedAsync(string trigger, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT MAX(started_at) FROM behaviour_runs WHERE trigger_kind = @trigger", new { trigger }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<BehaviourRun>> RunsAsync(int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<BehaviourRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM behaviour_runs ORDER BY id DESC LIMIT @take", new { take }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<(IReadOnlyList<BehaviourFinding> Items, int Total)> FindingsAsync(long runId, BehaviourFindingFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var clauses = new List<string> { "run_id = @runId" };
        var parameters = new DynamicParameters(new { runId, skip, take });
        if (!string.IsNullOrWhiteSpace(filter.Username))
        {
            clauses.Add("username = @username");
            parameters.Add("username", filter.Username.Trim().ToLowerInvariant());
        }

        if (filter.FromDay is not null)
        {
            clauses.Add("day >= @fromDay");
            parameters.Add("fromDay", filter.FromDay);
        }

        if (filter.ToDay is not null)
        {
            clauses.Add("day <= @toDay");
            parameters.Add("toDay", filter.ToDay);
        }

        if (!string.IsNullOrWhiteSpace(filter.Rule))
        {
            clauses.Add("(',' || rules || ',') LIKE @rule");
            parameters.Add("rule", "%," + filter.Rule + ",%");
        }

        var where = " WHERE " + string.Join(" AND ", clauses);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM behaviour_findings" + where, parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<BehaviourFinding>(new CommandDefinition(
            "SELECT id, run_id, rank, username, organisation_id, organisation_name, day, score, severity, rules, reasons, features FROM behaviour_findings"
            + where + " ORDER BY rank LIMIT @take OFFSET @skip",
            parameters,
            cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }
}

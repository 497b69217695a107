using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Jobs;

/// <summary>Durable job records in the system of record.</summary>
public sealed class JobStore(Database database, TimeProvider time)
{
    private const string Columns = """
        id, kind, title, status, progress, message, error, result, parameters, created_by, created_at,
        started_at, finished_at, heartbeat_at, cancel_requested, attempts, owner_user_id
        """;

    public async Task<Job> EnqueueAsync(string kind, string title, string? parameters, string? createdBy, long? ownerUserId, CancellationToken cancellationToken)
    {
        var job = new Job
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            Kind = kind,
            Title = title,
            Status = JobStatus.Queued,
            Parameters = parameters,
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow(),
            OwnerUserId = ownerUserId,
        };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO jobs (id, kind, title, status, progress, parameters, created_by, created_at, cancel_requested, attempts, owner_user_id)
            VALUES (@Id, @Kind, @Title, @status, 0, @Parameters, @CreatedBy, @CreatedAt, @no, 0, @OwnerUserId)
            """,
            new { job.Id, job.Kind, job.Title, status = nameof(JobStatus.Queued), job.Parameters, job.CreatedBy, job.CreatedAt, no = false, job.OwnerUserId },
            cancellationToken: cancellationToken));
        return job;
    }

    public async Task<Job?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Job>(new CommandDefinition(
            $"SELECT {Columns} FROM jobs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Jobs newest first, of one kind when <paramref name="kind"/> is given, of one owner when <paramref name="ownerUserId"/> is.</summary>
    public async Task<(IReadOnlyList<Job> Items, int Total)> ListAsync(int skip, int take, string? kind, long? ownerUserId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var conditions = new List<string>();
        if (kind is not null)
        {
            conditions.Add("kind = @kind");
        }

        if (ownerUserId is not null)
        {
            conditions.Add("owner_user_id = @ownerUserId");
        }

        var filter = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {Columns} FROM jobs {filter} ORDER BY created_at DESC, id DESC LIMIT @take OFFSET @skip;
            SELECT COUNT(*) FROM jobs {filter};
            """,
            new { skip, take, kind, ownerUserId },
            cancellationToken: cancellationToken));
        var items = (await grid.ReadAsync<Job>()).ToList();
        var total = await grid.ReadSingleAsync<int>();
        return (items, total);
    }

    public async Task<IReadOnlyList<JobMessage>> GetMessagesAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<JobMessage>(new CommandDefinition(
            "SELECT id, at, level, message FROM job_messages WHERE job_id = @id ORDER BY id",
            new { id },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The oldest queued job of a kind the caller can run, or null.</summary>
    public async Task<Job?> NextQueuedAsync(IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Job>(new CommandDefinition(
            $"SELECT {Columns} FROM jobs WHERE status = @status AND {database.InList("kind", "kinds")} ORDER BY created_at, id LIMIT 1",
            new { status = nameof(JobStatus.Queued), kinds = kinds.ToArray() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Moves a queued job to running; false when another runner (or a cancel) got there first.</summary>
    public async Task<bool> TryStartAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = @running, started_at = COALESCE(started_at, @now), heartbeat_at = @now, attempts = attempts + 1
            WHERE id = @id AND status = @queued
            """,
            new { id, now, running = nameof(JobStatus.Running), queued = nameof(JobStatus.Queued) },
            cancellationToken: cancellationToken));
        return changed == 1;
    }

    public async Task ReportProgressAsync(string id, double progress, string? message, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET progress = @progress, message = COALESCE(@message, message), heartbeat_at = @now WHERE id = @id AND status = @running",
            new { id, progress, message, now = time.GetUtcNow(), running = nameof(JobStatus.Running) },
            cancellationToken: cancellationToken));
    }

    public async Task AddMessageAsync(string id, string level, string message, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_messages (job_id, at, level, message) VALUES (@id, @now, @level, @message)",
            new { id, now = time.GetUtcNow(), level, message },
            cancellationToken: cancellationToken));
    }

    /// <summary>Ends a running job. Finished jobs never change again.</summary>
    public async Task FinishAsync(string id, JobStatus status, string? result, string? error, CancellationToken cancellationToken)
    {
        if (status is JobStatus.Queued or JobStatus.Running)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A job finishes as succeeded, failed or cancelled.");
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = @status, result = @result, error = @error, finished_at = @now, heartbeat_at = @now,
                progress = CASE WHEN @succeeded THEN 1 ELSE progress END
            WHERE id = @id AND status IN (@queued, @running)
            """,
            new
            {
                id,
                status = status.ToString(),
                result,
                error,
                now,
                succeeded = status == JobStatus.Succeeded,
                queued = nameof(JobStatus.Queued),
                running = nameof(JobStatus.Running),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Asks a job to stop. A queued job is cancelled at once; a running one is flagged and its runner stops it.
    /// </summary>
    /// <returns>The job after the request, or null when there is no such job.</returns>
    public async Task<Job?> RequestCancelAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET cancel_requested = @yes,
                status = CASE WHEN status = @queued THEN @cancelled ELSE status END,
                finished_at = CASE WHEN status = @queued THEN @now ELSE finished_at END,
                message = CASE WHEN status = @queued THEN @cancelledMessage ELSE message END
            WHERE id = @id AND status IN (@queued, @running)
            """,
            new
            {
                id,
                now,
                yes = true,
                queued = nameof(JobStatus.Queued),
                running = nameof(JobStatus.Running),
                cancelled = nameof(JobStatus.Cancelled),
                cancelledMessage = "Cancelled before it started",
            },
            cancellationToken: cancellationToken));
        return await GetAsync(id, cancellationToken);
    }

    public async Task<bool> IsCancelRequestedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT cancel_requested FROM jobs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// After a restart no job can still be running here: resumable kinds go back to the queue, the rest fail with a
    /// clear message, and running jobs whose cancel was requested end cancelled.
    /// </summary>
    public async Task<int> RecoverInterruptedAsync(IReadOnlyCollection<string> resumableKinds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var running = (await connection.QueryAsync<Job>(new CommandDefinition(
            $"SELECT {Columns} FROM jobs WHERE status = @running",
            new { running = nameof(JobStatus.Running) },
            cancellationToken: cancellationToken))).ToList();
        foreach (var job in running)
        {
            var (status, message, error) = job.CancelRequested
                ? (JobStatus.Cancelled, "Cancelled (the service restarted while it was stopping)", (string?)null)
                : resumableKinds.Contains(job.Kind)
                    ? (JobStatus.Queued, "Resuming after a service restart", null)
                    : (JobStatus.Failed, (string?)null, "Interrupted by a service restart; start it again");
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE jobs SET status = @status, message = COALESCE(@message, message), error = @error,
                    finished_at = CASE WHEN @finished THEN @now ELSE NULL END
                WHERE id = @id AND status = @running
                """,
                new { id = job.Id, status = status.ToString(), message, error, finished = status != JobStatus.Queued, now, running = nameof(JobStatus.Running) },
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO job_messages (job_id, at, level, message) VALUES (@id, @now, @level, @text)",
                new { id = job.Id, now, level = status == JobStatus.Failed ? "error" : "warning", text = message ?? error },
                cancellationToken: cancellationToken));
        }

        return running.Count;
    }
}

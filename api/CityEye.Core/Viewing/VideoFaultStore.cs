using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>The states of a fault ticket, in the order it passes them.</summary>
public static class FaultStates
{
    public const string Reported = "reported";
    public const string Assigned = "assigned";
    public const string Handled = "handled";
    public const string Verified = "verified";
    public const string Closed = "closed";

    public static IReadOnlyList<string> All { get; } = [Reported, Assigned, Handled, Verified, Closed];
}

/// <summary>What is wrong with the video.</summary>
public static class FaultKinds
{
    public static IReadOnlyList<string> All { get; } = ["noVideo", "picture", "ptz", "recording", "clock", "other"];
}

/// <summary>A step of a ticket: who took it and when, the state it left the ticket in, and why.</summary>
public sealed record VideoFaultEvent(long Id, DateTimeOffset At, long ActorId, string ActorName, string Action, string State, string? Comment);

/// <summary>A user as a ticket names them.</summary>
public sealed record FaultActor(long Id, string Name);

/// <summary>A fault ticket (VI-12): the device, what is wrong, the snapshot taken when it was reported, where it stands.</summary>
public sealed record VideoFault
{
    public long Id { get; init; }

    public long DeviceId { get; init; }

    public required string DeviceName { get; init; }

    public long OrganisationId { get; init; }

    public required string Kind { get; init; }

    public required string Description { get; init; }

    /// <summary>The snapshot's blob reference, or null when the device gave none (offline).</summary>
    public string? Snapshot { get; init; }

    public required string State { get; init; }

    public long ReporterId { get; init; }

    public required string ReporterName { get; init; }

    public long? AssigneeId { get; init; }

    public string? AssigneeName { get; init; }

    public DateTimeOffset ReportedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Which tickets to list: states (none = all), only those reported by or assigned to a user, a device.</summary>
public sealed record FaultQuery(DeviceScope Scope, IReadOnlyList<string> States, long? ReporterId, long? AssigneeId, long? DeviceId, int Skip, int Take);

/// <summary>
/// Fault tickets and their steps. A device has at most one open ticket (a second report of it is refused with the
/// open one's id); every change of state is one atomic update from the states it may come from, written with its
/// event in the same transaction, so a double click or two dispatchers at once change a ticket once.
/// </summary>
public sealed class VideoFaultStore(Database database, TimeProvider time)
{
    private const string Columns = "id, device_id, device_name, organisation_id, kind, description, snapshot, state, reporter_id, reporter_name, assignee_id, assignee_name, reported_at, updated_at";

    /// <summary>Opens a ticket; when the device already has an open one, nothing is written and that one is returned as <c>Open</c>.</summary>
    public async Task<(VideoFault? Created, VideoFault? Open)> ReportAsync(VideoFault fault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fault);
        try
        {
            return await InsertAsync(fault, cancellationToken);
        }
        catch (System.Data.Common.DbException)
        {
            // Another report of the device won the race (the unique index of open tickets); anything else is rethrown.
            if (await OpenAsync(fault.DeviceId, cancellationToken) is { } open)
            {
                return (null, open);
            }

            throw;
        }
    }

    /// <summary>The device's open ticket, if it has one.</summary>
    public async Task<VideoFault?> OpenAsync(long deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<VideoFault>(new CommandDefinition(
            $"SELECT {Columns} FROM video_faults WHERE device_id = @deviceId AND state <> @closed ORDER BY id LIMIT 1", new { deviceId, closed = FaultStates.Closed }, cancellationToken: cancellationToken));
    }

    private async Task<(VideoFault? Created, VideoFault? Open)> InsertAsync(VideoFault fault, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var open = await connection.QueryFirstOrDefaultAsync<VideoFault>(new CommandDefinition(
                $"SELECT {Columns} FROM video_faults WHERE device_id = @DeviceId AND state <> @closed ORDER BY id LIMIT 1",
                new { fault.DeviceId, closed = FaultStates.Closed },
                transaction,
                cancellationToken: cancellationToken));
            if (open is not null)
            {
                return ((VideoFault?)null, (VideoFault?)open);
            }

            var now = time.GetUtcNow();
            var created = fault with { State = FaultStates.Reported, ReportedAt = now, UpdatedAt = now, AssigneeId = null, AssigneeName = null };
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO video_faults (device_id, device_name, organisation_id, kind, description, snapshot, state, reporter_id, reporter_name, reported_at, updated_at)
                VALUES (@DeviceId, @DeviceName, @OrganisationId, @Kind, @Description, @Snapshot, @State, @ReporterId, @ReporterName, @ReportedAt, @UpdatedAt) RETURNING id
                """,
                created,
                transaction,
                cancellationToken: cancellationToken));
            await AddEventAsync(connection, transaction, id, now, new FaultActor(fault.ReporterId, fault.ReporterName), "report", FaultStates.Reported, fault.Description, cancellationToken);
            return (created with { Id = id }, (VideoFault?)null);
        }, cancellationToken);

    public async Task<VideoFault?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<VideoFault>(new CommandDefinition($"SELECT {Columns} FROM video_faults WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<VideoFaultEvent>> EventsAsync(long faultId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<VideoFaultEvent>(new CommandDefinition(
            "SELECT id, at, actor_id, actor_name, action, state, comment FROM video_fault_events WHERE fault_id = @faultId ORDER BY id", new { faultId }, cancellationToken: cancellationToken))];
    }

    /// <summary>A page of tickets (newest first), the total, and how many tickets of the scope are in each state.</summary>
    public async Task<(int Total, IReadOnlyList<VideoFault> Items, IReadOnlyDictionary<string, int> Counts)> ListAsync(FaultQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = database.DeviceScopeFilter(query.Scope, "organisation_id", "device_id");
        var mine = (query.ReporterId is null ? string.Empty : " AND reporter_id = @ReporterId")
            + (query.AssigneeId is null ? string.Empty : " AND assignee_id = @AssigneeId")
            + (query.DeviceId is null ? string.Empty : " AND device_id = @DeviceId");
        var states = query.States.Count == 0 ? string.Empty : " AND " + database.InList("state", "states");
        var parameters = new
        {
            scopeOrganisations = Database.DeviceScopeParameter(query.Scope),
            query.ReporterId,
            query.AssigneeId,
            query.DeviceId,
            states = query.States.ToArray(),
            query.Skip,
            query.Take,
        };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM video_faults WHERE {scope}{mine}{states}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<VideoFault>(new CommandDefinition(
            $"SELECT {Columns} FROM video_faults WHERE {scope}{mine}{states} ORDER BY id DESC LIMIT @Take OFFSET @Skip", parameters, cancellationToken: cancellationToken));
        var counts = (await connection.QueryAsync<(string State, int Count)>(new CommandDefinition(
                $"SELECT state, COUNT(*) FROM video_faults WHERE {scope}{mine} GROUP BY state", parameters, cancellationToken: cancellationToken)))
            .ToDictionary(c => c.State, c => c.Count, StringComparer.Ordinal);
        return (total, [.. items], counts);
    }

    /// <summary>
    /// Moves a ticket from one of <paramref name="from"/> to <paramref name="to"/> (with its event, and the assignee
    /// when given); null when the ticket is not in one of those states (or gone).
    /// </summary>
    public async Task<VideoFault?> MoveAsync(long id, IReadOnlyList<string> from, string to, string action, FaultActor actor, string? comment, FaultActor? assignee, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(actor);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var assign = assignee is null ? string.Empty : ", assignee_id = @assigneeId, assignee_name = @assigneeName";
            var moved = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE video_faults SET state = @to, updated_at = @now{assign} WHERE id = @id AND {database.InList("state", "from")}",
                new { to, now, assigneeId = assignee?.Id, assigneeName = assignee?.Name, id, from = from.ToArray() },
                transaction,
                cancellationToken: cancellationToken));
            if (moved == 0)
            {
                return null;
            }

            await AddEventAsync(connection, transaction, id, now, actor, action, to, comment, cancellationToken);
            return await connection.QueryFirstAsync<VideoFault>(new CommandDefinition($"SELECT {Columns} FROM video_faults WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    /// <summary>Enabled users who hold <paramref name="permission"/>, by name, for the assignee picker.</summary>
    public async Task<IReadOnlyList<(long Id, string Username, string DisplayName, long OrganisationId)>> UsersWithAsync(string permission, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<(long, string, string, long)>(new CommandDefinition(
            """
            SELECT DISTINCT u.id, u.username, u.display_name, u.organisation_id FROM users u
            JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id AND r.enabled = @enabled
            JOIN role_permissions rp ON rp.role_id = r.id
            WHERE u.enabled = @enabled AND rp.permission = @permission ORDER BY u.username
            """,
            new { permission, enabled = true },
            cancellationToken: cancellationToken))];
    }

    private static Task<int> AddEventAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long faultId, DateTimeOffset at, FaultActor actor, string action, string state, string? comment, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO video_fault_events (fault_id, at, actor_id, actor_name, action, state, comment) VALUES (@faultId, @at, @actorId, @actorName, @action, @state, @comment)",
            new { faultId, at, actorId = actor.Id, actorName = actor.Name, action, state, comment },
            transaction,
            cancellationToken: cancellationToken));
}

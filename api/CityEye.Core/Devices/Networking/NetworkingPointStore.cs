using System.Data.Common;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices.Networking;

/// <summary>Ministry and province points and their history, in the system of record.</summary>
public sealed class NetworkingPointStore(Database database, TimeProvider time) : IDeviceReader
{
    /// <summary>The event a withdrawal writes (the point itself is removed).</summary>
    public const string Withdrawn = "withdrawn";

    private const string Columns =
        "p.device_id, d.gb_code, d.name, d.organisation_id, p.level, p.state, p.comment, p.created_by, p.created_at, p.updated_by, p.updated_at, p.version";

    /// <summary>A page of the points inside <paramref name="scope"/> that match <paramref name="filter"/>, newest change first.</summary>
    public async Task<(IReadOnlyList<NetworkingPoint> Items, int Total)> ListAsync(NetworkingPointFilter filter, DeviceScope scope, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = Where(filter, scope);
        parameters.Add("skip", skip);
        parameters.Add("take", take);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM networking_points p JOIN devices d ON d.id = p.device_id WHERE {where}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<NetworkingPoint>(new CommandDefinition(
            $"SELECT {Columns} FROM networking_points p JOIN devices d ON d.id = p.device_id WHERE {where} ORDER BY p.updated_at DESC, p.device_id LIMIT @take OFFSET @skip",
            parameters,
            cancellationToken: cancellationToken));
        return (items.ToList(), total);
    }

    /// <summary>Points inside <paramref name="scope"/> per level and state (ignoring the state filter, for the tabs).</summary>
    public async Task<IReadOnlyList<(string Level, string State, int Count)>> CountsAsync(DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, string, int)>(new CommandDefinition(
            $"""
            SELECT p.level, p.state, COUNT(*) FROM networking_points p JOIN devices d ON d.id = p.device_id
            WHERE {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")} GROUP BY p.level, p.state
            """,
            new { scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The points of <paramref name="deviceIds"/> that lie inside <paramref name="scope"/>.</summary>
    public async Task<IReadOnlyDictionary<long, NetworkingPoint>> GetManyAsync(IReadOnlyCollection<long> deviceIds, DeviceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = new Dictionary<long, NetworkingPoint>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in deviceIds.Distinct().Chunk(500))
        {
            foreach (var point in await connection.QueryAsync<NetworkingPoint>(new CommandDefinition(
                $"SELECT {Columns} FROM networking_points p JOIN devices d ON d.id = p.device_id WHERE {database.InList("p.device_id", "chunk")} AND {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}",
                new { chunk, scopeOrganisations = Database.DeviceScopeParameter(scope) },
                cancellationToken: cancellationToken)))
            {
                found[point.DeviceId] = point;
            }
        }

        return found;
    }

    /// <summary>Marks a device as a draft point of <paramref name="level"/>; false when it is already a point.</summary>
    [Unscoped("write path: NetworkingPointService checks the caller's scope first")]
    public async Task<bool> AddDraftAsync(long deviceId, string level, string actor, CancellationToken cancellationToken)
    {
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                var now = time.GetUtcNow();
                var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT device_id FROM networking_points WHERE device_id = @deviceId", new { deviceId }, transaction, cancellationToken: cancellationToken));
                if (exists is not null)
                {
                    return false;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO networking_points (device_id, level, state, created_by, created_at, updated_by, updated_at, version)
                    VALUES (@deviceId, @level, @state, @actor, @now, @actor, @now, 1)
                    """,
                    new { deviceId, level, state = NetworkingPointStates.Draft, actor, now },
                    transaction,
                    cancellationToken: cancellationToken));
                await EventAsync(connection, transaction, deviceId, level, null, NetworkingPointStates.Draft, actor, now, null, cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (Exception e) when (StoreFailures.UniqueViolationColumn(e) is not null)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves a point from the state it was read in to <paramref name="toState"/> (null: removes it), with its event,
    /// if nobody moved it first; false otherwise.
    /// </summary>
    [Unscoped("write path: NetworkingPointService checks the caller's scope first")]
    public async Task<bool> MoveAsync(NetworkingPoint point, string? toState, string actor, string? comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(point);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var changed = toState is null
                ? await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM networking_points WHERE device_id = @DeviceId AND version = @Version",
                    new { point.DeviceId, point.Version },
                    transaction,
                    cancellationToken: cancellationToken))
                : await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE networking_points SET state = @toState, comment = @comment, updated_by = @actor, updated_at = @now, version = version + 1
                    WHERE device_id = @deviceId AND version = @version
                    """,
                    new { toState, comment, actor, now, deviceId = point.DeviceId, version = point.Version },
                    transaction,
                    cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return false;
            }

            await EventAsync(connection, transaction, point.DeviceId, point.Level, point.State, toState ?? Withdrawn, actor, now, comment, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>A point's history, oldest first (also after it was withdrawn or its device deleted).</summary>
    public async Task<IReadOnlyList<NetworkingPointEvent>> EventsAsync(long deviceId, DeviceScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var visible = scope.IsAll || await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM devices d WHERE d.id = @deviceId AND {database.DeviceScopeFilter(scope, "d.organisation_id", "d.id")}",
            new { deviceId, scopeOrganisations = Database.DeviceScopeParameter(scope) },
            cancellationToken: cancellationToken)) > 0;
        if (!visible)
        {
            return [];
        }

        return (await connection.QueryAsync<NetworkingPointEvent>(new CommandDefinition(
            "SELECT id, device_id, level, from_state, to_state, actor, changed_at, comment FROM networking_point_events WHERE device_id = @deviceId ORDER BY id",
            new { deviceId },
            cancellationToken: cancellationToken))).ToList();
    }

    private static Task<int> EventAsync(DbConnection connection, DbTransaction transaction, long deviceId, string level, string? from, string to, string actor, DateTimeOffset now, string? comment, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO networking_point_events (device_id, level, from_state, to_state, actor, changed_at, comment)
            VALUES (@deviceId, @level, @from, @to, @actor, @now, @comment)
            """,
            new { deviceId, level, from, to, actor, now, comment },
            transaction,
            cancellationToken: cancellationToken));

    private (string Where, DynamicParameters Parameters) Where(NetworkingPointFilter filter, DeviceScope scope)
    {
        var clauses = new List<string> { database.DeviceScopeFilter(scope, "d.organisation_id", "d.id") };
        var parameters = new DynamicParameters();
        parameters.Add("scopeOrganisations", Database.DeviceScopeParameter(scope));
        if (filter.State is { Length: > 0 })
        {
            clauses.Add("p.state = @state");
            parameters.Add("state", filter.State);
        }

        if (filter.Level is { Length: > 0 })
        {
            clauses.Add("p.level = @level");
            parameters.Add("level", filter.Level);
        }

        if (filter.OrganisationId is { } organisation)
        {
            clauses.Add("d.organisation_id = @organisation");
            parameters.Add("organisation", organisation);
        }

        if (filter.Text is { Length: > 0 } text)
        {
            // Name, or the start of the GB code; LIKE wildcards in the text are plain characters.
            var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            clauses.Add("(d.name LIKE @contains ESCAPE '\\' OR d.gb_code LIKE @prefix ESCAPE '\\')");
            parameters.Add("contains", "%" + escaped + "%");
            parameters.Add("prefix", escaped + "%");
        }

        return (string.Join(" AND ", clauses), parameters);
    }
}

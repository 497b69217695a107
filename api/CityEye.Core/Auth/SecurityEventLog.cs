using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Auth;

/// <summary>Audit trail of authentication events in the system of record (MLPS level 3 audit).</summary>
public sealed class SecurityEventLog(Database database, TimeProvider time, IEnumerable<ISecurityEventSink>? sinks = null)
{
    private readonly ISecurityEventSink[] _sinks = [.. sinks ?? []];

    public async Task WriteAsync(string eventName, string? username, long? userId, string? ipAddress, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        username = username is { Length: > 128 } ? username[..128] : username;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO security_events (at, event, username, user_id, ip_address, detail) VALUES (@now, @eventName, @username, @userId, @ipAddress, @detail)",
            new { now, eventName, username, userId, ipAddress, detail },
            cancellationToken: cancellationToken));
        foreach (var sink in _sinks)
        {
            sink.Record(now, eventName, username, userId, ipAddress, detail);
        }
    }

    public async Task<IReadOnlyList<SecurityEvent>> RecentAsync(int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SecurityEvent>(new CommandDefinition(
            "SELECT id, at, event, username, user_id, ip_address, detail FROM security_events ORDER BY id DESC LIMIT @take",
            new { take },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>A frame a user took from recorded video: the device, the moment, and its blob.</summary>
public sealed record StoredFrame(long Id, long DeviceId, DateTimeOffset At, string Blob);

/// <summary>Frames taken from recorded video (VC-16), each the user's own; frames older than 30 days are forgotten.</summary>
public sealed class VideoFrameStore(Database database, TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async Task<IReadOnlyList<StoredFrame>> AddAsync(string username, long deviceId, IReadOnlyList<(DateTimeOffset At, string Blob)> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var stored = new List<StoredFrame>();
            foreach (var (at, blob) in frames)
            {
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO video_frames (username, device_id, at, blob, created_at) VALUES (@username, @deviceId, @at, @blob, @now) RETURNING id",
                    new { username, deviceId, at, blob, now },
                    transaction,
                    cancellationToken: cancellationToken));
                stored.Add(new StoredFrame(id, deviceId, at, blob));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM video_frames WHERE created_at < @cutoff", new { cutoff = now - Retention }, transaction, cancellationToken: cancellationToken));
            return (IReadOnlyList<StoredFrame>)stored;
        }, cancellationToken);
    }

    /// <summary>The user's frame, or null when it is not theirs (or gone).</summary>
    public async Task<StoredFrame?> GetAsync(string username, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<StoredFrame>(new CommandDefinition(
            "SELECT id, device_id, at, blob FROM video_frames WHERE id = @id AND username = @username", new { id, username }, cancellationToken: cancellationToken));
    }
}

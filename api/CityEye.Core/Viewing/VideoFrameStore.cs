using System.Text.Json;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Viewing;

/// <summary>
/// A frame a user took from recorded video: the device, the moment, its blob (watermarked for the taker), the same
/// picture without watermarks (null for frames taken before it was kept) and the captures made of its targets (a
/// JSON array of ids, null until made).
/// </summary>
public sealed record StoredFrame(long Id, long DeviceId, DateTimeOffset At, string Blob, string? RawBlob, string? CaptureIds)
{
    /// <summary>The ids of the captures made of the frame's targets, or null until they are made.</summary>
    public IReadOnlyList<long>? Captures => CaptureIds is null ? null : JsonSerializer.Deserialize<long[]>(CaptureIds);
}

/// <summary>Frames taken from recorded video (VC-16), each the user's own; frames older than 30 days are forgotten.</summary>
public sealed class VideoFrameStore(Database database, TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async Task<IReadOnlyList<StoredFrame>> AddAsync(string username, long deviceId, IReadOnlyList<(DateTimeOffset At, string Blob, string RawBlob)> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var stored = new List<StoredFrame>();
            foreach (var (at, blob, rawBlob) in frames)
            {
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO video_frames (username, device_id, at, blob, raw_blob, created_at) VALUES (@username, @deviceId, @at, @blob, @rawBlob, @now) RETURNING id",
                    new { username, deviceId, at, blob, rawBlob, now },
                    transaction,
                    cancellationToken: cancellationToken));
                stored.Add(new StoredFrame(id, deviceId, at, blob, rawBlob, null));
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
            "SELECT id, device_id, at, blob, raw_blob, capture_ids FROM video_frames WHERE id = @id AND username = @username", new { id, username }, cancellationToken: cancellationToken));
    }

    /// <summary>Remembers the captures made of the user's frame's targets.</summary>
    public async Task SetCapturesAsync(string username, long id, IReadOnlyList<long> captureIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE video_frames SET capture_ids = @captures WHERE id = @id AND username = @username",
            new { id, username, captures = JsonSerializer.Serialize(captureIds) },
            cancellationToken: cancellationToken));
    }
}

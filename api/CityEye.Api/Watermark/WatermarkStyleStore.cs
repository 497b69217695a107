using System.Text.Json;
using CityEye.Core.Storage;
using CityEye.Watermark;
using Dapper;

namespace CityEye.Api.Watermark;

/// <summary>The administrator's watermark style, kept in the <c>settings</c> table (key <c>watermark.style</c>) and cached.</summary>
internal sealed class WatermarkStyleStore(Database database, TimeProvider time)
{
    private const string Key = "watermark.style";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile StyleEntry? _cached;

    public async Task<StyleEntry> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached)
        {
            return cached;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SettingRow>(new CommandDefinition(
            "SELECT value, updated_at, updated_by FROM settings WHERE key = @Key", new { Key }, cancellationToken: cancellationToken));
        var entry = row is not null
            ? new StyleEntry(JsonSerializer.Deserialize<WatermarkStyle>(row.Value, Json) ?? new WatermarkStyle(), row.UpdatedAt, row.UpdatedBy)
            : new StyleEntry(new WatermarkStyle(), null, null);
        _cached = entry;
        return entry;
    }

    public async Task<StyleEntry> SetAsync(WatermarkStyle style, string username, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settings (key, value, updated_at, updated_by) VALUES (@Key, @value, @now, @username)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            new { Key, value = JsonSerializer.Serialize(style, Json), now, username },
            cancellationToken: cancellationToken));
        var entry = new StyleEntry(style, now, username);
        _cached = entry;
        return entry;
    }
}

internal sealed record SettingRow
{
    public required string Value { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}

internal sealed record StyleEntry(WatermarkStyle Style, DateTimeOffset? UpdatedAt, string? UpdatedBy);

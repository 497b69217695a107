namespace CityEye.Core.Jobs;

/// <summary>One line of a job's message log.</summary>
/// <remarks>Init properties: Dapper maps rows straight onto it (the store's one mapping style).</remarks>
public sealed record JobMessage
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public string Level { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;
}

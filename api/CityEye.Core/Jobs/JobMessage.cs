namespace CityEye.Core.Jobs;

/// <summary>One line of a job's message log.</summary>
public sealed record JobMessage(long Id, DateTimeOffset At, string Level, string Message);

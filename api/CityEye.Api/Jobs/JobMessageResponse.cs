namespace CityEye.Api.Jobs;

public sealed record JobMessageResponse(long Id, DateTimeOffset At, string Level, string Message);

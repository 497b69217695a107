namespace CityEye.Api.Jobs;

public sealed record JobPage(IReadOnlyList<JobResponse> Items, int Total);

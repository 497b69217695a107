namespace CityEye.Api.Dashboard;

public sealed record StationCount(long OrganisationId, string Name, int Count, int Online);

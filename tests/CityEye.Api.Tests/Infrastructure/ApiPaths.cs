namespace CityEye.Api.Tests.Infrastructure;

/// <summary>Relative request URIs for the test clients (import with <c>using static</c>).</summary>
internal static class ApiPaths
{
    public static Uri Url(string path) => new(path, UriKind.Relative);
}

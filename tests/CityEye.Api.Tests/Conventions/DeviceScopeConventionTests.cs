using System.Reflection;
using CityEye.Api.Auth;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Devices;
using CityEye.Core.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CityEye.Api.Tests.Conventions;

/// <summary>
/// Device permission cannot be forgotten: every device-reading store, index and engine method takes a
/// <see cref="DeviceScope"/>, and every endpoint that uses one takes the <see cref="Caller"/> that carries it.
/// </summary>
[Collection(ApiFixtureGroup.Name)]
public sealed class DeviceScopeConventionTests(ApiFactory factory)
{
    /// <summary>The API and every engine project; future engines (search, vectors, analytics) are covered as they land.</summary>
    private static readonly Assembly[] CityEyeAssemblies =
    [
        typeof(DeviceScope).Assembly,
        typeof(Program).Assembly,
        Assembly.Load("CityEye.Indexers"),
        Assembly.Load("CityEye.VectorSearch"),
        Assembly.Load("CityEye.Analytics"),
    ];

    [Fact]
    public void DeviceReaders_TakeADeviceScopeInEveryMethodThatReturnsData()
    {
        var readers = CityEyeAssemblies.SelectMany(a => a.GetTypes()).Where(t => typeof(IDeviceReader).IsAssignableFrom(t) && t != typeof(IDeviceReader)).ToList();
        var offenders = readers
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName && ReturnsData(m))
                .Where(m => m.GetCustomAttribute<UnscopedAttribute>() is null)
                .Where(m => !m.GetParameters().Any(p => p.ParameterType == typeof(DeviceScope)))
                .Select(m => $"{t.Name}.{m.Name}"))
            .ToList();

        Assert.Contains(readers, t => t.Name == "DeviceStore");
        Assert.Contains(readers, t => t.Name == "OrganisationStore");
        Assert.Empty(offenders);
        Assert.All(
            readers.SelectMany(t => t.GetMethods()).Select(m => m.GetCustomAttribute<UnscopedAttribute>()).OfType<UnscopedAttribute>(),
            a => Assert.False(string.IsNullOrWhiteSpace(a.Reason)));
    }

    [Fact]
    public void StoresThatReturnDeviceData_AreMarkedAsDeviceReaders()
    {
        // A store over the system of record whose methods hand out device types must be an IDeviceReader, so the
        // rule above applies to it. This catches a new store that forgot the marker.
        var unmarked = CityEyeAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !typeof(IDeviceReader).IsAssignableFrom(t))
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(Database))))
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(m => MentionsDevices(m.ReturnType)))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(unmarked);
    }

    [Fact]
    public void Endpoints_ThatUseADeviceReader_TakeTheCallersDeviceScope()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}", Handler: e.Metadata.GetMetadata<MethodInfo>()))
            .Where(e => e.Handler is not null)
            .ToList();
        var reading = endpoints.Where(e => e.Handler!.GetParameters().Any(p => typeof(IDeviceReader).IsAssignableFrom(p.ParameterType))).ToList();
        var offenders = reading.Where(e => !e.Handler!.GetParameters().Any(p => p.ParameterType == typeof(Caller))).Select(e => e.Route).ToList();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{reading.Count - offenders.Count} of {reading.Count} device-reading endpoints take a DeviceScope (of {endpoints.Count} endpoints): "
            + string.Join("; ", reading.Select(e => e.Route)));
        Assert.Contains(reading, e => e.Route.EndsWith("/api/dashboard/summary", StringComparison.Ordinal));
        Assert.Contains(reading, e => e.Route.EndsWith("/api/organisations/", StringComparison.Ordinal));
        Assert.Empty(offenders);
    }

    private static bool ReturnsData(MethodInfo method) =>
        method.ReturnType != typeof(void) && method.ReturnType != typeof(Task) && method.ReturnType != typeof(ValueTask);

    private static bool MentionsDevices(Type type) =>
        type != typeof(DeviceScope)
        && (type.Name.Contains("Device", StringComparison.Ordinal)
            || (type.IsGenericType && type.GetGenericArguments().Any(MentionsDevices))
            || (type.HasElementType && MentionsDevices(type.GetElementType()!)));
}

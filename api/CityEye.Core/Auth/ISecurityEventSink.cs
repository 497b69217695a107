namespace CityEye.Core.Auth;

/// <summary>Receives every security event as it is written (the operation log's journal joins them to its chain).</summary>
public interface ISecurityEventSink
{
    void Record(DateTimeOffset at, string eventName, string? username, long? userId, string? ipAddress, string? detail);
}

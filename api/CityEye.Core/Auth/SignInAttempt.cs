using System.Net.Sockets;

namespace CityEye.Core.Auth;

/// <summary>What a sign-in request brings: credentials, where it came from, and the session it may replace.</summary>
public sealed record SignInAttempt(string Username, string Password, string? IpAddress, string? UserAgent, string? ReplacingSessionKey = null)
{
    /// <summary>The client address as throttling and lockout count it (see <see cref="AddressKey"/>).</summary>
    public string Address => AddressKey(IpAddress);

    /// <summary>
    /// The key of a client address for throttling, lockout and rate limiting: an IPv4 address as it is (also when it
    /// arrives IPv4-mapped), an IPv6 address by its /64 network, since one client usually holds a whole /64 and could
    /// otherwise rotate through fresh keys; "unknown" when the host gives none.
    /// </summary>
    public static string AddressKey(string? ipAddress)
    {
        if (string.IsNullOrEmpty(ipAddress) || !System.Net.IPAddress.TryParse(ipAddress, out var address))
        {
            return string.IsNullOrEmpty(ipAddress) ? "unknown" : ipAddress;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new System.Net.IPAddress(bytes)}/64";
    }
}

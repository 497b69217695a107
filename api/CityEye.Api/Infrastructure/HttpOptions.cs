using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Infrastructure;

/// <summary>HTTP-facing settings from the <c>Http</c> configuration section.</summary>
public sealed class HttpOptions : IValidatableObject
{
    public const string SectionName = "Http";

    /// <summary>
    /// Addresses (or CIDR networks) of reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are
    /// believed. Empty: forwarded headers are ignored and the peer address is the client address.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>Whether <c>/openapi/v1.json</c> and <c>/api-docs</c> need a signed-in user (default: yes).</summary>
    public bool RequireSignInForApiDocs { get; set; } = true;

    /// <summary>HSTS max-age sent on HTTPS responses.</summary>
    [Range(0, 3650)]
    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>A proxy entry as a network (a single address is a /32 or /128), or null when it is neither.</summary>
    public static System.Net.IPNetwork? ParseProxy(string entry)
    {
        if (System.Net.IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }

        return System.Net.IPAddress.TryParse(entry, out var address)
            ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in TrustedProxies.Where(e => ParseProxy(e) is null))
        {
            yield return new ValidationResult($"Http:TrustedProxies entry '{entry}' is neither an IP address nor a CIDR network.", [nameof(TrustedProxies)]);
        }
    }
}

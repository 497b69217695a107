using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Infrastructure;

/// <summary>HTTP-facing settings from the <c>Http</c> configuration section.</summary>
public sealed class HttpOptions
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
}

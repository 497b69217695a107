using System.Net;
using System.Net.Http.Json;
using CityEye.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Auth;

/// <summary>
/// A node of its own (no demo district, one administrator) with a low sign-in rate limit and a trusted proxy, for
/// the limiter and the HTTPS cookie.
/// </summary>
public sealed class LimitedApiFactory : ApiFactory
{
    public const string ProxyAddress = "192.0.2.200";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CityEye:SeedDemo", "false");
        builder.UseSetting("CityEye:AdminPassword", "First#Admin2026");
        builder.UseSetting("Auth:SignInPermitsPerMinute", "3");
        builder.UseSetting("Http:TrustedProxies:0", ProxyAddress);
    }
}

public sealed class SignInLimitsTests(LimitedApiFactory factory) : IClassFixture<LimitedApiFactory>
{
    [Fact]
    public async Task SignIn_BeyondTheRateLimitPerAddress_Is429WithRetryAfter_OtherAddressesGoOn()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();

        async Task<HttpResponseMessage> LoginAsync(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url("/api/auth/login")) { Content = JsonContent.Create(new { username = "admin", password = "wrong-password" }) };
            request.Headers.Add("X-Test-Client-Address", address);
            return await client.SendAsync(request, ct);
        }

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await LoginAsync("203.0.113.50");
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var limited = await LoginAsync("203.0.113.50");
        using var elsewhere = await LoginAsync("203.0.113.51");

        Assert.Equal("rateLimited", (await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, ct)).GetProperty("code").GetString());
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Theory]
    [InlineData(LimitedApiFactory.ProxyAddress, "__Host-cityeye.sid=", true)]
    [InlineData("203.0.113.60", "cityeye.sid=", false)]
    public async Task SignIn_OverHttpsBehindATrustedProxyOnly_SetsTheHostPrefixedSecureCookieAndHsts(string peer, string cookiePrefix, bool https)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/api/auth/login")) { Content = JsonContent.Create(new { username = "admin", password = "First#Admin2026" }) };
        request.Headers.Add("X-Test-Client-Address", peer);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.77");

        using var response = await client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(cookiePrefix, cookie, StringComparison.Ordinal);
        Assert.Equal(https, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(https, response.Headers.Contains("Strict-Transport-Security"));
    }
}

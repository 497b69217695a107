using System.Threading.RateLimiting;
using CityEye.Api.Auth.Startup;
using CityEye.Api.Devices;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Auth;

/// <summary>
/// Sign-in, sessions, API tokens, function permissions and device scope: stores, services, authentication schemes,
/// the sign-in rate limit, and the start-up steps that ensure the built-in roles and the first administrator.
/// </summary>
internal static class AuthFeature
{
    /// <summary>Rate-limiter policy of the sign-in and password endpoints, per client address.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>Rate-limit policy of sign-in challenges.</summary>
    public const string ChallengeRateLimit = "sign-in-challenge";

    public static IServiceCollection AddAuthFeature(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new PasswordHasher(sp.GetRequiredService<IOptions<AuthOptions>>().Value.PasswordIterations));
        services.AddSingleton<PasswordHashingPool>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<RoleStore>();
        services.AddSingleton<DeviceGrantResolver>();
        services.AddSingleton(sp => new UserDirectory(sp.GetRequiredService<Core.Storage.Database>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<UserStore>(), sp.GetService<AccessIntegrity>())
        {
            OnlineIdle = TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<AuthOptions>>().Value.IdleTimeoutMinutes),
        });
        services.AddSingleton<Users.AccessGuard>();
        services.AddSingleton(sp => new PasswordPolicy(sp.GetRequiredService<IOptions<AuthOptions>>().Value));
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<SecurityEventLog>();
        services.AddSingleton<SignInFailureStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInChallenges>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<PasswordService>();
        services.AddSingleton<DeviceScopeResolver>();
        services.AddCityEyeAuthentication();

        services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignInRateLimit, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    SignInAttempt.AddressKey(context.Connection.RemoteIpAddress?.ToString()),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            // Challenges are cheap and precede every SPA sign-in: a limiter of their own (4x the sign-in permits), so a
            // sign-in does not spend two of the sign-in permits.
            options.AddPolicy(ChallengeRateLimit, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    "challenge:" + SignInAttempt.AddressKey(context.Connection.RemoteIpAddress?.ToString()),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits * 4, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? (int)Math.Ceiling(retry.TotalSeconds) : 60;
                await Problems.TooManyRequests(context.HttpContext, seconds, ErrorCodes.RateLimited).ExecuteAsync(context.HttpContext);
            };
        });

        services.AddStartupStep<RolesStep>();
        return services;
    }

    /// <summary>The first administrator is created after the demo step decided whether the demo creates the users.</summary>
    public static IServiceCollection AddFirstAdministratorStep(this IServiceCollection services) => services.AddStartupStep<FirstAdministratorStep>();
}

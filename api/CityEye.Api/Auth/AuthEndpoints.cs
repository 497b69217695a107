using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Auth;

internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .AllowedWhilePasswordChangeRequired()
            .RequireRateLimiting(AuthFeature.SignInRateLimit)
            .WithName("Auth_Login")
            .WithSummary("Sign in with user name and password; sets the session cookie (replacing the one the browser held).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/logout", LogoutAsync)
            .RequireSignedIn()
            .AllowedWhilePasswordChangeRequired()
            .WithName("Auth_Logout")
            .WithSummary("Sign out: ends the server-side session and clears the cookie.");

        group.MapGet("/me", (HttpContext context) => TypedResults.Ok(ToMe(context.User.ToUserData())))
            .RequireSignedIn()
            .AllowedWhilePasswordChangeRequired()
            .WithName("Auth_Me")
            .WithSummary("The signed-in user with roles and effective permissions.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/password", ChangePasswordAsync)
            .RequireSignedIn()
            .AllowedWhilePasswordChangeRequired()
            .RequireRateLimiting(AuthFeature.SignInRateLimit)
            .WithName("Auth_ChangePassword")
            .WithSummary("Changes the caller's own password under the password policy; other sessions end.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/tokens", ListTokensAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_ListTokens")
            .WithSummary("The caller's API tokens for external systems (secrets are never shown again).");

        group.MapPost("/tokens", CreateTokenAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_CreateToken")
            .WithSummary("Creates a bearer token acting as the caller, limited to the scopes given (a subset of the caller's permissions).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapDelete("/tokens/{id:long}", RevokeTokenAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_RevokeToken")
            .WithSummary("Revokes one of the caller's API tokens and every token made from it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/events", ListEventsAsync)
            .RequirePermission(Permissions.AuditView)
            .WithName("Auth_Events")
            .WithSummary("Recent security events: sign-ins, failures, lockouts, sign-outs, token use.");

        return group;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request,
        HttpContext context,
        SignInService signIn,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        var result = await signIn.SignInAsync(
            new SignInAttempt(
                request.Username,
                request.Password,
                context.Connection.RemoteIpAddress?.ToString(),
                context.Request.Headers.UserAgent.ToString(),
                SessionAuthenticationHandler.SessionKey(context.Request)),
            cancellationToken);
        if (!result.Succeeded)
        {
            // A locked account answers exactly like a wrong password (the sign-in service spent the same time on it).
            if (result.Failure == SignInFailure.Throttled)
            {
                return Problems.TooManyRequests(context, (int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds), ErrorCodes.SignInThrottled);
            }

            return result.Failure switch
            {
                SignInFailure.Disabled => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.AccountDisabled),
                SignInFailure.Expired => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.AccountExpired),
                SignInFailure.NotYetValid => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.AccountNotYetValid),
                SignInFailure.IntegrityFailed => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.AccountIntegrity),
                _ => Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials),
            };
        }

        SessionAuthenticationHandler.Append(context.Response, result.SessionKey!, TimeSpan.FromHours(options.Value.SessionLifetimeHours));
        return TypedResults.Ok(ToMe(result.Principal!));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, SignInService signIn, CancellationToken cancellationToken)
    {
        if (SessionAuthenticationHandler.SessionKey(context.Request) is { } key)
        {
            await signIn.SignOutAsync(key, context.User.ToUserData(), context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        }

        SessionAuthenticationHandler.Delete(context.Response);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request,
        HttpContext context,
        PasswordService passwords,
        UserStore users,
        SessionStore sessions,
        SignInThrottle throttle,
        SignInFailureStore failures,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        var key = SessionAuthenticationHandler.SessionKey(context.Request);
        if (user.ApiTokenId is not null || key is null)
        {
            // A token acts for a system; only a person at a session changes a password.
            return Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);
        }

        // The current password is guessed no faster than at the sign-in page: same delays, same per-address lockout,
        // and a lockout ends this session.
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var address = SignInAttempt.AddressKey(ip);
        var wait = throttle.TryAdmit(user.Username, address);
        if (wait > TimeSpan.Zero)
        {
            return Problems.TooManyRequests(context, (int)Math.Ceiling(wait.TotalSeconds), ErrorCodes.SignInThrottled);
        }

        var violations = await passwords.ChangeAsync(user.UserId, request.CurrentPassword, request.NewPassword, SessionStore.HashKey(key), ip, cancellationToken);
        if (violations.Any(v => v.Code == ErrorCodes.PasswordWrong))
        {
            throttle.Failed(user.Username, address);
            var settings = options.Value;
            if (await failures.RecordFailureAsync(user.Username, address, settings.MaxFailedAttempts, TimeSpan.FromMinutes(settings.LockoutMinutes), time.GetUtcNow(), cancellationToken) is not null)
            {
                await sessions.RevokeAsync(key, cancellationToken);
            }
        }

        if (violations.Count > 0)
        {
            return Problems.Validation(violations);
        }

        throttle.Succeeded(user.Username, address);
        var principal = await users.GetPrincipalAsync(user.UserId, cancellationToken);
        return TypedResults.Ok(ToMe(principal!));
    }

    private static async Task<Ok<List<ApiTokenResponse>>> ListTokensAsync(HttpContext context, ApiTokenStore tokens, CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        var list = await tokens.ListAsync(user.UserId, user.ApiTokenId, cancellationToken);
        return TypedResults.Ok(list.Select(ToResponse).ToList());
    }

    private static async Task<Results<Created<CreatedApiTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateTokenAsync(
        CreateApiTokenRequest request,
        HttpContext context,
        ApiTokenStore tokens,
        SecurityEventLog events,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        if (request.ExpiresInDays > options.Value.MaxApiTokenDays)
        {
            return Problems.Validation("expiresInDays", ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = 1, ["max"] = options.Value.MaxApiTokenDays });
        }

        // A token reaches only what its creator holds now; a token creating a token needs the explicit
        // apitokens.manage scope (checked by the endpoint's permission) and its child never outlives it.
        var notHeld = (request.Scopes ?? []).Where(s => !user.Permissions.Contains(s, StringComparer.Ordinal)).ToList();
        if (notHeld.Count > 0)
        {
            return Problems.Validation([.. notHeld.Select(s => new Violation("scopes", ErrorCodes.ScopeNotHeld, new Dictionary<string, object?> { ["value"] = s }))]);
        }

        var expiresAt = time.GetUtcNow().AddDays(request.ExpiresInDays);
        if (user.ApiTokenExpiresAt is { } parentExpiry && expiresAt > parentExpiry)
        {
            return Problems.Validation("expiresInDays", ErrorCodes.TokenOutlivesParent, new Dictionary<string, object?> { ["value"] = parentExpiry.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        }

        // Without scopes a token gets a snapshot of the caller's permissions now, not whatever roles are added later.
        var scopes = request.Scopes ?? user.Permissions;
        var (info, secret) = await tokens.CreateAsync(user.UserId, request.Name.Trim(), expiresAt, scopes, user.ApiTokenId, cancellationToken, string.IsNullOrWhiteSpace(request.CommissioningUnit) ? null : request.CommissioningUnit.Trim());
        await events.WriteAsync("token.created", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(), $"token {info.Id} '{info.Name}' scopes [{info.Scopes ?? "all"}]{(user.ApiTokenId is { } parent ? $" by token {parent}" : string.Empty)}", cancellationToken);
        return TypedResults.Created($"/api/auth/tokens/{info.Id}", new CreatedApiTokenResponse(ToResponse(info), secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(
        long id,
        HttpContext context,
        ApiTokenStore tokens,
        SecurityEventLog events,
        CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        if (!await tokens.RevokeAsync(user.UserId, id, user.ApiTokenId, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        await events.WriteAsync("token.revoked", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(), $"token {id} and its children", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<SecurityEventResponse>>> ListEventsAsync(SecurityEventLog events, CancellationToken cancellationToken, int take = 100)
    {
        var list = await events.RecentAsync(Math.Clamp(take, 1, 1000), cancellationToken);
        return TypedResults.Ok(list.Select(e => new SecurityEventResponse(e.Id, e.At, e.Event, e.Username, e.IpAddress, e.Detail)).ToList());
    }

    internal static MeResponse ToMe(UserPrincipalData user) =>
        new(user.UserId, user.Username, user.DisplayName, user.OrganisationId, user.OrganisationName, user.Roles, user.Permissions, user.MustChangePassword);

    private static ApiTokenResponse ToResponse(ApiTokenInfo info) =>
        new(info.Id, info.Name, info.CreatedAt, info.ExpiresAt, info.RevokedAt, info.LastUsedAt, info.Scopes?.Split(' ', StringSplitOptions.RemoveEmptyEntries), info.ParentId, info.CommissioningUnit);
}

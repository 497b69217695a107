using CityEye.Core.Auth;
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
            .WithName("Auth_Login")
            .WithSummary("Sign in with user name and password; sets the session cookie.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/logout", LogoutAsync)
            .RequireSignedIn()
            .WithName("Auth_Logout")
            .WithSummary("Sign out: ends the server-side session and clears the cookie.");

        group.MapGet("/me", (HttpContext context) => TypedResults.Ok(ToMe(context.User.ToUserData())))
            .RequireSignedIn()
            .WithName("Auth_Me")
            .WithSummary("The signed-in user with roles and effective permissions.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/tokens", ListTokensAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_ListTokens")
            .WithSummary("The caller's API tokens for external systems (secrets are never shown again).");

        group.MapPost("/tokens", CreateTokenAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_CreateToken")
            .WithSummary("Creates a bearer token acting as the caller, for an external system.")
            .ProducesValidationProblem();

        group.MapDelete("/tokens/{id:long}", RevokeTokenAsync)
            .RequirePermission(Permissions.ApiTokensManage)
            .WithName("Auth_RevokeToken")
            .WithSummary("Revokes one of the caller's API tokens.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/events", ListEventsAsync)
            .RequirePermission(Permissions.AuditView)
            .WithName("Auth_Events")
            .WithSummary("Recent security events: sign-ins, failures, lockouts, sign-outs.");

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
            request.Username,
            request.Password,
            context.Connection.RemoteIpAddress?.ToString(),
            context.Request.Headers.UserAgent.ToString(),
            cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure switch
            {
                SignInFailure.Locked => TypedResults.Problem(
                    title: "账户已锁定 (Account locked)",
                    detail: $"连续登录失败次数过多，账户已锁定至 {result.LockedUntil?.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}（北京时间）。Too many failed sign-ins; try again later or ask an administrator.",
                    statusCode: StatusCodes.Status403Forbidden),
                SignInFailure.Disabled => TypedResults.Problem(
                    title: "账户已停用 (Account disabled)",
                    detail: "该账户已被停用，请联系系统管理员。This account is disabled; contact an administrator.",
                    statusCode: StatusCodes.Status403Forbidden),
                SignInFailure.Expired => TypedResults.Problem(
                    title: "账户已过期 (Account expired)",
                    detail: "该账户的有效期已结束，请联系系统管理员。This account's validity has ended.",
                    statusCode: StatusCodes.Status403Forbidden),
                _ => TypedResults.Problem(
                    title: "用户名或密码错误 (Invalid credentials)",
                    detail: "用户名或密码错误。Wrong user name or password.",
                    statusCode: StatusCodes.Status401Unauthorized),
            };
        }

        context.Response.Cookies.Append(SessionAuthenticationHandler.CookieName, result.SessionKey!, new CookieOptions
        {
            HttpOnly = true,
            // Strict: the cookie never rides on a cross-site request, which is the CSRF defence for this JSON API.
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromHours(options.Value.SessionLifetimeHours),
        });
        return TypedResults.Ok(ToMe(result.Principal!));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, SignInService signIn, CancellationToken cancellationToken)
    {
        if (context.Request.Cookies.TryGetValue(SessionAuthenticationHandler.CookieName, out var key) && !string.IsNullOrEmpty(key))
        {
            await signIn.SignOutAsync(key, context.User.ToUserData(), context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        }

        context.Response.Cookies.Delete(SessionAuthenticationHandler.CookieName, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<ApiTokenResponse>>> ListTokensAsync(HttpContext context, ApiTokenStore tokens, CancellationToken cancellationToken)
    {
        var list = await tokens.ListAsync(context.User.UserId(), cancellationToken);
        return TypedResults.Ok(list.Select(ToResponse).ToList());
    }

    private static async Task<Results<Created<CreatedApiTokenResponse>, ValidationProblem>> CreateTokenAsync(
        CreateApiTokenRequest request,
        HttpContext context,
        ApiTokenStore tokens,
        SecurityEventLog events,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        if (request.ExpiresInDays > options.Value.MaxApiTokenDays)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["expiresInDays"] = [$"令牌有效期最长 {options.Value.MaxApiTokenDays} 天 (at most {options.Value.MaxApiTokenDays} days)"],
            });
        }

        var user = context.User.ToUserData();
        var (info, secret) = await tokens.CreateAsync(user.UserId, request.Name.Trim(), TimeSpan.FromDays(request.ExpiresInDays), cancellationToken);
        await events.WriteAsync("token.created", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(), $"token {info.Id} '{info.Name}'", cancellationToken);
        return TypedResults.Created($"/api/auth/tokens/{info.Id}", new CreatedApiTokenResponse(ToResponse(info), secret));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeTokenAsync(
        long id,
        HttpContext context,
        ApiTokenStore tokens,
        SecurityEventLog events,
        CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        if (!await tokens.RevokeAsync(user.UserId, id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        await events.WriteAsync("token.revoked", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(), $"token {id}", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<SecurityEventResponse>>> ListEventsAsync(SecurityEventLog events, CancellationToken cancellationToken, int take = 100)
    {
        var list = await events.RecentAsync(Math.Clamp(take, 1, 1000), cancellationToken);
        return TypedResults.Ok(list.Select(e => new SecurityEventResponse(e.Id, e.At, e.Event, e.Username, e.IpAddress, e.Detail)).ToList());
    }

    private static MeResponse ToMe(UserPrincipalData user) =>
        new(user.UserId, user.Username, user.DisplayName, user.OrganisationId, user.OrganisationName, user.Roles, user.Permissions, user.DeviceScope);

    private static ApiTokenResponse ToResponse(ApiTokenInfo info) =>
        new(info.Id, info.Name, info.CreatedAt, info.ExpiresAt, info.RevokedAt, info.LastUsedAt);
}

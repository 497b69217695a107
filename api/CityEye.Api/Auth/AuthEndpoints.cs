using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Keys;
using CityEye.Core.Validation;
using CityEye.Crypto;
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
            .WithSummary("Sign in with user name and password (in clear, or SM2-encrypted with the site key: passwordCipher, hex of 04||C1||C3||C2 over \"{challengeId}\\n{password}\"); sets the session cookie (replacing the one the browser held).")
            .Produces<MeResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/challenge", ChallengeAsync)
            .AllowAnonymous()
            .AllowedWhilePasswordChangeRequired()
            .RequireRateLimiting(AuthFeature.ChallengeRateLimit)
            .WithName("Auth_Challenge")
            .WithSummary("A one-time challenge (2 minutes): sign its signedText with the user's SM2 key for a certificate sign-in, or encrypt \"{challengeId}\\n{password}\" with the site public key (SM2, C1C3C2) for a password sign-in.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/login/certificate", CertificateLoginAsync)
            .AllowAnonymous()
            .AllowedWhilePasswordChangeRequired()
            .RequireRateLimiting(AuthFeature.SignInRateLimit)
            .WithName("Auth_CertificateLogin")
            .Produces<MeResponse>()
            .WithSummary("Sign in with an SM2 certificate: the challenge's signed text signed by the certificate's key; the certificate must chain to the node's root or a trusted bureau CA, be in force, not revoked, for clientAuth and registered to a user. A user whose roles require it gives the password too. Sets the session cookie.")
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

    private static async Task<Ok<SignInChallengeResponse>> ChallengeAsync(SignInChallenges challenges, CertificateAuthority authority, CancellationToken cancellationToken)
    {
        var challenge = await challenges.IssueAsync(cancellationToken);
        var (site, _) = await authority.SiteAsync(cancellationToken);
        return TypedResults.Ok(new SignInChallengeResponse(challenge.Id, challenge.Challenge, challenge.SignedText, challenge.ExpiresAt, site.PublicKey.ToHex(), Sm2.DefaultId));
    }

    /// <summary>
    /// The password of a sign-in request: in clear (unless <c>Auth:RequireEncryptedPassword</c>), or decrypted from its
    /// SM2 ciphertext with the site key, whose challenge is then used up (a replayed ciphertext is refused).
    /// </summary>
    private static async Task<(string? Password, IResult? Problem)> PasswordAsync(
        string? plain, string? cipher, string? challengeId, string field, HttpContext context, IOptions<AuthOptions> options, SignInChallenges challenges, CertificateAuthority authority, SecurityEventLog events, CancellationToken cancellationToken, string? takenElsewhere = null)
    {
        if (cipher is null)
        {
            return plain is not null && options.Value.RequireEncryptedPassword
                ? (null, Problems.Validation(field, ErrorCodes.PasswordEncryptionRequired))
                : (plain, null);
        }

        var ip = context.Connection.RemoteIpAddress?.ToString();
        byte[] bytes;
        try
        {
            // Hex of 04||C1||C3||C2 (the SPA puts the 04 that browser libraries leave off).
            bytes = Sm2.Decrypt((await authority.SiteAsync(cancellationToken)).Key, Convert.FromHexString(cipher.Trim()));
        }
        catch (Exception ex) when (ex is CryptoException or FormatException)
        {
            await events.WriteAsync("crypto.badInput", null, null, ip, $"{context.Request.Path}: passwordCipher: {ex.Message}", cancellationToken);
            return (null, Problems.Validation(field + "Cipher", ErrorCodes.CryptoDecryptFailed));
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        // With a certificate sign-in the password may be bound to the same challenge, which the sign-in itself uses up.
        var challenge = takenElsewhere is not null && string.Equals(challengeId, takenElsewhere, StringComparison.Ordinal)
            ? new SignInChallenge(takenElsewhere, string.Empty, DateTimeOffset.MaxValue)
            : await challenges.TakeAsync(challengeId, cancellationToken);
        if (newline < 0 || challenge is null || !string.Equals(text[..newline], challenge.Id, StringComparison.Ordinal))
        {
            await events.WriteAsync("login.challengeInvalid", null, null, ip, "encrypted password with an unknown, used (replayed) or expired challenge", cancellationToken);
            return (null, Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.ChallengeInvalid));
        }

        return (text[(newline + 1)..], null);
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest request,
        HttpContext context,
        SignInService signIn,
        SignInChallenges challenges,
        CertificateAuthority authority,
        SecurityEventLog events,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        var (password, problem) = await PasswordAsync(request.Password, request.PasswordCipher, request.ChallengeId, "password", context, options, challenges, authority, events, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var result = await signIn.SignInAsync(
            new SignInAttempt(
                request.Username,
                password!,
                context.Connection.RemoteIpAddress?.ToString(),
                context.Request.Headers.UserAgent.ToString(),
                SessionAuthenticationHandler.SessionKey(context.Request)),
            cancellationToken);
        return Answer(result, context, options);
    }

    private static async Task<IResult> CertificateLoginAsync(
        CertificateLoginRequest request,
        HttpContext context,
        SignInService signIn,
        SignInChallenges challenges,
        CertificateAuthority authority,
        SecurityEventLog events,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString();
        try
        {
            _ = Sm2Certificate.Parse(request.Certificate!);
        }
        catch (CryptoException ex)
        {
            await events.WriteAsync("crypto.badInput", null, null, ip, $"{context.Request.Path}: certificate: {ex.Code}: {ex.Message}", cancellationToken);
            return Problems.Validation("certificate", ex.Code);
        }

        var signature = new byte[512];
        if (!Convert.TryFromBase64String(request.Signature!.Trim(), signature, out var length))
        {
            return Problems.Validation("signature", ErrorCodes.Format);
        }

        string? password = null;
        if (request.Password is not null || request.PasswordCipher is not null)
        {
            (password, var problem) = await PasswordAsync(request.Password, request.PasswordCipher, request.PasswordChallengeId ?? request.ChallengeId, "password", context, options, challenges, authority, events, cancellationToken, takenElsewhere: request.ChallengeId);
            if (problem is not null)
            {
                return problem;
            }
        }

        var result = await signIn.SignInWithCertificateAsync(
            new CertificateSignInAttempt(request.ChallengeId!, request.Certificate!, signature[..length], password, ip,
                context.Request.Headers.UserAgent.ToString(), SessionAuthenticationHandler.SessionKey(context.Request)),
            cancellationToken);
        return Answer(result, context, options);
    }

    /// <summary>The answer to a sign-in: the session cookie and the user, or the failure as ProblemDetails.</summary>
    private static IResult Answer(SignInResult result, HttpContext context, IOptions<AuthOptions> options)
    {
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
                SignInFailure.CertificateRequired => Problems.Of(StatusCodes.Status403Forbidden, ErrorCodes.CertificateRequired),
                SignInFailure.ChallengeInvalid => Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.ChallengeInvalid),
                SignInFailure.CertificateInvalid => Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.SignInCertificateInvalid, new Dictionary<string, object?> { ["reason"] = result.Detail }),
                SignInFailure.CertificateUnknown => Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.SignInCertificateUnknown),
                SignInFailure.PasswordRequired => Problems.Of(StatusCodes.Status401Unauthorized, ErrorCodes.SignInPasswordRequired),
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

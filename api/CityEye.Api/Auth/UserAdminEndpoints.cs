using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Auth;

/// <summary>
/// What an administrator needs against sign-in abuse now (user management proper comes with the user issue): lock
/// and unlock (which also lifts every per-address lockout and throttle), enable and disable, reset a password.
/// Locking or disabling ends the user's sessions at once and stops the user's API tokens.
/// </summary>
internal static class UserAdminEndpoints
{
    public static RouteGroupBuilder MapUserAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users/{id:long}").WithTags("Users").RequirePermission(Permissions.UsersManage);

        // Only users of the units the caller manages, holding nothing the caller could not grant (Users.AccessGuard):
        // a unit administrator can never lock, reset or take over an account that outranks them.
        group.AddEndpointFilter(async (invocation, next) =>
        {
            var http = invocation.HttpContext;
            if (long.TryParse(http.Request.RouteValues["id"]?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var target)
                && await Caller.BindAsync(http) is { } caller
                && await http.RequestServices.GetRequiredService<Users.AccessGuard>().CheckTargetAsync(caller, target, http.RequestAborted) is { } refused)
            {
                return Problems.Of(refused.Status, refused.Code);
            }

            return await next(invocation);
        });
        group.MapPost("/lock", LockAsync).WithName("Users_Lock").WithSummary("Locks the user (until a future time, or until unlocked); ends the user's sessions. Not oneself.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/unlock", UnlockAsync).WithName("Users_Unlock").WithSummary("Lifts the administrator's lock and every per-address sign-in lockout and throttle.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/enable", (long id, HttpContext context, UserStore users, SecurityEventLog events, CancellationToken ct) => SetEnabledAsync(id, true, context, users, events, ct))
            .WithName("Users_Enable").WithSummary("Enables the user.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/disable", (long id, HttpContext context, UserStore users, SecurityEventLog events, CancellationToken ct) => SetEnabledAsync(id, false, context, users, events, ct))
            .WithName("Users_Disable").WithSummary("Disables the user; ends the user's sessions.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/password-reset", ResetPasswordAsync).WithName("Users_ResetPassword").WithSummary("Sets a new password the user must change at the next sign-in; ends the user's sessions.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<UserLockStateResponse>, ValidationProblem, ProblemHttpResult>> LockAsync(long id, LockUserRequest request, HttpContext context, UserStore users, SecurityEventLog events, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Until is { } until && until <= time.GetUtcNow())
        {
            return Problems.Validation("until", ErrorCodes.NotInFuture);
        }

        if (id == context.User.UserId())
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SelfAdministration);
        }

        if (!await users.LockAsync(id, request.Until, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        return TypedResults.Ok(await AuditAsync(id, "user.locked", $"until {request.Until?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "unlocked"}", 0, context, users, events, cancellationToken));
    }

    private static async Task<Results<Ok<UserLockStateResponse>, ProblemHttpResult>> UnlockAsync(long id, HttpContext context, UserStore users, SignInFailureStore failures, SignInThrottle throttle, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(id, cancellationToken);
        if (user is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        await users.UnlockAsync(id, cancellationToken);
        var cleared = await failures.ClearAllAsync(user.Username, cancellationToken);
        throttle.Forget(user.Username);
        return TypedResults.Ok(await AuditAsync(id, "user.unlocked", $"{cleared} address lockouts cleared", cleared, context, users, events, cancellationToken));
    }

    private static async Task<Results<Ok<UserLockStateResponse>, ProblemHttpResult>> SetEnabledAsync(long id, bool enabled, HttpContext context, UserStore users, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (!enabled && id == context.User.UserId())
        {
            return Problems.Of(StatusCodes.Status409Conflict, ErrorCodes.SelfAdministration);
        }

        if (!await users.SetEnabledAsync(id, enabled, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        return TypedResults.Ok(await AuditAsync(id, enabled ? "user.enabled" : "user.disabled", null, 0, context, users, events, cancellationToken));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetPasswordAsync(long id, ResetPasswordRequest request, HttpContext context, UserStore users, PasswordService passwords, CancellationToken cancellationToken)
    {
        if (await users.GetAsync(id, cancellationToken) is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var violations = await passwords.ResetAsync(id, request.NewPassword, context.User.ToUserData(), context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return violations.Count > 0 ? Problems.Validation(violations) : TypedResults.NoContent();
    }

    private static async Task<UserLockStateResponse> AuditAsync(long id, string eventName, string? detail, int cleared, HttpContext context, UserStore users, SecurityEventLog events, CancellationToken cancellationToken)
    {
        var admin = context.User.ToUserData();
        var user = (await users.GetAsync(id, cancellationToken))!;
        await events.WriteAsync(eventName, user.Username, user.Id, context.Connection.RemoteIpAddress?.ToString(), $"by {admin.Username}{(detail is null ? string.Empty : "; " + detail)}", cancellationToken);
        return new UserLockStateResponse(user.Id, user.Username, user.Enabled, user.LockedUntil, cleared);
    }
}

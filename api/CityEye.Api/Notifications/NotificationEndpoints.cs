using System.ComponentModel.DataAnnotations;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Core.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Notifications;

/// <summary>A notification of the signed-in user.</summary>
public sealed record NotificationResponse(long Id, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>A page of notifications, newest first, with the unread count (the bell's badge).</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationResponse> Items, int Total, int Unread);

/// <summary>Notifications to mark read: the given ids, or every unread one when <c>ids</c> is absent.</summary>
public sealed record NotificationReadRequest
{
    [MaxLength(500)]
    public IReadOnlyList<long>? Ids { get; init; }
}

/// <summary>How many notifications changed.</summary>
public sealed record NotificationReadResult(int Marked);

/// <summary>The in-app notification centre: every signed-in user reads and marks their own notifications.</summary>
internal static class NotificationEndpoints
{
    public static IServiceCollection AddNotificationsFeature(this IServiceCollection services) => services.AddSingleton<NotificationStore>();

    public static RouteGroupBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/notifications").WithTags("Notifications");

        group.MapGet("/", ListAsync)
            .RequireSignedIn()
            .WithName("Notifications_List")
            .WithSummary("The caller's notifications, newest first (unreadOnly=true: only unread), with the unread count.")
            .ProducesValidationProblem();

        group.MapPost("/read", MarkReadAsync)
            .RequireSignedIn()
            .WithName("Notifications_MarkRead")
            .WithSummary("Marks the caller's notifications read: the given ids, or all of them when ids is absent.")
            .ProducesValidationProblem();

        return group;
    }

    private static async Task<Ok<NotificationPage>> ListAsync(bool? unreadOnly, [AsParameters] PageQuery paging, HttpContext context, NotificationStore store, CancellationToken cancellationToken)
    {
        var user = context.User.ToUserData();
        var (items, total, unread) = await store.ListAsync(user.UserId, unreadOnly ?? false, paging.Skip, paging.Take, cancellationToken);
        return TypedResults.Ok(new NotificationPage([.. items.Select(n => new NotificationResponse(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt))], total, unread));
    }

    private static async Task<Ok<NotificationReadResult>> MarkReadAsync(NotificationReadRequest request, HttpContext context, NotificationStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new NotificationReadResult(await store.MarkReadAsync(context.User.ToUserData().UserId, request.Ids, cancellationToken)));
}

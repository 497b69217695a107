using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using CityEye.Watermark;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Watermark;

/// <summary>
/// Watermarks (SC-1, SC-2): the style administrators set, the tile the player lays over video, a preview, and the
/// decoder that names whoever leaked an image.
/// </summary>
internal static class WatermarkEndpoints
{
    public static void MapWatermarkEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/watermark").WithTags("Watermark");
        group.MapGet("/style", async (WatermarkStyleStore styles, Watermarks watermarks, CancellationToken ct) => TypedResults.Ok(Response(await styles.GetAsync(ct), watermarks.Options)))
            .RequirePermission(Permissions.WatermarkManage)
            .WithName("Watermark_Style").WithSummary("The watermark style: the visible text (template, size, colour, opacity, angle, density) and the covert dot matrix (on/off, strength, cell size).");
        group.MapPut("/style", SetStyleAsync)
            .RequirePermission(Permissions.WatermarkManage)
            .WithName("Watermark_SetStyle").WithSummary("Changes the watermark style; it applies to every snapshot, download, export and player overlay made from now on.")
            .ProducesValidationProblem();
        group.MapPost("/preview", PreviewAsync)
            .RequirePermission(Permissions.WatermarkManage)
            .WithName("Watermark_Preview").WithSummary("A 640x360 PNG of a style (saved or not) over a neutral picture, with the caller's marks.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesValidationProblem();
        group.MapGet("/overlay", async (HttpContext context, Watermarks watermarks, CancellationToken ct) =>
            {
                context.Response.Headers.CacheControl = "private, no-store";
                return TypedResults.File(await watermarks.TilePngAsync(context.User.ToUserData(), context, ct), "image/png");
            })
            .RequireSignedIn()
            .WithName("Watermark_Overlay")
            .WithSummary("The caller's watermark tile (PNG, transparent, repeats seamlessly): the visible text and the covert dot matrix of this minute. The player lays it over video at one image pixel per screen pixel and fetches it again every minute.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
        group.MapPost("/decode", DecodeAsync)
            .RequirePermission(Permissions.WatermarkDecode)
            .WithName("Watermark_Decode")
            .WithSummary("Recovers the covert watermark from a leaked image (multipart field image: a screenshot, a crop of at least a quarter of the picture, a scaled copy, a re-encoded JPEG or a photo of the screen): who, when and which node. 422 when the image carries no watermark of this system.")
            .Accepts<WatermarkDecodeUpload>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static WatermarkStyleResponse Response(StyleEntry entry, WatermarkOptions options) =>
        new(entry.Style, entry.UpdatedAt, entry.UpdatedBy, WatermarkStyle.Placeholders, options.NodeNumber, options.NodeName);

    private static IReadOnlyList<Violation> Check(WatermarkStyle? style) =>
        style is null ? [new Violation("style", ErrorCodes.Required)] : [.. style.Problems().Select(p => new Violation(Problems.JsonName(p.Field), p.Code))];

    private static async Task<Results<Ok<WatermarkStyleResponse>, ValidationProblem>> SetStyleAsync(
        WatermarkStyle style, HttpContext context, WatermarkStyleStore styles, Watermarks watermarks, CancellationToken cancellationToken)
    {
        if (Check(style) is { Count: > 0 } problems)
        {
            return Problems.Validation(problems);
        }

        return TypedResults.Ok(Response(await styles.SetAsync(style, context.User.ToUserData().Username, cancellationToken), watermarks.Options));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> PreviewAsync(WatermarkStyle style, HttpContext context, Watermarks watermarks, CancellationToken cancellationToken)
    {
        if (Check(style) is { Count: > 0 } problems)
        {
            return Problems.Validation(problems);
        }

        return TypedResults.File(await watermarks.PreviewAsync(style, context.User.ToUserData(), context, cancellationToken), "image/png");
    }

    private static async Task<Results<Ok<WatermarkDecodeResponse>, ValidationProblem, ProblemHttpResult>> DecodeAsync(
        IFormFile? image, Watermarks watermarks, WatermarkStyleStore styles, UserStore users, CancellationToken cancellationToken)
    {
        if (image is null || image.Length == 0)
        {
            return Problems.Validation("image", ErrorCodes.Required);
        }

        var max = watermarks.Options.MaxDecodeMegabytes;
        if (image.Length > max * 1024L * 1024L)
        {
            return Problems.Validation("image", ErrorCodes.WatermarkImageTooLarge, new Dictionary<string, object?> { ["max"] = max });
        }

        using var buffer = new MemoryStream((int)image.Length);
        await image.CopyToAsync(buffer, cancellationToken);
        CovertResult? result;
        try
        {
            var cell = (await styles.GetAsync(cancellationToken)).Style.CovertCellSize;
            // Decoding is CPU work of up to a second or two: off the request thread.
            result = await Task.Run(() => CovertDecoder.Decode(buffer.ToArray(), cell), cancellationToken);
        }
        catch (WatermarkImageException)
        {
            return Problems.Validation("image", ErrorCodes.WatermarkImageInvalid);
        }

        if (result is null)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, ErrorCodes.WatermarkNotFound);
        }

        var user = await users.GetAsync(result.Payload.UserId, cancellationToken);
        var options = watermarks.Options;
        return TypedResults.Ok(new WatermarkDecodeResponse(
            result.Payload.UserId, user?.Username, user?.DisplayName, result.Payload.Minute, result.Payload.Node,
            result.Payload.Node == options.NodeNumber ? options.NodeName : null, result.Confidence, result.CellSize));
    }
}

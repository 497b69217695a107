using CityEye.Core.Auth;
using CityEye.Watermark;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CityEye.Api.Watermark;

/// <summary>
/// The watermarks of a request's viewer (SC-1, SC-2): who (name, account, unit, client address), when (this minute)
/// and which node, drawn in the administrator's style. Everything that leaves the node as a file is burnt in here;
/// the player lays <see cref="TilePngAsync"/> over live and recorded video.
/// </summary>
internal sealed class Watermarks(WatermarkRenderer renderer, WatermarkStyleStore styles, IOptions<WatermarkOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public WatermarkOptions Options => options.Value;

    public WatermarkIdentity Identity(UserPrincipalData user, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "-";
        return new WatermarkIdentity(
            user.UserId, user.Username, user.DisplayName, user.OrganisationName, address,
            time.GetUtcNow(), options.Value.NodeNumber, options.Value.NodeName);
    }

    public async Task<WatermarkTile> TileAsync(WatermarkIdentity identity, CancellationToken cancellationToken, WatermarkStyle? style = null)
    {
        style ??= (await styles.GetAsync(cancellationToken)).Style;
        return renderer.Tile(identity, style, _zone);
    }

    /// <summary>The tile as a PNG, for the player's overlay.</summary>
    public async Task<byte[]> TilePngAsync(UserPrincipalData user, HttpContext context, CancellationToken cancellationToken)
    {
        using var tile = await TileAsync(Identity(user, context), cancellationToken);
        return WatermarkRenderer.Encode(tile.Bitmap, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>An image with the viewer's marks burnt in, as a JPEG.</summary>
    public async Task<byte[]> JpegAsync(byte[] image, UserPrincipalData user, HttpContext context, CancellationToken cancellationToken)
    {
        using var tile = await TileAsync(Identity(user, context), cancellationToken);
        return WatermarkRenderer.WatermarkJpeg(image, tile);
    }

    /// <summary>A transparent PNG of the given size with the viewer's marks, in a temporary file the caller deletes.</summary>
    public async Task<string> OverlayFileAsync(int width, int height, UserPrincipalData user, HttpContext context, CancellationToken cancellationToken)
    {
        using var tile = await TileAsync(Identity(user, context), cancellationToken);
        var path = Path.Combine(Path.GetTempPath(), $"cityeye-watermark-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, WatermarkRenderer.Overlay(width, height, tile), cancellationToken);
        return path;
    }

    /// <summary>A preview of a style over a neutral picture (a sky-to-road gradient), for the settings page.</summary>
    public async Task<byte[]> PreviewAsync(WatermarkStyle style, UserPrincipalData user, HttpContext context, CancellationToken cancellationToken)
    {
        using var tile = await TileAsync(Identity(user, context), cancellationToken, style);
        using var picture = new SKBitmap(new SKImageInfo(640, 360, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(picture))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, 360), [new SKColor(0x6F, 0x8F, 0xB0), new SKColor(0x8A, 0x8F, 0x93), new SKColor(0x3C, 0x41, 0x45)], [0, 0.55f, 1], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, 640, 360, paint);
        }

        WatermarkRenderer.Apply(picture, tile);
        return WatermarkRenderer.Encode(picture, SKEncodedImageFormat.Png, 100);
    }
}

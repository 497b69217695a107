using System.Globalization;
using System.IO.Compression;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Captures;
using CityEye.Watermark;

namespace CityEye.Api.Captures;

/// <summary>
/// Writes a shelf as a zip (VC-14): <c>shelf.xlsx</c> with one row per capture (time in Asia/Shanghai, place, device,
/// type, status, note, attributes and the names of its image files) and <c>images/</c> with each capture's scene
/// image and feature (target) image, each with the exporter's visible and covert watermarks burnt in.
/// </summary>
internal static class ShelfExport
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static async Task WriteAsync(Stream output, IReadOnlyList<ShelfItemResponse> items, IReadOnlyDictionary<long, Capture> stored, BlobStore blobs, WatermarkTile watermark, CancellationToken cancellationToken)
    {
        // ZipArchive needs a seekable stream to write entries of unknown length: build it in a temporary file.
        var temporary = Path.Combine(Path.GetTempPath(), $"cityeye-shelf-{Guid.NewGuid():N}.zip");
        try
        {
            await using (var file = File.Create(temporary))
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
                var rows = new List<IReadOnlyList<object?>>();
                foreach (var item in items)
                {
                    var capture = item.Capture;
                    var crop = capture is null ? null : await AddAsync(zip, blobs, stored.GetValueOrDefault(item.CaptureId)?.CropImage, $"images/{item.CaptureId}-target", watermark, cancellationToken);
                    var scene = capture is null ? null : await AddAsync(zip, blobs, stored.GetValueOrDefault(item.CaptureId)?.SceneImage, $"images/{item.CaptureId}-scene", watermark, cancellationToken);
                    rows.Add([
                        item.CaptureId,
                        capture is null ? string.Empty : TimeZoneInfo.ConvertTime(capture.Time, Shanghai).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        capture?.DeviceName ?? string.Empty,
                        capture?.DeviceCode ?? string.Empty,
                        capture?.Longitude,
                        capture?.Latitude,
                        WorkbenchEndpoints.TypeName(item.CaptureType),
                        item.Status,
                        item.Note,
                        capture is null ? "(not available)" : Describe(capture.Attributes),
                        scene ?? string.Empty,
                        crop ?? string.Empty,
                    ]);
                }

                var sheet = zip.CreateEntry("shelf.xlsx", CompressionLevel.Fastest);
                await using (var entry = sheet.Open())
                {
                    using var buffer = new MemoryStream();
                    XlsxWriter.Write(buffer, [new XlsxSheet("暂存架", ["抓拍编号", "抓拍时间", "地点（设备）", "设备编码", "经度", "纬度", "类型", "状态", "备注", "属性", "场景图", "特征图"], rows)]);
                    buffer.Position = 0;
                    await buffer.CopyToAsync(entry, cancellationToken);
                }
            }

            await using var read = File.OpenRead(temporary);
            await read.CopyToAsync(output, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Adds an image with the exporter's watermarks burnt in (as a JPEG); one that cannot be read is left out.</summary>
    private static async Task<string?> AddAsync(ZipArchive zip, BlobStore blobs, string? reference, string name, WatermarkTile watermark, CancellationToken cancellationToken)
    {
        if (blobs.PathOf(reference) is not { } path)
        {
            return null;
        }

        byte[] marked;
        try
        {
            marked = WatermarkRenderer.WatermarkJpeg(await File.ReadAllBytesAsync(path, cancellationToken), watermark);
        }
        catch (WatermarkImageException)
        {
            return null;
        }

        var entryName = name + ".jpg";
        await using var entry = zip.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
        await entry.WriteAsync(marked, cancellationToken);
        return entryName;
    }

    private static string Describe(CaptureAttributes attributes) =>
        string.Join("; ", CaptureVocabulary.Attributes.Select(a => (a.Name, Value: CaptureVocabulary.Get(attributes, a.Name))).Where(a => !string.IsNullOrEmpty(a.Value)).Select(a => $"{a.Name}={a.Value}"));
}

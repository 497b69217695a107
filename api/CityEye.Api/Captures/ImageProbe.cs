using System.Buffers.Binary;

namespace CityEye.Api.Captures;

/// <summary>The format and size an image file declares, read from its header without decoding any pixel.</summary>
public sealed record ImageHeader(string Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;

    public string Extension => Format == "png" ? ".png" : ".jpg";

    public string ContentType => Format == "png" ? "image/png" : "image/jpeg";
}

/// <summary>
/// Reads JPEG and PNG headers (the formats captures and uploads may use) so that files that are not images, and
/// decompression bombs (a small file declaring a huge picture), are refused before anything decodes them.
/// </summary>
public static class ImageProbe
{
    /// <summary>The header of a JPEG or PNG, or null when the bytes are neither (or the header is cut off).</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 24 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            && bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            var width = BinaryPrimitives.ReadInt32BigEndian(bytes[16..]);
            var height = BinaryPrimitives.ReadInt32BigEndian(bytes[20..]);
            return width > 0 && height > 0 ? new ImageHeader("png", width, height) : null;
        }

        if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8)
        {
            return ReadJpeg(bytes);
        }

        return null;
    }

    private static ImageHeader? ReadJpeg(ReadOnlySpan<byte> bytes)
    {
        var i = 2;
        while (i + 4 <= bytes.Length)
        {
            if (bytes[i] != 0xFF)
            {
                return null;
            }

            var marker = bytes[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i + 2)..]);
            if (length < 2)
            {
                return null;
            }

            // Start of frame (baseline, progressive, …; not DHT C4, JPG C8, DAC CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > bytes.Length)
                {
                    return null;
                }

                var height = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i + 5)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i + 7)..]);
                return width > 0 && height > 0 ? new ImageHeader("jpeg", width, height) : null;
            }

            if (marker == 0xDA)
            {
                return null; // Scan data before any frame header.
            }

            i += 2 + length;
        }

        return null;
    }
}

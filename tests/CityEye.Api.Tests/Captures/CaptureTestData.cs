using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Captures;

/// <summary>Real PNG files, deterministic feature-like vectors and an ingest client for the capture tests.</summary>
internal static class CaptureTestData
{
    /// <summary>A real PNG of one colour (decodable by any image library).</summary>
    public static byte[] Png(int width, int height, byte red, byte green, byte blue)
    {
        var raw = new byte[height * ((width * 3) + 1)];
        for (var y = 0; y < height; y++)
        {
            var row = y * ((width * 3) + 1);
            for (var x = 0; x < width; x++)
            {
                raw[row + 1 + (x * 3)] = red;
                raw[row + 2 + (x * 3)] = green;
                raw[row + 3 + (x * 3)] = blue;
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        return PngFile(header, compressed.ToArray());
    }

    /// <summary>A PNG whose header declares <paramref name="width"/> × <paramref name="height"/> but whose data is tiny (a decompression bomb's shape).</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        return PngFile(header, [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    }

    /// <summary>A unit vector near the centre of <paramref name="person"/>: captures of one "person" are near each other.</summary>
    public static float[] Vector(int dimensions, int person, int capture)
    {
        var centre = new Random(1_000 + person);
        var noise = new Random((person * 7_919) + capture);
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((centre.NextDouble() - 0.5) + (0.15 * (noise.NextDouble() - 0.5)));
            norm += vector[i] * vector[i];
        }

        for (var i = 0; i < dimensions; i++)
        {
            vector[i] /= (float)Math.Sqrt(norm);
        }

        return vector;
    }

    /// <summary>A client with a fresh API token of the admin holding only <paramref name="scopes"/>.</summary>
    public static async Task<HttpClient> TokenClientAsync(ApiFactory factory, HttpClient admin, string name, string[] scopes, CancellationToken ct)
    {
        using var created = await admin.PostAsJsonAsync(Url("/api/auth/tokens"), new { name, expiresInDays = 30, scopes }, ct);
        created.EnsureSuccessStatusCode();
        var token = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("secret").GetString());
        return client;
    }

    private static byte[] PngFile(byte[] header, byte[] data)
    {
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", data);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        stream.Write(crc);
    }
}

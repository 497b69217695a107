using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CityEye.Analytics.Captures;
using CityEye.Core.Captures;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Validation;
using CityEye.VectorSearch;
using Microsoft.Extensions.Options;
using Capture = CityEye.Core.Captures.Capture;

namespace CityEye.Api.Captures;

/// <summary>
/// Validates ingest batches capture by capture, stores the inline images, and writes the accepted captures to the
/// journal before answering, so that an acknowledged capture survives a kill. Source ids seen within
/// <see cref="CapturesOptions.DuplicateWindowDays"/> are answered as duplicates (the drain also skips any source id the
/// store already holds, so an older retry is not stored twice either). Back-pressure: when the drain falls behind by
/// <see cref="CapturesOptions.MaxBacklog"/> captures, or too many batches arrive at once, the caller is told to retry.
/// </summary>
internal sealed partial class CaptureIngest(
    CaptureJournal journal,
    CaptureDrain drain,
    BlobStore blobs,
    DeviceStore devices,
    ICaptureStore store,
    IOptions<CapturesOptions> options,
    IOptions<VectorOptions> vectorOptions,
    TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string Source, string SourceId), long> _seen = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, (string, string) Key)> _seenOrder = new();
    private readonly SemaphoreSlim _append = new(1, 1);
    private readonly SemaphoreSlim _batches = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);
    private bool _loaded;

    /// <summary>Captures written to the journal and not yet in the analytics store.</summary>
    public long Backlog => Math.Max(0, journal.LastSequence - Math.Max(drain.StoredSequence, 0));

    /// <summary>Takes a slot for one batch; false when <see cref="CapturesOptions.MaxConcurrentBatches"/> are running.</summary>
    public bool TryEnter() => _batches.Wait(0);

    public void Exit() => _batches.Release();

    /// <summary>Seconds a refused sender should wait: the backlog at the drain's recent rate, 1 to 30.</summary>
    public int RetryAfterSeconds() => (int)Math.Clamp(Math.Ceiling(Backlog / Math.Max(drain.RecentRate, 500.0)), 1, 30);

    /// <summary>True when the backlog leaves no room for <paramref name="count"/> more captures.</summary>
    public bool IsFull(int count) => Backlog + count > options.Value.MaxBacklog;

    /// <summary>Checks every capture, stores the images of the good ones and journals them; returns the report.</summary>
    public async Task<CaptureBatchResponse> IngestAsync(string source, IReadOnlyList<CaptureIngestItem?> items, DeviceScope scope, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var results = new CaptureIngestResult?[items.Count];
        var byCode = await devices.GetByGbCodesAsync(items.Select(i => i?.DeviceCode).OfType<string>().Where(GbCode.IsValid).Distinct(StringComparer.Ordinal), cancellationToken);
        var byId = (await devices.GetManyAsync([.. items.Select(i => i?.DeviceId).OfType<long>().Distinct()], cancellationToken)).ToDictionary(d => d.Id);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new List<(int Index, CaptureRecord Record)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var violations = new List<Violation>();
            if (item is null)
            {
                results[i] = new CaptureIngestResult(i, null, "rejected", null, [new Violation(string.Empty, ErrorCodes.Required)]);
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.SourceId) || item.SourceId.Length > 128)
            {
                violations.Add(new Violation("sourceId", string.IsNullOrWhiteSpace(item.SourceId) ? ErrorCodes.Required : ErrorCodes.Length, Range(1, 128)));
            }
            else if (!firstIndex.TryAdd(item.SourceId, i))
            {
                violations.Add(new Violation("sourceId", ErrorCodes.CaptureDuplicateInBatch, new Dictionary<string, object?> { ["value"] = item.SourceId }));
            }
            else if (_seen.TryGetValue((source, item.SourceId), out var existing))
            {
                results[i] = new CaptureIngestResult(i, item.SourceId, "duplicate", existing, null);
                continue;
            }

            var device = Device(item, byCode, byId, scope, violations);
            var type = item.Type;
            if (type is null)
            {
                violations.Add(new Violation("type", ErrorCodes.Required));
            }

            if (item.Time is not { } at)
            {
                violations.Add(new Violation("time", ErrorCodes.Required));
            }
            else if (at > now + options.Value.MaxFutureSkew)
            {
                violations.Add(new Violation("time", ErrorCodes.CaptureTimeInFuture));
            }
            else if (at < now.AddDays(-options.Value.RetentionDays))
            {
                violations.Add(new Violation("time", ErrorCodes.CaptureTooOld, new Dictionary<string, object?> { ["days"] = options.Value.RetentionDays }));
            }

            if (item.Box is { } box && (box.X < 0 || box.Y < 0 || box.Width <= 0 || box.Height <= 0 || box.Width > 20_000 || box.Height > 20_000))
            {
                violations.Add(new Violation("box", ErrorCodes.Range, Range(0, 20_000)));
            }

            if (type is { } t)
            {
                CheckAttributes(t, item.Attributes, violations);
                CheckVector(t, item.Vector, violations);
            }

            var image = CheckImage("image", item.Image, item.ImageUrl, required: true, violations);
            var scene = CheckImage("sceneImage", item.SceneImage, item.SceneImageUrl, required: false, violations);
            if (violations.Count > 0 || device is null || type is null)
            {
                results[i] = new CaptureIngestResult(i, item.SourceId, "rejected", null, violations);
                continue;
            }

            // Nothing of a rejected capture is stored: images only once the whole capture is good.
            var crop = image.Bytes is { } cropBytes ? await blobs.PutAsync(cropBytes, image.Header!.Extension, cancellationToken) : image.Url;
            var sceneRef = scene.Bytes is { } sceneBytes ? await blobs.PutAsync(sceneBytes, scene.Header!.Extension, cancellationToken) : scene.Url;
            pending.Add((i, new CaptureRecord(
                new Capture
                {
                    Id = 0,
                    Type = type.Value,
                    Source = source,
                    SourceId = item.SourceId!,
                    Time = DateTimeOffset.FromUnixTimeMilliseconds(item.Time!.Value.ToUnixTimeMilliseconds()),
                    DeviceId = device.Id,
                    DeviceCode = device.GbCode,
                    Box = item.Box,
                    CropImage = crop,
                    SceneImage = sceneRef,
                    Attributes = Normalise(item.Attributes),
                    IngestedAt = now,
                },
                item.Vector is null ? null : VectorMath.Normalised(item.Vector))));
        }

        await _append.WaitAsync(cancellationToken);
        try
        {
            // A concurrent batch may have taken a source id since the check above.
            var fresh = new List<(int Index, CaptureRecord Record)>();
            foreach (var (index, record) in pending)
            {
                if (_seen.TryGetValue((source, record.Capture.SourceId), out var existing))
                {
                    results[index] = new CaptureIngestResult(index, record.Capture.SourceId, "duplicate", existing, null);
                }
                else
                {
                    fresh.Add((index, record));
                }
            }

            var written = journal.Append([.. fresh.Select(f => f.Record)], r => Remember(r.Capture.Source, r.Capture.SourceId, r.Capture.Id, now));
            Forget(now.AddDays(-options.Value.DuplicateWindowDays));
            for (var k = 0; k < fresh.Count; k++)
            {
                results[fresh[k].Index] = new CaptureIngestResult(fresh[k].Index, written[k].Capture.SourceId, "accepted", written[k].Capture.Id, null);
            }
        }
        finally
        {
            _append.Release();
        }

        drain.Wake();
        var all = results.Select(r => r!).ToList();
        return new CaptureBatchResponse(all.Count(r => r.Status == "accepted"), all.Count(r => r.Status == "duplicate"), all.Count(r => r.Status == "rejected"), all);
    }

    public void Dispose()
    {
        _append.Dispose();
        _batches.Dispose();
    }

    /// <summary>True for a source name: 1 to 64 letters, digits, '-', '_', '.'.</summary>
    public static bool IsSourceName(string? source) => source is not null && SourcePattern().IsMatch(source);

    private static Dictionary<string, object?> Range(int min, int max) => new() { ["min"] = min, ["max"] = max };

    private static Device? Device(CaptureIngestItem item, IReadOnlyDictionary<string, Device> byCode, Dictionary<long, Device> byId, DeviceScope scope, List<Violation> violations)
    {
        Device? device = null;
        string field;
        object? value;
        if (item.DeviceCode is { Length: > 0 } code)
        {
            (field, value) = ("deviceCode", code);
            if (!GbCode.IsValid(code))
            {
                violations.Add(new Violation(field, ErrorCodes.Format));
                return null;
            }

            byCode.TryGetValue(code, out device);
        }
        else if (item.DeviceId is { } id)
        {
            (field, value) = ("deviceId", id);
            byId.TryGetValue(id, out device);
        }
        else
        {
            violations.Add(new Violation("deviceCode", ErrorCodes.Required));
            return null;
        }

        if (device is null || !scope.Includes(device.OrganisationId, device.Id))
        {
            violations.Add(new Violation(field, ErrorCodes.CaptureUnknownDevice, new Dictionary<string, object?> { ["value"] = value }));
            return null;
        }

        return device;
    }

    private static void CheckAttributes(CaptureType type, CaptureAttributes? attributes, List<Violation> violations)
    {
        if (attributes is null)
        {
            return;
        }

        foreach (var (name, attributeType, values) in CaptureVocabulary.Attributes.DistinctBy(a => (a.Name, a.Type)))
        {
            var value = CaptureVocabulary.Get(attributes, name);
            if (value is null || (attributeType != type && CaptureVocabulary.Attributes.Any(a => a.Name == name && a.Type == type)))
            {
                continue;
            }

            var field = "attributes." + name;
            if (attributeType != type)
            {
                violations.Add(new Violation(field, ErrorCodes.CaptureAttributeNotApplicable, new Dictionary<string, object?> { ["type"] = type.ToString().ToLowerInvariant(), ["value"] = name }));
            }
            else if (values is not null && !values.Contains(value, StringComparer.Ordinal))
            {
                violations.Add(new Violation(field, ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = value }));
            }
            else if (name == "plateNumber" && !Plates.IsValid(Plates.Normalise(value)))
            {
                violations.Add(new Violation(field, ErrorCodes.Format));
            }
            else if (name == "brand" && value.Length > 64)
            {
                violations.Add(new Violation(field, ErrorCodes.Length, Range(1, 64)));
            }
        }
    }

    private static CaptureAttributes Normalise(CaptureAttributes? attributes) =>
        attributes is null ? CaptureAttributes.None
        : attributes with { PlateNumber = attributes.PlateNumber is { Length: > 0 } plate ? Plates.Normalise(plate) : null, Brand = attributes.Brand?.Trim() };

    private void CheckVector(CaptureType type, float[]? vector, List<Violation> violations)
    {
        if (vector is null)
        {
            return;
        }

        var dimensions = vectorOptions.Value.Dimensions(type);
        if (vector.Length != dimensions)
        {
            violations.Add(new Violation("vector", ErrorCodes.CaptureVectorDimension, new Dictionary<string, object?>
            {
                ["value"] = vector.Length,
                ["type"] = type.ToString().ToLowerInvariant(),
                ["expected"] = dimensions,
            }));
        }
        else if (VectorChecks.Problem(vector, dimensions) is not null)
        {
            violations.Add(new Violation("vector", ErrorCodes.CaptureVectorInvalid));
        }
    }

    private (byte[]? Bytes, ImageHeader? Header, string? Url) CheckImage(string field, string? inline, string? url, bool required, List<Violation> violations)
    {
        if (inline is { Length: > 0 })
        {
            var maxBytes = options.Value.MaxImageMegabytes * 1024L * 1024L;
            if (inline.Length / 4 * 3 > maxBytes + 3)
            {
                violations.Add(new Violation(field, ErrorCodes.CaptureImageTooLarge, new Dictionary<string, object?> { ["max"] = options.Value.MaxImageMegabytes }));
                return default;
            }

            var bytes = new byte[(inline.Length / 4 * 3) + 3];
            if (!Convert.TryFromBase64String(inline, bytes, out var length))
            {
                violations.Add(new Violation(field, ErrorCodes.Format));
                return default;
            }

            var problem = CheckImageBytes(bytes.AsSpan(0, length), options.Value, out var header);
            if (problem is not null)
            {
                violations.Add(new Violation(field, problem.Value.Code, problem.Value.Args));
                return default;
            }

            return (bytes[..length], header, null);
        }

        var urlField = field + "Url";
        if (url is { Length: > 0 })
        {
            if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                violations.Add(new Violation(urlField, ErrorCodes.Format));
                return default;
            }

            return (null, null, url);
        }

        if (required)
        {
            violations.Add(new Violation(field, ErrorCodes.CaptureImageRequired));
        }

        return default;
    }

    /// <summary>Null when the bytes are an acceptable JPEG or PNG; otherwise the code and its arguments.</summary>
    internal static (string Code, Dictionary<string, object?>? Args)? CheckImageBytes(ReadOnlySpan<byte> bytes, CapturesOptions options, out ImageHeader? header)
    {
        header = null;
        if (bytes.Length > options.MaxImageMegabytes * 1024L * 1024L)
        {
            return (ErrorCodes.CaptureImageTooLarge, new Dictionary<string, object?> { ["max"] = options.MaxImageMegabytes });
        }

        header = ImageProbe.Read(bytes);
        if (header is null)
        {
            return (ErrorCodes.CaptureImageInvalid, null);
        }

        if (header.Pixels > options.MaxImageMegapixels * 1_000_000L)
        {
            return (ErrorCodes.CaptureImageTooManyPixels, new Dictionary<string, object?>
            {
                ["value"] = Math.Round(header.Pixels / 1_000_000.0, 1),
                ["max"] = options.MaxImageMegapixels,
            });
        }

        return null;
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loaded))
        {
            return;
        }

        await _append.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                foreach (var key in await store.SourceKeysSinceAsync(time.GetUtcNow().AddDays(-options.Value.DuplicateWindowDays), cancellationToken))
                {
                    Remember(key.Source, key.SourceId, key.Id, time.GetUtcNow());
                }

                // Captures acknowledged but not yet stored are in the journal.
                var after = await store.MaxCaptureIdAsync(cancellationToken);
                journal.ContinueAfter(after);
                while (journal.ReadAfter(after, 10_000) is { Count: > 0 } waiting)
                {
                    foreach (var record in waiting)
                    {
                        Remember(record.Capture.Source, record.Capture.SourceId, record.Capture.Id, record.Capture.IngestedAt);
                    }

                    after = waiting[^1].Capture.Id;
                }

                Volatile.Write(ref _loaded, true);
            }
        }
        finally
        {
            _append.Release();
        }
    }

    private void Remember(string source, string sourceId, long id, DateTimeOffset at)
    {
        if (_seen.TryAdd((source, sourceId), id))
        {
            _seenOrder.Enqueue((at, (source, sourceId)));
        }
    }

    /// <summary>Drops source ids remembered before <paramref name="cutoff"/> (the store still refuses them).</summary>
    private void Forget(DateTimeOffset cutoff)
    {
        while (_seenOrder.TryPeek(out var oldest) && oldest.At < cutoff && _seenOrder.TryDequeue(out oldest))
        {
            _seen.TryRemove(oldest.Key, out _);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SourcePattern();
}

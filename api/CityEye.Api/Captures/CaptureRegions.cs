using System.Globalization;
using CityEye.Core.Devices;
using CityEye.Core.Geo;
using CityEye.Core.Organisations;

namespace CityEye.Api.Captures;

/// <summary>
/// Turns the caller's device scope and a request's region (device ids, an organisation with its sub-units, a map
/// polygon) into the set of devices captures may come from: null when the caller sees the whole district and asked
/// for no region (no filter at all), otherwise the exact set (possibly empty).
/// </summary>
internal sealed class CaptureRegions(DeviceStore devices, OrganisationStore organisations)
{
    public async Task<IReadOnlySet<long>?> ResolveAsync(DeviceScope scope, string? deviceIds, long? organisationId, string? polygon, CancellationToken cancellationToken)
    {
        var ids = ParseIds(deviceIds) ?? [];
        var ring = ParsePolygon(polygon) ?? [];
        if (scope.IsAll && ids.Count == 0 && organisationId is null && ring.Length == 0)
        {
            return null;
        }

        IEnumerable<(long Id, long OrganisationId, double Longitude, double Latitude)> located = await devices.LocatedAsync(scope, cancellationToken);
        if (ids.Count > 0)
        {
            located = located.Where(d => ids.Contains(d.Id));
        }

        if (organisationId is { } unit)
        {
            var tree = await organisations.ListAsync(DeviceScope.None, cancellationToken);
            var units = new HashSet<long> { unit };
            bool grew;
            do
            {
                grew = false;
                foreach (var o in tree)
                {
                    if (o.ParentId is { } parent && units.Contains(parent) && units.Add(o.Id))
                    {
                        grew = true;
                    }
                }
            }
            while (grew);
            located = located.Where(d => units.Contains(d.OrganisationId));
        }

        if (ring.Length > 0)
        {
            located = located.Where(d => GeoRing.Contains(ring, d.Longitude, d.Latitude));
        }

        return located.Select(d => d.Id).ToHashSet();
    }

    /// <summary>Comma-separated device ids (at most 1,000); empty for none; null when malformed.</summary>
    public static HashSet<long>? ParseIds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var ids = new HashSet<long>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return null;
            }

            ids.Add(id);
        }

        return ids.Count is 0 or > 1000 ? null : ids;
    }

    /// <summary>A polygon as <c>lng,lat;lng,lat;…</c> (3 to 500 points); empty for none; null when malformed.</summary>
    public static GeoPoint[]? ParsePolygon(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var points = new List<GeoPoint>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(',');
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
                || longitude is < -180 or > 180 || latitude is < -90 or > 90)
            {
                return null;
            }

            points.Add(new GeoPoint(longitude, latitude));
        }

        return points.Count is < 3 or > 500 ? null : [.. points];
    }
}

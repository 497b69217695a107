using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Groups;
using CityEye.Core.Storage;
using CityEye.Core.Tags;
using Dapper;

namespace CityEye.Indexers.DeviceIndexing;

/// <summary>Builds search documents from ledger devices, with the ancestors of their unit and business group.</summary>
public sealed class DeviceDocumentBuilder(Database database) : IDeviceReader
{
    /// <summary>
    /// Reads the organisation, group and tag trees once per batch (all small) and the labels of the batch's devices;
    /// a device's tags are its labels and their ancestors (a place name carries its part and type).
    /// </summary>
    [Unscoped("reads the unit, group and tag trees and labels; documents of every device go to the index, which applies the caller's scope on every search")]
    public async Task<Func<Device, DeviceDocument>> PrepareAsync(IReadOnlyCollection<long> deviceIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var organisations = (await connection.QueryAsync<(long, long?)>(new CommandDefinition("SELECT id, parent_id FROM organisations", cancellationToken: cancellationToken))).ToList();
        var groups = (await connection.QueryAsync<(long, long?)>(new CommandDefinition("SELECT id, parent_id FROM business_groups", cancellationToken: cancellationToken))).ToList();
        var tags = (await connection.QueryAsync<(long, long?)>(new CommandDefinition("SELECT id, parent_id FROM tags WHERE state = 'active'", cancellationToken: cancellationToken))).ToList();
        var labels = await LabelStore.TagIdsAsync(connection, database, deviceIds, cancellationToken);
        var organisationAncestors = Trees.Ancestors(organisations);
        var groupAncestors = Trees.Ancestors(groups);
        var tagAncestors = Trees.Ancestors(tags);
        var active = tags.Select(t => t.Item1).ToHashSet();
        return device => Build(device, organisationAncestors.GetValueOrDefault(device.OrganisationId) ?? [], device.BusinessGroupId is { } g ? groupAncestors.GetValueOrDefault(g) ?? [] : []) with
        {
            TagIds = labels.TryGetValue(device.Id, out var own)
                ? [.. own.Where(active.Contains).SelectMany(t => (tagAncestors.GetValueOrDefault(t) ?? []).Append(t)).Distinct().Order()]
                : [],
        };
    }

    [Unscoped("maps one device the caller already holds")]
    public static DeviceDocument Build(Device device, IReadOnlyList<long> organisationAncestors, IReadOnlyList<long> groupAncestors)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new DeviceDocument
        {
            Id = device.Id,
            GbCode = device.GbCode,
            Name = device.Name,
            KeyboardCode = device.KeyboardCode,
            Address = device.Address,
            Type = device.Type.ToString(),
            Status = device.Status.ToString(),
            Manufacturer = device.Manufacturer,
            Region = device.Region,
            OrganisationId = device.OrganisationId,
            OrganisationPath = organisationAncestors,
            BusinessGroupId = device.BusinessGroupId,
            BusinessGroupPath = groupAncestors,
            NetworkingLevel = device.NetworkingLevel,
            Attributes = device.Attributes,
            Longitude = device.Longitude,
            Latitude = device.Latitude,
            UpdatedAt = device.UpdatedAt,
        };
    }
}

using CityEye.Core.Devices.Rules;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Api.Devices;

/// <summary>
/// Display names of the ids and codes that device lists show (units, business groups, dictionary codes), cached for
/// a few seconds so that a burst of searches does not re-read them.
/// </summary>
internal sealed class ReferenceNames(Database database, LedgerCatalog catalog, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);
    private volatile Snapshot? _snapshot;

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } current && time.GetUtcNow() - current.At < Lifetime)
        {
            return current;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var organisations = (await connection.QueryAsync<(long, string)>(new CommandDefinition("SELECT id, name FROM organisations", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Item1, r => r.Item2);
        var groups = (await connection.QueryAsync<(long, string)>(new CommandDefinition("SELECT id, name FROM business_groups", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Item1, r => r.Item2);
        var dictionary = (await catalog.ListDictionaryItemsAsync(null, cancellationToken))
            .ToDictionary(i => (i.Dictionary, i.Code), i => i.Label);
        var snapshot = new Snapshot(time.GetUtcNow(), organisations, groups, dictionary);
        _snapshot = snapshot;
        return snapshot;
    }

    public void Invalidate() => _snapshot = null;

    internal sealed record Snapshot(
        DateTimeOffset At,
        IReadOnlyDictionary<long, string> Organisations,
        IReadOnlyDictionary<long, string> BusinessGroups,
        IReadOnlyDictionary<(string Dictionary, string Code), string> Dictionary)
    {
        public string Label(string dictionary, string code) => Dictionary.GetValueOrDefault((dictionary, code), code);
    }
}

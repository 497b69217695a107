using System.Collections.Concurrent;

namespace CityEye.Core.Storage;

/// <summary>
/// What each engine and start-up step reports about itself. The node is ready when every registered check is
/// ready; /readyz answers 503 until then so load balancers keep traffic away.
/// </summary>
public sealed class ReadinessRegistry
{
    private readonly ConcurrentDictionary<string, ReadinessCheck> _checks = new(StringComparer.Ordinal);

    public void Set(string name, ReadinessState state, string? detail = null, bool publicDetail = false) => _checks[name] = new ReadinessCheck(state, detail, publicDetail);

    public IReadOnlyDictionary<string, ReadinessCheck> Snapshot() =>
        _checks.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    public bool IsReady => !_checks.IsEmpty && _checks.Values.All(c => c.State == ReadinessState.Ready);
}

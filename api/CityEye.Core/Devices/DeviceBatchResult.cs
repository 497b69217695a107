namespace CityEye.Core.Devices;

/// <summary>Outcome of a batch write: the ids written, or the problems that stopped the batch.</summary>
public sealed record DeviceBatchResult(IReadOnlyList<long> Ids, IReadOnlyList<DeviceRowProblems> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

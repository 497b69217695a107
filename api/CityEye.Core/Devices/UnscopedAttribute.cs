namespace CityEye.Core.Devices;

/// <summary>
/// Declares that a method of an <see cref="IDeviceReader"/> deliberately reads across the whole ledger without a
/// <see cref="DeviceScope"/> (uniqueness checks, writes, system jobs), and why. Never for anything a user sees.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class UnscopedAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

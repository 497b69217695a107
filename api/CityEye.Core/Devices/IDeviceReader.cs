namespace CityEye.Core.Devices;

/// <summary>
/// Marks a store, index or engine that reads devices or data about them (captures, logs, vectors). Every public
/// method of such a type that returns data takes a <see cref="DeviceScope"/>, unless it is marked
/// <see cref="UnscopedAttribute"/> with the reason; a convention test enforces both.
/// </summary>
#pragma warning disable CA1040 // A marker the convention test reads; it has no members by design.
public interface IDeviceReader;
#pragma warning restore CA1040

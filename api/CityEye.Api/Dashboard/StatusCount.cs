using CityEye.Core.Domain;

namespace CityEye.Api.Dashboard;

public sealed record StatusCount(DeviceStatus Status, int Count);

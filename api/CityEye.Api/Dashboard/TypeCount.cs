using CityEye.Core.Domain;

namespace CityEye.Api.Dashboard;

public sealed record TypeCount(DeviceType Type, int Count, int Online);

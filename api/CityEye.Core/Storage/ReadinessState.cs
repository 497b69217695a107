namespace CityEye.Core.Storage;

/// <summary>State of one engine or start-up step as /readyz reports it.</summary>
public enum ReadinessState
{
    Starting,
    Ready,
    Failed,
}

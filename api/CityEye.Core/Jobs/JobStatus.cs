namespace CityEye.Core.Jobs;

/// <summary>Life cycle of a long-running job.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

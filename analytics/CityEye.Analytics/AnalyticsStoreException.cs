namespace CityEye.Analytics;

/// <summary>The analytics engine refused a statement or could not be reached.</summary>
public sealed class AnalyticsStoreException : Exception
{
    public AnalyticsStoreException()
    {
    }

    public AnalyticsStoreException(string message)
        : base(message)
    {
    }

    public AnalyticsStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

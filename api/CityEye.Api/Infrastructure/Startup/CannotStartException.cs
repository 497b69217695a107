namespace CityEye.Api.Infrastructure.Startup;

/// <summary>Start-up cannot go on: bad configuration, an unusable data folder, a refused first password.</summary>
public sealed class CannotStartException : Exception
{
    public CannotStartException()
    {
    }

    public CannotStartException(string message)
        : base(message)
    {
    }

    public CannotStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace CityEye.Core.Auth;

/// <summary>Too many sign-ins are waiting for a password-hashing thread; the caller should retry shortly (429).</summary>
public sealed class PasswordHashingBusyException : Exception
{
    public PasswordHashingBusyException()
        : base("Too many sign-ins are being checked; try again shortly.")
    {
    }

    public PasswordHashingBusyException(string message)
        : base(message)
    {
    }

    public PasswordHashingBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

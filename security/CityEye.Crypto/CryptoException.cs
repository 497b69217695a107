namespace CityEye.Crypto;

/// <summary>
/// Input the cryptography service cannot use: malformed DER or PEM, a key on another curve, a truncated or altered
/// ciphertext, a wrong key. <see cref="Code"/> is a stable error code (crypto.*) the API returns and the SPA translates.
/// </summary>
public sealed class CryptoException : Exception
{
    public CryptoException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public CryptoException() : this(CryptoErrors.Malformed, "Invalid cryptographic input.") { }

    public CryptoException(string message) : this(CryptoErrors.Malformed, message) { }

    public CryptoException(string message, Exception inner) : this(CryptoErrors.Malformed, message, inner) { }

    /// <summary>The stable error code, one of <see cref="CryptoErrors"/>.</summary>
    public string Code { get; }
}

/// <summary>The error codes of <see cref="CryptoException"/>.</summary>
public static class CryptoErrors
{
    /// <summary>Not valid DER/PEM/hex of the expected structure.</summary>
    public const string Malformed = "crypto.malformed";
    /// <summary>An elliptic-curve key or certificate that is not on the SM2 curve (sm2p256v1).</summary>
    public const string WrongCurve = "crypto.wrongCurve";
    /// <summary>A signature algorithm other than SM2 with SM3.</summary>
    public const string WrongAlgorithm = "crypto.wrongAlgorithm";
    /// <summary>A ciphertext that is truncated, altered or was made with another key.</summary>
    public const string DecryptFailed = "crypto.decryptFailed";
    /// <summary>A key of the wrong length for the algorithm.</summary>
    public const string KeyLength = "crypto.keyLength";
}

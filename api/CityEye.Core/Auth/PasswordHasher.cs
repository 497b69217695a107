using System.Globalization;
using System.Security.Cryptography;

namespace CityEye.Core.Auth;

/// <summary>
/// Salted PBKDF2-HMAC-SHA512 password hashes in the self-describing form
/// <c>pbkdf2-sha512$iterations$salt$hash</c> (base64), so the cost can be raised without breaking old hashes.
/// </summary>
/// <remarks>210,000 iterations follows OWASP's 2023 guidance for PBKDF2-HMAC-SHA512.</remarks>
public sealed class PasswordHasher(int iterations = PasswordHasher.DefaultIterations)
{
    public const int DefaultIterations = 210_000;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(encoded);
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) || rounds < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, rounds, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the same time as a real verification, so unknown user names can't be told apart by timing.</summary>
    public void VerifyNothing(string password)
    {
        Rfc2898DeriveBytes.Pbkdf2(password ?? string.Empty, new byte[SaltBytes], iterations, HashAlgorithmName.SHA512, HashBytes);
    }
}

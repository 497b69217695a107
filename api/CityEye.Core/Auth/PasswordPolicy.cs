using CityEye.Core.Validation;

namespace CityEye.Core.Auth;

/// <summary>
/// The password rules (MLPS level 3 identification): minimum length, character classes, not the user name (nor
/// reversed), not one of the last <see cref="AuthOptions.PasswordHistory"/> passwords (<see cref="PasswordService"/> checks that one). Applied to every password that
/// is set: the first administrator's, a user's own change, an administrator's reset, imports.
/// </summary>
public sealed class PasswordPolicy(AuthOptions options)
{
    /// <summary>Longest password accepted anywhere (the sign-in form and every API).</summary>
    public const int MaxLength = 128;

    /// <summary>The rules <paramref name="password"/> breaks, as violations of the field <c>newPassword</c>.</summary>
    /// <param name="username">The account's user name.</param>
    /// <param name="password">The proposed password.</param>
    /// <param name="field">The field the violations name.</param>
    public IReadOnlyList<Violation> Check(string username, string password, string field = "newPassword")
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var violations = new List<Violation>();
        if (password.Length < options.PasswordMinLength)
        {
            violations.Add(new Violation(field, ErrorCodes.PasswordTooShort, new Dictionary<string, object?> { ["min"] = options.PasswordMinLength }));
        }
        else if (password.Length > MaxLength)
        {
            violations.Add(new Violation(field, ErrorCodes.Length, new Dictionary<string, object?> { ["min"] = options.PasswordMinLength, ["max"] = MaxLength }));
        }

        var classes = (password.Any(char.IsAsciiLetterUpper) ? 1 : 0) + (password.Any(char.IsAsciiLetterLower) ? 1 : 0)
            + (password.Any(char.IsAsciiDigit) ? 1 : 0) + (password.Any(c => !char.IsAsciiLetterOrDigit(c)) ? 1 : 0);
        if (classes < options.PasswordMinClasses)
        {
            violations.Add(new Violation(field, ErrorCodes.PasswordClasses, new Dictionary<string, object?> { ["min"] = options.PasswordMinClasses }));
        }

        var name = username.Trim();
        if (name.Length > 0 && (password.Equals(name, StringComparison.OrdinalIgnoreCase) || password.Equals(new string([.. name.Reverse()]), StringComparison.OrdinalIgnoreCase)))
        {
            violations.Add(new Violation(field, ErrorCodes.PasswordIsUsername));
        }

        return violations;
    }

    /// <summary>The violation of the history rule (checked by <see cref="PasswordService"/>, which has the hashes).</summary>
    public Violation Reused(string field = "newPassword") =>
        new(field, ErrorCodes.PasswordReused, new Dictionary<string, object?> { ["count"] = options.PasswordHistory });
}

using System.ComponentModel.DataAnnotations;

namespace CityEye.Core.Validation;

/// <summary>
/// A <see cref="ValidationResult"/> that carries an error code and its arguments, for
/// <see cref="IValidatableObject.Validate"/> of request records.
/// </summary>
public sealed class CodedValidationResult(string field, string code, IReadOnlyDictionary<string, object?>? args = null)
    : ValidationResult(ErrorCodes.Describe(code, args), [field])
{
    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?>? Args { get; } = args;
}

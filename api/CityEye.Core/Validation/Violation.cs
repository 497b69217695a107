namespace CityEye.Core.Validation;

/// <summary>
/// One broken rule: which field, which rule (<see cref="ErrorCodes"/>), and the values the message needs (e.g.
/// <c>max</c>). The API sends it in ProblemDetails <c>violations</c>; the SPA translates <see cref="Code"/> with
/// vue-i18n. Field names are the JSON (camelCase) names.
/// </summary>
public sealed record Violation(string Field, string Code, IReadOnlyDictionary<string, object?>? Args = null)
{
    /// <summary>An English sentence for API clients and logs; users see the SPA's translation of the code.</summary>
    public string Message => ErrorCodes.Describe(Code, Args);
}

using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using CityEye.Core.Validation;

namespace CityEye.Api.Infrastructure.Validation;

/// <summary>
/// The one validation pattern: request records (bodies and <c>[AsParameters]</c> query records) declare their rules
/// with DataAnnotations on their properties (<c>[property: Required]</c>) and cross-field rules with
/// <see cref="IValidatableObject"/> returning <see cref="CodedValidationResult"/>. This endpoint filter checks every
/// such argument before the handler runs and answers 400 with <c>{ field, code, args }</c> violations; domain rules
/// that need the store are checked by services and reported the same way (<see cref="Problems.Validation(IReadOnlyCollection{Violation})"/>).
/// </summary>
internal static class RequestValidation
{
    private static readonly ConcurrentDictionary<Type, PropertyRules[]> Rules = new();

    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var validated = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => IsValidatable(p.parameter.ParameterType))
            .Select(p => p.index)
            .ToArray();
        if (validated.Length == 0)
        {
            return next;
        }

        return async invocation =>
        {
            var violations = new List<Violation>();
            foreach (var index in validated)
            {
                if (invocation.Arguments[index] is { } argument)
                {
                    violations.AddRange(Validate(argument));
                }
            }

            return violations.Count > 0 ? Problems.Validation(violations) : await next(invocation);
        };
    }

    /// <summary>Every broken rule of <paramref name="instance"/>: attributes first, then its own cross-field rules.</summary>
    public static IReadOnlyList<Violation> Validate(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var violations = new List<Violation>();
        foreach (var rules in RulesOf(instance.GetType()))
        {
            var value = rules.Property.GetValue(instance);
            foreach (var attribute in rules.Attributes)
            {
                if (!attribute.IsValid(value))
                {
                    violations.Add(ToViolation(rules.Field, attribute, value));
                    break; // one rule per field at a time: "required" makes "length" noise
                }
            }
        }

        if (violations.Count == 0 && instance is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(instance)))
            {
                violations.Add(result is CodedValidationResult coded
                    ? new Violation(Problems.JsonName(coded.MemberNames.FirstOrDefault() ?? string.Empty), coded.Code, coded.Args)
                    : new Violation(Problems.JsonName(result.MemberNames.FirstOrDefault() ?? string.Empty), ErrorCodes.Format));
            }
        }

        return violations;
    }

    private static bool IsValidatable(Type type) =>
        typeof(IValidatableObject).IsAssignableFrom(type) || RulesOf(type).Length > 0;

    private static PropertyRules[] RulesOf(Type type) => Rules.GetOrAdd(type, t =>
        // Framework types (HttpContext, CancellationToken, strings) carry no request rules; every CityEye type may.
        t.IsPrimitive || t.Namespace is null || t.Namespace.StartsWith("System", StringComparison.Ordinal) || t.Namespace.StartsWith("Microsoft", StringComparison.Ordinal)
            ? []
            : [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => new PropertyRules(p, Problems.JsonName(p.Name), [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true).OrderBy(a => a is RequiredAttribute ? 0 : 1)]))
                .Where(r => r.Attributes.Length > 0)]);

    private static Violation ToViolation(string field, ValidationAttribute attribute, object? value) => attribute switch
    {
        RequiredAttribute => new Violation(field, ErrorCodes.Required),
        StringLengthAttribute length => new Violation(field, ErrorCodes.Length, Args(("min", length.MinimumLength), ("max", length.MaximumLength))),
        MaxLengthAttribute max => new Violation(field, ErrorCodes.Length, Args(("min", 0), ("max", max.Length))),
        MinLengthAttribute min => new Violation(field, ErrorCodes.Length, Args(("min", min.Length), ("max", null))),
        RangeAttribute range => new Violation(field, ErrorCodes.Range, Args(("min", range.Minimum), ("max", range.Maximum))),
        AllowedValuesAttribute or DeniedValuesAttribute => new Violation(field, ErrorCodes.UnknownValue, Args(("value", value))),
        _ => new Violation(field, ErrorCodes.Format),
    };

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    private sealed record PropertyRules(PropertyInfo Property, string Field, ValidationAttribute[] Attributes);
}

namespace ModelOperator.Api.Schema;

/// <summary>
/// The field's or type's description in the OpenAPI schema; <c>kubectl explain</c> and the reference doc show it.
/// Every property of a schema type must carry one (the generator refuses to emit a field without it).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, Inherited = false)]
public sealed class DescriptionAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>The field must be present (OpenAPI <c>required</c> on the enclosing object).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RequiredAttribute : Attribute;

/// <summary>
/// The value the API server fills in when the field is absent (OpenAPI <c>default</c>). Scalars are given as
/// themselves; an object or list default is given as JSON with <see cref="DefaultJsonAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DefaultAttribute : Attribute
{
    public DefaultAttribute(string value) => Value = value;

    public DefaultAttribute(int value) => Value = value;

    public DefaultAttribute(double value) => Value = value;

    public DefaultAttribute(bool value) => Value = value;

    public object Value { get; }
}

/// <summary>An object or list default written as JSON, e.g. <c>{"replicas":{}}</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DefaultJsonAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

/// <summary>Inclusive numeric bounds (OpenAPI <c>minimum</c> / <c>maximum</c>); use NaN for "no bound".</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;

    public double Maximum { get; } = maximum;

    /// <summary>When true the minimum itself is not allowed (OpenAPI <c>exclusiveMinimum</c>).</summary>
    public bool ExclusiveMinimum { get; init; }

    /// <summary>
    /// What is allowed in words, completing "use …" in the validator's message, with <c>{0}</c> for the minimum and
    /// <c>{1}</c> for the maximum (so the numbers stay in one place), e.g. <c>a percentage from {0} to {1}</c>. Without it,
    /// <c>{0} to {1}</c>, <c>{0} or more</c> or <c>more than {0} and at most {1}</c>.
    /// </summary>
    public string? Allowed { get; init; }
}

/// <summary>A regular expression the string must match (OpenAPI <c>pattern</c>, ECMA-262 dialect).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>String length bounds (OpenAPI <c>minLength</c> / <c>maxLength</c>); -1 for "no bound".</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LengthAttribute(int minLength, int maxLength) : Attribute
{
    public int MinLength { get; } = minLength;

    public int MaxLength { get; } = maxLength;
}

/// <summary>
/// List length bounds (OpenAPI <c>minItems</c> / <c>maxItems</c>), or on a map its entry bounds (<c>minProperties</c> /
/// <c>maxProperties</c>); 0 minimum and -1 maximum mean "no bound".
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ItemsAttribute(int minItems, int maxItems) : Attribute
{
    public int MinItems { get; } = minItems;

    public int MaxItems { get; } = maxItems;
}

/// <summary>
/// The string must be one of the public <c>const string</c> fields of <paramref name="constants"/>
/// (OpenAPI <c>enum</c>), so the constant class stays the one place the values are written.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EnumAttribute(Type constants) : Attribute
{
    public Type Constants { get; } = constants;
}

/// <summary>The string is a Go/Kubernetes duration such as <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c> (pattern and format <c>duration</c>).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DurationAttribute : Attribute
{
    /// <summary>The longest duration text (OpenAPI <c>maxLength</c>): far more than any sensible duration, and a bound on the pattern's work.</summary>
    public const int MaxLength = 64;
}

/// <summary>
/// Bounds on the keys and values of a string map: the values' <c>maxLength</c> and, as a CEL rule on the map (OpenAPI
/// has no key schema in a structural CRD), the keys' length.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MapBoundsAttribute(int maxKeyLength, int maxValueLength) : Attribute
{
    public int MaxKeyLength { get; } = maxKeyLength;

    public int MaxValueLength { get; } = maxValueLength;

    /// <summary>The CEL rule the schema carries for the keys.</summary>
    public string KeyRule => $"self.all(k, size(k) >= 1 && size(k) <= {MaxKeyLength})";
}

/// <summary>
/// A CEL rule on the object the type describes (OpenAPI <c>x-kubernetes-validations</c>). <c>self</c> is the object;
/// <paramref name="message"/> names the fields and what is allowed. <see cref="FieldPath"/> points the error at a field.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    /// <summary>Optional JSONPath-like field the failure is reported on, e.g. <c>.maxReplicas</c>.</summary>
    public string? FieldPath { get; init; }
}

/// <summary>A list whose items are identified by the given keys (<c>x-kubernetes-list-type: map</c>).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>The description of each item of a list or each value of a map whose item type has no description of its own.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ItemDescriptionAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

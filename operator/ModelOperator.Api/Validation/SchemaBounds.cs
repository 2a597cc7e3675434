using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using ModelOperator.Api.Schema;

namespace ModelOperator.Api.Validation;

/// <summary>
/// The bounds the schema attributes declare (<see cref="LengthAttribute"/>, <see cref="ItemsAttribute"/>,
/// <see cref="DurationAttribute"/>, <see cref="MapBoundsAttribute"/>, <see cref="RangeAttribute"/>), checked on an object
/// the way the CRD checks them, so that an object the API server did not validate cannot blow up what the operator
/// writes from it, and so that each number is written once, on the API type. Sizes are checked for their maximum only:
/// a missing or empty value has its own, more specific message in <see cref="ModelDeploymentValidator"/>.
/// </summary>
internal static class SchemaBounds
{
    private static readonly ConcurrentDictionary<Type, Bound[]> Bounds = new();

    /// <summary>Adds a problem for every bound <paramref name="value"/> (an API type) or anything under it exceeds.</summary>
    public static void Check(object? value, string path, List<FieldProblem> problems)
    {
        if (value is null)
        {
            return;
        }

        foreach (var bound in Bounds.GetOrAdd(value.GetType(), Read))
        {
            var at = $"{path}.{bound.Name}";
            switch (bound.Property.GetValue(value))
            {
                case null:
                    break;
                case IConvertible number when bound.Range is { } range && number is int or long or double:
                    CheckRange(at, number.ToDouble(CultureInfo.InvariantCulture), range, problems);
                    break;
                case string text when text.Length > bound.MaxLength:
                    problems.Add(new(at, $"has {text.Length} characters; at most {bound.MaxLength} are allowed"));
                    break;
                case IReadOnlyDictionary<string, string> map:
                    CheckMap(at, map, bound, problems);
                    break;
                case IList list:
                    if (list.Count > bound.MaxItems)
                    {
                        problems.Add(new(at, $"has {list.Count} items; at most {bound.MaxItems} are allowed"));
                    }

                    for (var i = 0; i < list.Count; i++)
                    {
                        if (IsApiType(list[i]))
                        {
                            Check(list[i], $"{at}[{i}]", problems);
                        }
                    }

                    break;
                case var nested when IsApiType(nested):
                    Check(nested, at, problems);
                    break;
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is within the [Range] of <paramref name="type"/>'s <paramref name="property"/> (true without one).</summary>
    public static bool Allows(Type type, string property, double value) =>
        RangeOf(type, property) is not { } range || InRange(value, range);

    /// <summary>What the [Range] of <paramref name="type"/>'s <paramref name="property"/> allows, in words.</summary>
    public static string Allowed(Type type, string property) =>
        Allowed(RangeOf(type, property) ?? throw new ArgumentException($"{type.Name}.{property} has no [Range]", nameof(property)));

    private static RangeAttribute? RangeOf(Type type, string property) =>
        Bounds.GetOrAdd(type, Read).FirstOrDefault(b => b.Property.Name == property)?.Range;

    private static bool InRange(double value, RangeAttribute range) =>
        double.IsFinite(value)
        && (double.IsNaN(range.Minimum) || (range.ExclusiveMinimum ? value > range.Minimum : value >= range.Minimum))
        && (double.IsNaN(range.Maximum) || value <= range.Maximum);

    /// <summary>NaN and infinities are out of every range (the CRD's JSON cannot carry them either).</summary>
    private static void CheckRange(string at, double value, RangeAttribute range, List<FieldProblem> problems)
    {
        if (!InRange(value, range))
        {
            problems.Add(new(at, $"{Show(value)} is out of range; use {Allowed(range)}"));
        }
    }

    /// <summary>What a range allows, in the words of the message (<see cref="RangeAttribute.Allowed"/>).</summary>
    internal static string Allowed(RangeAttribute range)
    {
        var format = range.Allowed ?? (double.IsNaN(range.Maximum) ? "{0} or more"
            : range.ExclusiveMinimum ? "more than {0} and at most {1}"
            : "{0} to {1}");
        return string.Format(CultureInfo.InvariantCulture, format, Show(range.Minimum), Show(range.Maximum));
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void CheckMap(string at, IReadOnlyDictionary<string, string> map, Bound bound, List<FieldProblem> problems)
    {
        if (map.Count > bound.MaxItems)
        {
            problems.Add(new(at, $"has {map.Count} entries; at most {bound.MaxItems} are allowed"));
        }

        foreach (var (key, entry) in map)
        {
            if (key.Length > bound.MaxKeyLength)
            {
                problems.Add(new(at, $"has a key of {key.Length} characters; at most {bound.MaxKeyLength} are allowed"));
            }

            if (entry is not null && entry.Length > bound.MaxLength)
            {
                problems.Add(new($"{at}[{Shorten(key)}]", $"has {entry.Length} characters; at most {bound.MaxLength} are allowed"));
            }
        }
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";

    private static bool IsApiType(object? value) => value is not null && value.GetType().Namespace == typeof(ModelDeployment).Namespace;

    private static Bound[] Read(Type type) =>
        [.. SchemaBuilder.SchemaProperties(type).Select(p =>
        {
            var map = p.GetCustomAttribute<MapBoundsAttribute>();
            var length = p.GetCustomAttribute<LengthAttribute>()?.MaxLength
                ?? (p.GetCustomAttribute<DurationAttribute>() is null ? -1 : DurationAttribute.MaxLength);
            return new Bound(p, SchemaBuilder.JsonName(p),
                MaxLength: map?.MaxValueLength ?? (length < 0 ? int.MaxValue : length),
                MaxItems: p.GetCustomAttribute<ItemsAttribute>()?.MaxItems is { } items and >= 0 ? items : int.MaxValue,
                MaxKeyLength: map?.MaxKeyLength ?? int.MaxValue,
                Range: p.GetCustomAttribute<RangeAttribute>());
        })];

    private sealed record Bound(PropertyInfo Property, string Name, int MaxLength, int MaxItems, int MaxKeyLength, RangeAttribute? Range);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// CEL values as CLR objects (null, bool, long, ulong, double, string, byte[], <see cref="List{T}"/> of values,
/// <see cref="Dictionary{TKey, TValue}"/> keyed by values), their conversion from JSON under a structural schema as
/// Kubernetes converts them (an <c>integer</c> is an int, a <c>number</c> a double even when written 1), and CEL's
/// equality and ordering (numbers compare across int, uint and double; other kinds only with their own).
/// </summary>
internal static class CelValues
{
    /// <summary>
    /// The CEL value of <paramref name="node"/>; <paramref name="schema"/> decides numbers' types (null: as written).
    /// At the root of a resource, metadata shows only name and generateName, as in a real server.
    /// </summary>
    public static object? FromJson(JsonNode? node, JsonObject? schema, bool resourceRoot = false)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                var map = new Dictionary<object, object?>();
                var properties = schema?.GetObject("properties");
                var additional = schema?.GetObject("additionalProperties");
                foreach (var (name, child) in o)
                {
                    if (resourceRoot && name == "metadata" && child is JsonObject meta)
                    {
                        map[name] = RootMetadata(meta);
                        continue;
                    }

                    map[name] = FromJson(child, properties?.GetObject(name) ?? additional);
                }

                return map;
            case JsonArray a:
                var items = schema?.GetObject("items");
                return a.Select(item => FromJson(item, items)).ToList();
        }

        var value = (JsonValue)node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                var type = schema?.GetString("type");
                if (type == "number")
                {
                    return JsonHelpers.AsDouble(value) ?? 0d;
                }

                // Boxed apart: a conditional of long and double would widen the long to a double.
                if (JsonHelpers.AsInt64(value) is { } l)
                {
                    return l;
                }

                return JsonHelpers.AsDouble(value) ?? 0d;
            default:
                return null;
        }
    }

    private static Dictionary<object, object?> RootMetadata(JsonObject meta)
    {
        var map = new Dictionary<object, object?>();
        foreach (var field in new[] { "name", "generateName" })
        {
            if (meta.GetString(field) is { } text)
            {
                map[field] = text;
            }
        }

        return map;
    }

    /// <summary>CEL's type name of a value, as error messages and <c>string()</c> of types name it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "null_type",
        bool => "bool",
        long => "int",
        ulong => "uint",
        double => "double",
        string => "string",
        byte[] => "bytes",
        List<object?> => "list",
        Dictionary<object, object?> => "map",
        _ => value.GetType().Name,
    };

    /// <summary>CEL equality: numbers by value across int, uint and double; lists and maps element-wise; other kinds never equal.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }

        switch (a)
        {
            case bool x when b is bool y:
                return x == y;
            case string x when b is string y:
                return string.Equals(x, y, StringComparison.Ordinal);
            case byte[] x when b is byte[] y:
                return x.AsSpan().SequenceEqual(y);
            case List<object?> x when b is List<object?> y:
                return x.Count == y.Count && x.Zip(y).All(p => AreEqual(p.First, p.Second));
            case Dictionary<object, object?> x when b is Dictionary<object, object?> y:
                return x.Count == y.Count && x.All(e => TryGet(y, e.Key, out var other) && AreEqual(e.Value, other));
            default:
                return false;
        }
    }

    /// <summary>CEL ordering for <c>&lt;</c>, <c>&gt;</c> and the list min/max/isSorted functions; other kinds have no overload.</summary>
    public static int Compare(object? a, object? b, string function)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            var c = CompareNumbers(a!, b!);
            return c ?? throw CelEvaluationException.NoSuchOverload(function);
        }

        return (a, b) switch
        {
            (string x, string y) => Math.Sign(string.CompareOrdinal(x, y)),
            (bool x, bool y) => x.CompareTo(y),
            (byte[] x, byte[] y) => Math.Sign(x.AsSpan().SequenceCompareTo(y)),
            _ => throw CelEvaluationException.NoSuchOverload(function),
        };
    }

    public static bool IsNumber(object? v) => v is long or ulong or double;

    /// <summary>Looks a key up in a map, treating numeric keys of different types as one key.</summary>
    public static bool TryGet(Dictionary<object, object?> map, object? key, out object? value)
    {
        if (key is not null && map.TryGetValue(key, out value))
        {
            return true;
        }

        if (IsNumber(key))
        {
            foreach (var (k, v) in map)
            {
                if (IsNumber(k) && CompareNumbers(k, key!) == 0)
                {
                    value = v;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>Compares two numbers by value; null when either is NaN (nothing is ordered against NaN).</summary>
    private static int? CompareNumbers(object a, object b)
    {
        switch (a, b)
        {
            case (long x, long y):
                return x.CompareTo(y);
            case (ulong x, ulong y):
                return x.CompareTo(y);
            case (long x, ulong y):
                return x < 0 ? -1 : ((ulong)x).CompareTo(y);
            case (ulong x, long y):
                return y < 0 ? 1 : x.CompareTo((ulong)y);
        }

        var dx = ToDouble(a);
        var dy = ToDouble(b);
        if (double.IsNaN(dx) || double.IsNaN(dy))
        {
            return null;
        }

        return dx.CompareTo(dy);
    }

    private static double ToDouble(object n) => n switch
    {
        long l => l,
        ulong u => u,
        _ => (double)n,
    };
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// The functions a Kubernetes validation rule can call, with the argument counts each accepts: CEL's standard ones
/// (<c>size</c>, <c>startsWith</c>, <c>endsWith</c>, <c>contains</c>, <c>matches</c>, the conversions <c>int</c>,
/// <c>uint</c>, <c>double</c>, <c>string</c>, <c>bool</c>, <c>dyn</c>) and the Kubernetes string and list libraries
/// (<c>lowerAscii</c>, <c>upperAscii</c>, <c>trim</c>, <c>replace</c>, <c>split</c>, <c>join</c>, <c>indexOf</c>,
/// <c>lastIndexOf</c>, <c>substring</c>, <c>charAt</c>, <c>isSorted</c>, <c>sum</c>, <c>min</c>, <c>max</c>).
/// Anything else is refused when the rule is compiled.
/// </summary>
internal static class CelFunctions
{
    private static readonly Dictionary<string, int[]> Globals = new(StringComparer.Ordinal)
    {
        ["size"] = [1], ["int"] = [1], ["uint"] = [1], ["double"] = [1], ["string"] = [1], ["bool"] = [1], ["dyn"] = [1],
        ["matches"] = [2],
    };

    private static readonly Dictionary<string, int[]> Members = new(StringComparer.Ordinal)
    {
        ["size"] = [0], ["startsWith"] = [1], ["endsWith"] = [1], ["contains"] = [1], ["matches"] = [1],
        ["lowerAscii"] = [0], ["upperAscii"] = [0], ["trim"] = [0], ["replace"] = [2, 3], ["split"] = [1, 2],
        ["join"] = [0, 1], ["indexOf"] = [1, 2], ["lastIndexOf"] = [1, 2], ["substring"] = [1, 2], ["charAt"] = [1],
        ["isSorted"] = [0], ["sum"] = [0], ["min"] = [0], ["max"] = [0],
    };

    /// <summary>Null when the call is known; otherwise the compile error cel-go gives.</summary>
    public static string? CheckCall(string name, bool member, int arity)
    {
        var table = member ? Members : Globals;
        if (!table.TryGetValue(name, out var arities))
        {
            return (member ? Globals : Members).ContainsKey(name)
                ? $"found no matching overload for '{name}' applied to {(member ? "a target" : "no target")} with {arity} argument(s)"
                : $"undeclared reference to '{name}' (in container '')";
        }

        return arities.Contains(arity) ? null : $"found no matching overload for '{name}' with {arity} argument(s)";
    }

    public static object? Call(string name, object? target, bool member, object?[] args)
    {
        if (!member)
        {
            return name switch
            {
                "size" => Size(args[0]),
                "matches" => Matches(args[0], args[1]),
                "dyn" => args[0],
                _ => Convert(name, args[0]),
            };
        }

        return (name, target) switch
        {
            ("size", _) => Size(target),
            ("matches", _) => Matches(target, args[0]),
            (_, string s) => CelStringFunctions.Call(name, s, args),
            (_, List<object?> list) => ListFunction(name, list, args),
            _ => throw CelEvaluationException.NoSuchOverload(name),
        };
    }

    private static long Size(object? value) => value switch
    {
        string s => s.EnumerateRunes().LongCount(),
        byte[] b => b.LongLength,
        List<object?> l => l.Count,
        Dictionary<object, object?> m => m.Count,
        _ => throw CelEvaluationException.NoSuchOverload("size"),
    };

    private static bool Matches(object? text, object? pattern)
    {
        if (text is not string s || pattern is not string p)
        {
            throw CelEvaluationException.NoSuchOverload("matches");
        }

        try
        {
            // RE2 matches anywhere in the string unless anchored, as Regex.IsMatch does.
            return Regex.IsMatch(s, p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new CelEvaluationException($"invalid regular expression '{p}': {ex.Message}");
        }
        catch (RegexMatchTimeoutException)
        {
            throw new CelEvaluationException($"regular expression '{p}' took too long");
        }
    }

    private static object Convert(string type, object? value)
    {
        try
        {
            return (type, value) switch
            {
                ("int", long l) => l,
                ("int", ulong u) => checked((long)u),
                ("int", double d) when !double.IsNaN(d) && d > -9.2233720368547758E18 && d < 9.2233720368547758E18 => (long)d,
                ("int", string s) => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                ("uint", ulong u) => u,
                ("uint", long l) => checked((ulong)l),
                ("uint", double d) when d >= 0 && d < 1.8446744073709552E19 => (ulong)d,
                ("uint", string s) => ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture),
                ("double", double d) => d,
                ("double", long l) => (double)l,
                ("double", ulong u) => (double)u,
                ("double", string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
                ("string", string s) => s,
                ("string", bool b) => b ? "true" : "false",
                ("string", long l) => l.ToString(CultureInfo.InvariantCulture),
                ("string", ulong u) => u.ToString(CultureInfo.InvariantCulture),
                ("string", double d) => d.ToString("R", CultureInfo.InvariantCulture),
                ("string", byte[] b) => Encoding.UTF8.GetString(b),
                ("bool", bool b) => b,
                ("bool", string s) => s switch
                {
                    "true" or "TRUE" or "True" or "t" or "1" => true,
                    "false" or "FALSE" or "False" or "f" or "0" => false,
                    _ => throw new CelEvaluationException($"type conversion error from 'string' to 'bool'"),
                },
                _ => throw CelEvaluationException.NoSuchOverload(type),
            };
        }
        catch (Exception ex) when (ex is OverflowException or FormatException)
        {
            throw new CelEvaluationException($"type conversion error from '{CelValues.TypeName(value)}' to '{type}'");
        }
    }

    private static object? ListFunction(string name, List<object?> list, object?[] args)
    {
        switch (name)
        {
            case "isSorted":
                for (var i = 1; i < list.Count; i++)
                {
                    if (CelValues.Compare(list[i - 1], list[i], name) > 0)
                    {
                        return false;
                    }
                }

                return true;
            case "sum":
                return list.Count == 0 ? 0L : list.Skip(1).Aggregate(list[0], (acc, x) => CelOperators.Apply("_+_", [acc, x]));
            case "min" or "max":
                if (list.Count == 0)
                {
                    throw new CelEvaluationException($"{name} called on an empty list");
                }

                var sign = name == "min" ? -1 : 1;
                return list.Aggregate((best, x) => Math.Sign(CelValues.Compare(x, best, name)) == sign ? x : best);
            case "indexOf":
                return (long)list.FindIndex(x => CelValues.AreEqual(x, args[0]));
            case "lastIndexOf":
                return (long)list.FindLastIndex(x => CelValues.AreEqual(x, args[0]));
            case "join":
                var separator = args.Length == 0 ? "" : args[0] as string ?? throw CelEvaluationException.NoSuchOverload(name);
                return string.Join(separator, list.Select(x => x as string ?? throw CelEvaluationException.NoSuchOverload(name)));
            default:
                throw CelEvaluationException.NoSuchOverload(name);
        }
    }
}

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// CEL's operators over values: arithmetic without implicit conversions (int with int, double with double; int
/// overflow, division and modulus by zero are errors), string, bytes and list concatenation, comparisons, indexing and
/// <c>in</c>. Names are cel-go's internal operator names.
/// </summary>
internal static class CelOperators
{
    public static bool IsOperator(string function) => function is "_+_" or "_-_" or "_*_" or "_/_" or "_%_" or "-_" or "!_"
        or "_==_" or "_!=_" or "_<_" or "_<=_" or "_>_" or "_>=_" or "_[_]" or "@in" or "_&&_" or "_||_" or "_?_:_";

    /// <summary>Applies a strict (non-logical) operator to evaluated arguments.</summary>
    public static object? Apply(string function, object?[] args)
    {
        switch (function)
        {
            case "_==_":
                return CelValues.AreEqual(args[0], args[1]);
            case "_!=_":
                return !CelValues.AreEqual(args[0], args[1]);
            case "_<_":
                return CelValues.Compare(args[0], args[1], function) < 0;
            case "_<=_":
                return CelValues.Compare(args[0], args[1], function) <= 0;
            case "_>_":
                return CelValues.Compare(args[0], args[1], function) > 0;
            case "_>=_":
                return CelValues.Compare(args[0], args[1], function) >= 0;
            case "!_":
                return args[0] is bool b ? !b : throw CelEvaluationException.NoSuchOverload(function);
            case "-_":
                return Negate(args[0]);
            case "_[_]":
                return Index(args[0], args[1]);
            case "@in":
                return In(args[0], args[1]);
            default:
                return Arithmetic(function, args[0], args[1]);
        }
    }

    private static object Negate(object? value) => value switch
    {
        long l when l == long.MinValue => throw new CelEvaluationException("integer overflow"),
        long l => -l,
        double d => -d,
        _ => throw CelEvaluationException.NoSuchOverload("-_"),
    };

    private static object Arithmetic(string function, object? a, object? b)
    {
        try
        {
            return (a, b) switch
            {
                (long x, long y) => function switch
                {
                    "_+_" => checked(x + y),
                    "_-_" => checked(x - y),
                    "_*_" => checked(x * y),
                    "_/_" => y == 0 ? throw new CelEvaluationException("division by zero") : checked(x / y),
                    "_%_" => y == 0 ? throw new CelEvaluationException("modulus by zero") : x % y,
                    _ => throw CelEvaluationException.NoSuchOverload(function),
                },
                (ulong x, ulong y) => function switch
                {
                    "_+_" => checked(x + y),
                    "_-_" => checked(x - y),
                    "_*_" => checked(x * y),
                    "_/_" => y == 0 ? throw new CelEvaluationException("division by zero") : x / y,
                    "_%_" => y == 0 ? throw new CelEvaluationException("modulus by zero") : x % y,
                    _ => throw CelEvaluationException.NoSuchOverload(function),
                },
                (double x, double y) => function switch
                {
                    "_+_" => x + y,
                    "_-_" => x - y,
                    "_*_" => x * y,
                    "_/_" => x / y,
                    _ => throw CelEvaluationException.NoSuchOverload(function),
                },
                (string x, string y) when function == "_+_" => x + y,
                (byte[] x, byte[] y) when function == "_+_" => x.Concat(y).ToArray(),
                (List<object?> x, List<object?> y) when function == "_+_" => x.Concat(y).ToList(),
                _ => throw CelEvaluationException.NoSuchOverload(function),
            };
        }
        catch (OverflowException)
        {
            throw new CelEvaluationException(a is ulong ? "unsigned integer overflow" : "integer overflow");
        }
    }

    private static object? Index(object? target, object? key)
    {
        switch (target)
        {
            case List<object?> list:
                var i = key switch
                {
                    long l => l,
                    ulong u when u <= long.MaxValue => (long)u,
                    double d when d == Math.Floor(d) && Math.Abs(d) < long.MaxValue => (long)d,
                    _ => throw CelEvaluationException.NoSuchOverload("_[_]"),
                };
                return i >= 0 && i < list.Count ? list[(int)i] : throw new CelEvaluationException($"index out of bounds: {i}");
            case Dictionary<object, object?> map:
                return CelValues.TryGet(map, key, out var value) ? value : throw new CelEvaluationException($"no such key: {key}");
            default:
                throw CelEvaluationException.NoSuchOverload("_[_]");
        }
    }

    private static bool In(object? element, object? container) => container switch
    {
        List<object?> list => list.Any(item => CelValues.AreEqual(item, element)),
        Dictionary<object, object?> map => CelValues.TryGet(map, element, out _),
        _ => throw CelEvaluationException.NoSuchOverload("@in"),
    };
}

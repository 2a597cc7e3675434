namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// Evaluates a checked CEL expression over values (see <see cref="CelValues"/>). Errors are exceptions, which
/// <c>&amp;&amp;</c>, <c>||</c>, <c>all</c> and <c>exists</c> absorb when the other operands decide the result, as CEL's
/// commutative logical operators do: <c>error || true</c> is true, <c>false &amp;&amp; error</c> is false.
/// </summary>
internal static class CelEvaluator
{
    /// <summary>Variables in scope: the activation's and the comprehension variables bound over it.</summary>
    private sealed record Scope(string Name, object? Value, Scope? Parent)
    {
        public bool TryFind(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.Name == name)
                {
                    value = s.Value;
                    return true;
                }
            }

            value = null;
            return false;
        }
    }

    public static object? Evaluate(CelExpr expr, IReadOnlyDictionary<string, object?> variables)
    {
        Scope? scope = null;
        foreach (var (name, value) in variables)
        {
            scope = new Scope(name, value, scope);
        }

        return Eval(expr, scope);
    }

    private static object? Eval(CelExpr expr, Scope? scope)
    {
        switch (expr)
        {
            case CelLiteral literal:
                return literal.Value;
            case CelIdent ident:
                return scope is not null && scope.TryFind(ident.Name, out var value)
                    ? value
                    : throw new CelEvaluationException($"no such attribute: {ident.Name}");
            case CelSelect select:
                return Select(Eval(select.Operand, scope), select.Field);
            case CelHas has:
                return Eval(has.Operand, scope) switch
                {
                    Dictionary<object, object?> map => map.ContainsKey(has.Field),
                    _ => throw CelEvaluationException.NoSuchOverload("has"),
                };
            case CelList list:
                return list.Items.Select(item => Eval(item, scope)).ToList();
            case CelMap map:
                var result = new Dictionary<object, object?>();
                foreach (var (k, v) in map.Entries)
                {
                    var key = Eval(k, scope);
                    if (key is not (string or long or ulong or bool))
                    {
                        throw new CelEvaluationException($"unsupported key type: {CelValues.TypeName(key)}");
                    }

                    if (!result.TryAdd(key, Eval(v, scope)))
                    {
                        throw new CelEvaluationException($"Failed with repeated key: {key}");
                    }
                }

                return result;
            case CelComprehension comprehension:
                return Comprehend(comprehension, scope);
            case CelCall call:
                return Call(call, scope);
            default:
                throw new CelEvaluationException($"unexpected expression {expr.GetType().Name}");
        }
    }

    private static object? Select(object? operand, string field) => operand switch
    {
        Dictionary<object, object?> map => map.TryGetValue(field, out var v) ? v : throw new CelEvaluationException($"no such key: {field}"),
        _ => throw new CelEvaluationException($"type '{CelValues.TypeName(operand)}' does not support field selection"),
    };

    private static object? Call(CelCall call, Scope? scope)
    {
        switch (call.Function)
        {
            case "_&&_":
                return Logical(call, scope, decisive: false);
            case "_||_":
                return Logical(call, scope, decisive: true);
            case "_?_:_":
                return Eval(call.Args[0], scope) switch
                {
                    true => Eval(call.Args[1], scope),
                    false => Eval(call.Args[2], scope),
                    _ => throw CelEvaluationException.NoSuchOverload("_?_:_"),
                };
        }

        var args = call.Args.Select(a => Eval(a, scope)).ToArray();
        if (CelOperators.IsOperator(call.Function))
        {
            return CelOperators.Apply(call.Function, args);
        }

        var member = call.Target is not null;
        var target = member ? Eval(call.Target!, scope) : null;
        return CelFunctions.Call(call.Function, target, member, args);
    }

    /// <summary><c>&amp;&amp;</c> (decisive false) and <c>||</c> (decisive true), absorbing an error the other side decides.</summary>
    private static bool Logical(CelCall call, Scope? scope, bool decisive)
    {
        CelEvaluationException? error = null;
        foreach (var arg in call.Args)
        {
            try
            {
                var value = Eval(arg, scope);
                if (value is not bool b)
                {
                    throw CelEvaluationException.NoSuchOverload(call.Function);
                }

                if (b == decisive)
                {
                    return decisive;
                }
            }
            catch (CelEvaluationException ex)
            {
                error ??= ex;
            }
        }

        return error is null ? !decisive : throw error;
    }

    private static object? Comprehend(CelComprehension c, Scope? scope)
    {
        var range = Eval(c.Range, scope) switch
        {
            List<object?> list => list,
            Dictionary<object, object?> map => map.Keys.Cast<object?>().ToList(),
            var other => throw CelEvaluationException.NoSuchOverload($"{c.Macro} over {CelValues.TypeName(other)}"),
        };

        CelEvaluationException? error = null;
        var matches = 0;
        var mapped = new List<object?>();
        foreach (var item in range)
        {
            var inner = new Scope(c.Variable, item, scope);
            if (c.Macro == "map")
            {
                if (c.Filter is null || Predicate(c.Filter, inner, c.Macro))
                {
                    mapped.Add(Eval(c.Body, inner));
                }

                continue;
            }

            bool holds;
            try
            {
                holds = Predicate(c.Body, inner, c.Macro);
            }
            catch (CelEvaluationException ex) when (c.Macro is "all" or "exists")
            {
                error ??= ex;
                continue;
            }

            switch (c.Macro)
            {
                case "all" when !holds:
                    return false;
                case "exists" when holds:
                    return true;
                case "filter" when holds:
                    mapped.Add(item);
                    break;
                case "exists_one" when holds:
                    matches++;
                    break;
            }
        }

        return c.Macro switch
        {
            "all" => error is null ? true : throw error,
            "exists" => error is null ? false : throw error,
            "exists_one" => matches == 1,
            _ => mapped,
        };
    }

    private static bool Predicate(CelExpr body, Scope scope, string macro) =>
        Eval(body, scope) as bool? ?? throw CelEvaluationException.NoSuchOverload(macro);
}

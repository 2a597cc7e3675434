namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// A recursive-descent parser for the CEL grammar (cel-spec, langdef.md), from the conditional down to primaries:
/// <c>?:</c>, <c>||</c>, <c>&amp;&amp;</c>, relations (<c>== != &lt; &lt;= &gt; &gt;= in</c>), <c>+ -</c>, <c>* / %</c>,
/// unary <c>! -</c>, member selection, calls and indexing, list and map literals. Macros are expanded here.
/// Message construction (<c>Type{field: …}</c>) is refused: no Kubernetes rule can use it.
/// </summary>
internal sealed class CelParser
{
    private static readonly HashSet<string> Reserved =
    [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ];

    private static readonly HashSet<string> Relations = ["==", "!=", "<", "<=", ">", ">="];

    private readonly string _source;
    private readonly List<CelToken> _tokens;
    private int _position;

    private CelParser(string source)
    {
        _source = source;
        _tokens = CelLexer.Tokenize(source);
    }

    public static CelExpr Parse(string source)
    {
        var parser = new CelParser(source);
        var expr = parser.Expression();
        if (parser.Current.Kind != CelTokenKind.End)
        {
            throw parser.Error(parser.Current, $"Syntax error: extraneous input '{parser.Current.Text}' expecting <EOF>");
        }

        return expr;
    }

    private CelToken Current => _tokens[_position];

    private bool At(string punctuation) => Current.Kind == CelTokenKind.Punctuation && Current.Text == punctuation;

    private bool AtKeyword(string word) => Current.Kind == CelTokenKind.Identifier && Current.Text == word;

    private CelToken Next() => _tokens[_position++];

    private CelToken Expect(string punctuation)
    {
        if (!At(punctuation))
        {
            throw Error(Current, $"Syntax error: mismatched input '{Current.Text}' expecting '{punctuation}'");
        }

        return Next();
    }

    private CelCompileException Error(CelToken at, string what) => CelCompileException.At(_source, at.Offset, what);

    private CelExpr Expression()
    {
        var condition = Or();
        if (!At("?"))
        {
            return condition;
        }

        var op = Next();
        var whenTrue = Or();
        Expect(":");
        var whenFalse = Expression();
        return new CelCall("_?_:_", null, [condition, whenTrue, whenFalse], op.Offset);
    }

    private CelExpr Or()
    {
        var left = And();
        while (At("||"))
        {
            var op = Next();
            left = new CelCall("_||_", null, [left, And()], op.Offset);
        }

        return left;
    }

    private CelExpr And()
    {
        var left = Relation();
        while (At("&&"))
        {
            var op = Next();
            left = new CelCall("_&&_", null, [left, Relation()], op.Offset);
        }

        return left;
    }

    private CelExpr Relation()
    {
        var left = Addition();
        while ((Current.Kind == CelTokenKind.Punctuation && Relations.Contains(Current.Text)) || AtKeyword("in"))
        {
            var op = Next();
            var name = op.Text == "in" ? "@in" : $"_{op.Text}_";
            left = new CelCall(name, null, [left, Addition()], op.Offset);
        }

        return left;
    }

    private CelExpr Addition()
    {
        var left = Multiplication();
        while (At("+") || At("-"))
        {
            var op = Next();
            left = new CelCall($"_{op.Text}_", null, [left, Multiplication()], op.Offset);
        }

        return left;
    }

    private CelExpr Multiplication()
    {
        var left = Unary();
        while (At("*") || At("/") || At("%"))
        {
            var op = Next();
            left = new CelCall($"_{op.Text}_", null, [left, Unary()], op.Offset);
        }

        return left;
    }

    private CelExpr Unary()
    {
        if (At("!"))
        {
            var op = Next();
            return new CelCall("!_", null, [Unary()], op.Offset);
        }

        if (At("-"))
        {
            var op = Next();

            // -9223372036854775808 is a literal, not the negation of an int that does not exist.
            if (Current.Kind == CelTokenKind.Int && Current.Value is ulong magnitude)
            {
                Next();
                var negated = new CelLiteral(magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude, op.Offset);
                return MemberSuffixes(negated);
            }

            return new CelCall("-_", null, [Unary()], op.Offset);
        }

        return Member();
    }

    private CelExpr Member() => MemberSuffixes(Primary());

    private CelExpr MemberSuffixes(CelExpr expr)
    {
        while (true)
        {
            if (At("."))
            {
                // cel-go places a selection's or member call's position on its dot.
                var dot = Next();
                var name = Current;
                if (name.Kind != CelTokenKind.Identifier)
                {
                    throw Error(name, $"Syntax error: mismatched input '{name.Text}' expecting IDENTIFIER");
                }

                Next();
                if (At("("))
                {
                    Next();
                    var args = Arguments(")");
                    expr = MemberCall(expr, name, dot.Offset, args);
                }
                else
                {
                    expr = new CelSelect(expr, name.Text, dot.Offset);
                }
            }
            else if (At("["))
            {
                var open = Next();
                var index = Expression();
                Expect("]");
                expr = new CelCall("_[_]", null, [expr, index], open.Offset);
            }
            else
            {
                return expr;
            }
        }
    }

    private CelExpr Primary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case CelTokenKind.Int:
                Next();
                var magnitude = (ulong)token.Value!;
                return magnitude <= long.MaxValue
                    ? new CelLiteral((long)magnitude, token.Offset)
                    : throw Error(token, "invalid int literal");
            case CelTokenKind.Uint or CelTokenKind.Double or CelTokenKind.String or CelTokenKind.Bytes:
                Next();
                return new CelLiteral(token.Value, token.Offset);
            case CelTokenKind.Identifier:
                return IdentifierOrCall();
        }

        if (At("("))
        {
            Next();
            var inner = Expression();
            Expect(")");
            return inner;
        }

        if (At("["))
        {
            Next();
            return new CelList(Arguments("]"), token.Offset);
        }

        if (At("{"))
        {
            Next();
            var entries = new List<(CelExpr, CelExpr)>();
            while (!At("}"))
            {
                var key = Expression();
                Expect(":");
                entries.Add((key, Expression()));
                if (!At(","))
                {
                    break;
                }

                Next();
            }

            Expect("}");
            return new CelMap(entries, token.Offset);
        }

        if (At("."))
        {
            throw Error(token, "Syntax error: qualified (leading dot) names are not supported");
        }

        throw Error(token, token.Kind == CelTokenKind.End
            ? "Syntax error: mismatched input '<EOF>' expecting an expression"
            : $"Syntax error: mismatched input '{token.Text}' expecting an expression");
    }

    private CelExpr IdentifierOrCall()
    {
        var token = Next();
        switch (token.Text)
        {
            case "true": return new CelLiteral(true, token.Offset);
            case "false": return new CelLiteral(false, token.Offset);
            case "null": return new CelLiteral(null, token.Offset);
            case "in": throw Error(token, "Syntax error: mismatched input 'in' expecting an expression");
        }

        if (Reserved.Contains(token.Text))
        {
            throw Error(token, $"reserved identifier: {token.Text}");
        }

        if (At("{"))
        {
            throw Error(Current, "Syntax error: message construction is not supported in Kubernetes validation rules");
        }

        if (!At("("))
        {
            return new CelIdent(token.Text, token.Offset);
        }

        Next();
        var args = Arguments(")");
        if (token.Text == "has")
        {
            return args is [CelSelect select]
                ? new CelHas(select.Operand, select.Field, select.Offset)
                : throw Error(token, "invalid argument to has() macro");
        }

        return new CelCall(token.Text, null, args, token.Offset);
    }

    private List<CelExpr> Arguments(string close)
    {
        var args = new List<CelExpr>();
        while (!At(close))
        {
            args.Add(Expression());
            if (!At(","))
            {
                break;
            }

            Next();
        }

        Expect(close);
        return args;
    }

    /// <summary>A member call, or one of the comprehension macros when the name and argument count say so.</summary>
    private CelExpr MemberCall(CelExpr target, CelToken name, int offset, List<CelExpr> args)
    {
        var macro = (name.Text, args.Count) switch
        {
            ("all" or "exists" or "exists_one" or "existsOne" or "filter" or "map", 2) => name.Text == "existsOne" ? "exists_one" : name.Text,
            ("map", 3) => "map",
            _ => null,
        };
        if (macro is null)
        {
            return new CelCall(name.Text, target, args, offset);
        }

        if (args[0] is not CelIdent variable)
        {
            throw Error(name, "argument must be a simple name");
        }

        return args.Count == 3
            ? new CelComprehension(macro, target, variable.Name, args[2], args[1], offset)
            : new CelComprehension(macro, target, variable.Name, args[1], null, offset);
    }
}

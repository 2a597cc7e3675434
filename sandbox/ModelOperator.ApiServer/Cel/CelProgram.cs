using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// A compiled CEL expression for a Kubernetes validation rule: parsed, checked against the schema of the value it sits
/// on, and ready to evaluate with <c>self</c> (and <c>oldSelf</c> for a transition rule).
/// </summary>
internal sealed class CelProgram
{
    private readonly CelExpr _expr;

    private CelProgram(string source, CelExpr expr, bool usesOldSelf)
    {
        Source = source;
        _expr = expr;
        UsesOldSelf = usesOldSelf;
    }

    public string Source { get; }

    /// <summary>True for a transition rule: it refers to <c>oldSelf</c>, so it runs on updates only.</summary>
    public bool UsesOldSelf { get; }

    /// <summary>Compiles a rule; a <see cref="CelCompileException"/> says what is wrong, with its position.</summary>
    public static CelProgram Compile(string source, JsonObject? selfSchema, bool resourceRoot = false)
    {
        var expr = CelParser.Parse(source);
        var usesOldSelf = CelChecker.Check(source, expr, selfSchema, resourceRoot);
        return new CelProgram(source, expr, usesOldSelf);
    }

    /// <summary>Evaluates the expression; a <see cref="CelEvaluationException"/> is CEL's runtime error.</summary>
    public object? Evaluate(object? self, object? oldSelf = null)
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = self };
        if (UsesOldSelf)
        {
            variables["oldSelf"] = oldSelf;
        }

        return CelEvaluator.Evaluate(_expr, variables);
    }
}

using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Cel;

namespace ModelOperator.ApiServer.Tests.Unit;

/// <summary>
/// The CEL evaluator against the semantics of cel-go (the evaluator a real API server runs): each row is an expression,
/// the JSON bound to <c>self</c>, and the expected result or error.
/// </summary>
public sealed class CelTests
{
    private static readonly JsonObject Loose = new() { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };

    private static object? Eval(string expr, string self = "{}", string? oldSelf = null)
    {
        var program = CelProgram.Compile(expr, Loose);
        return program.Evaluate(CelValues.FromJson(JsonNode.Parse(self), null), oldSelf is null ? null : CelValues.FromJson(JsonNode.Parse(oldSelf), null));
    }

    [Theory]
    // The ModelDeployment CRD's own rules.
    [InlineData("!has(self.minReplicas) || self.minReplicas <= self.maxReplicas", """{"minReplicas":3,"maxReplicas":2}""", false)]
    [InlineData("!has(self.minReplicas) || self.minReplicas <= self.maxReplicas", """{"maxReplicas":2}""", true)]
    [InlineData("has(self.targetInFlightPerPod) || has(self.targetP95Latency)", """{"maxReplicas":2}""", false)]
    [InlineData("[has(self.setWeight), has(self.pause), has(self.analysis)].filter(x, x).size() == 1", """{"pause":{}}""", true)]
    [InlineData("[has(self.setWeight), has(self.pause), has(self.analysis)].filter(x, x).size() == 1", """{"setWeight":10,"pause":{}}""", false)]
    [InlineData("[has(self.setWeight), has(self.pause), has(self.analysis)].filter(x, x).size() == 1", "{}", false)]
    [InlineData("self.address.startsWith('http://') || self.address.startsWith('https://')", """{"address":"https://p:9090"}""", true)]
    [InlineData("self.address.startsWith('http://') || self.address.startsWith('https://')", """{"address":"p:9090"}""", false)]
    [InlineData("has(self.prometheus) != has(self.direct)", """{"direct":{}}""", true)]
    [InlineData("has(self.prometheus) != has(self.direct)", """{"direct":{},"prometheus":{}}""", false)]
    [InlineData("size(self.httpRoute) > 0", """{"httpRoute":""}""", false)]
    [InlineData("!has(self.steps) || !self.steps.exists(s, has(s.analysis)) || has(self.analysis)", """{"steps":[{"setWeight":5},{"analysis":{}}]}""", false)]
    [InlineData("!has(self.steps) || !self.steps.exists(s, has(s.analysis)) || has(self.analysis)", """{"steps":[{"setWeight":5}]}""", true)]
    // Macros, literals and operators.
    [InlineData("self.xs.all(x, x > 0) && self.xs.exists_one(x, x == 2)", """{"xs":[1,2,3]}""", true)]
    [InlineData("self.xs.map(x, x * 2) == [2, 4, 6]", """{"xs":[1,2,3]}""", true)]
    [InlineData("self.xs.map(x, x > 1, x) == [2, 3]", """{"xs":[1,2,3]}""", true)]
    [InlineData("self.m.all(k, k.startsWith('a'))", """{"m":{"ab":1,"ac":2}}""", true)]
    [InlineData("'b' in self.m && !('z' in self.m) && 2 in self.xs", """{"m":{"b":1},"xs":[1,2]}""", true)]
    [InlineData("self.a + 1 == 4 && 7 / 2 == 3 && 7 % 2 == 1 && -self.a == -3", """{"a":3}""", true)]
    [InlineData("1 == 1.0 && 2u > 1 && 1.5 < 2", "{}", true)]
    [InlineData("self.a > 0 ? 'pos' : 'neg'", """{"a":-1}""", "neg")]
    [InlineData("{'a': 1}.a == 1 && [1, 2][1] == 2 && 'abc'[0:1] == 'a'", "{}", null)]
    [InlineData("'ab' + 'c' == 'abc' && [1] + [2] == [1, 2] && size('héllo') == 5", "{}", true)]
    [InlineData("\"\"\"tri\nple\"\"\".contains('\\n') && r'\\d'.size() == 2 && '\\x41\\u0042' == 'AB'", "{}", true)]
    [InlineData("self == oldSelf", """{"a":1}""", true)]
    // Kubernetes string and list libraries.
    [InlineData("self.s.lowerAscii() == 'abc' && self.s.upperAscii() == 'ABC'", """{"s":"aBc"}""", true)]
    [InlineData("'  x '.trim() == 'x' && 'a-b-c'.split('-') == ['a', 'b', 'c'] && ['a', 'b'].join('+') == 'a+b'", "{}", true)]
    [InlineData("'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.substring(1, 3) == 'el' && 'hello'.charAt(4) == 'o'", "{}", true)]
    [InlineData("'aaa'.replace('a', 'b', 2) == 'bba' && 'v1.2'.matches('^v[0-9]+')", "{}", true)]
    [InlineData("[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && [1, 2, 3].sum() == 6 && [1, 2, 3].isSorted() && [1, 2].indexOf(2) == 1", "{}", true)]
    [InlineData("int('42') == 42 && double(1) == 1.0 && string(5) == '5' && uint(3) == 3u && int(2.9) == 2", "{}", true)]
    public void Expressions_evaluate_as_cel_go_evaluates_them(string expr, string self, object? expected)
    {
        if (expected is null)
        {
            // The row is a parse check: 'abc'[0:1] is not CEL (no slices) and must be refused.
            Assert.Throws<CelCompileException>(() => Eval(expr, self));
            return;
        }

        Assert.Equal(expected, Eval(expr, self, oldSelf: self));
    }

    [Theory]
    [InlineData("self.missing == 1", "{}", "no such key: missing")]
    [InlineData("self.a / 0 == 1", """{"a":1}""", "division by zero")]
    [InlineData("self.a % 0 == 1", """{"a":1}""", "modulus by zero")]
    [InlineData("self.a + 1 > 0", """{"a":9223372036854775807}""", "integer overflow")]
    [InlineData("self.xs[5] == 1", """{"xs":[1]}""", "index out of bounds: 5")]
    [InlineData("self.a + 1.5 > 0", """{"a":1}""", "no such overload")]
    [InlineData("self.a && true", """{"a":1}""", "no such overload")]
    [InlineData("self.xs.all(x, x.y == 1)", """{"xs":[{"y":1},{}]}""", "no such key: y")]
    public void Runtime_errors_are_worded_as_cel_go_words_them(string expr, string self, string error)
    {
        var ex = Assert.Throws<CelEvaluationException>(() => Eval(expr, self));
        Assert.StartsWith(error, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("self.missing == 1 || true", true)]
    [InlineData("true || self.missing == 1", true)]
    [InlineData("self.missing == 1 && false", false)]
    [InlineData("[1, 2].exists(x, x == 2 || self.missing)", true)]
    [InlineData("[{}, {'y': 2}].all(x, x.y == 1)", false)]
    public void Logical_operators_and_macros_absorb_an_error_the_other_side_decides(string expr, bool expected) =>
        Assert.Equal(expected, Eval(expr));

    [Theory]
    [InlineData("self.(", "ERROR: <input>:1:6: Syntax error: mismatched input '(' expecting IDENTIFIER")]
    [InlineData("self.a ==", "ERROR: <input>:1:10: Syntax error: mismatched input '<EOF>' expecting an expression")]
    [InlineData("self.a.lowerAsci()", "ERROR: <input>:1:7: undeclared reference to 'lowerAsci' (in container '')")]
    [InlineData("other.a > 0", "ERROR: <input>:1:1: undeclared reference to 'other' (in container '')")]
    [InlineData("self.xs.all(x, y > 0)", "ERROR: <input>:1:16: undeclared reference to 'y' (in container '')")]
    [InlineData("has(self)", "ERROR: <input>:1:1: invalid argument to has() macro")]
    [InlineData("self.a.startsWith('x', 'y')", "ERROR: <input>:1:7: found no matching overload for 'startsWith' with 2 argument(s)")]
    [InlineData("self.a == 'unterminated", "ERROR: <input>:1:11: Syntax error: token recognition error at: an unterminated string literal")]
    [InlineData("if == 1", "ERROR: <input>:1:1: reserved identifier: if")]
    public void Uncompilable_rules_are_refused_with_the_position(string expr, string error)
    {
        var ex = Assert.Throws<CelCompileException>(() => CelProgram.Compile(expr, Loose));
        Assert.StartsWith(error, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_the_schema_does_not_declare_is_an_undefined_field()
    {
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"minReplicas":{"type":"integer"},"steps":{"type":"array","items":{"type":"object","properties":{"pause":{"type":"object"}}}}}}
            """)!.AsObject();

        var typo = Assert.Throws<CelCompileException>(() => CelProgram.Compile("self.minReplica > 0", schema));
        var nested = Assert.Throws<CelCompileException>(() => CelProgram.Compile("self.steps.all(s, has(s.pauze))", schema));
        var scalar = Assert.Throws<CelCompileException>(() => CelProgram.Compile("self.minReplicas.x == 1", schema));

        Assert.StartsWith("ERROR: <input>:1:5: undefined field 'minReplica'", typo.Message, StringComparison.Ordinal);
        Assert.StartsWith("ERROR: <input>:1:24: undefined field 'pauze'", nested.Message, StringComparison.Ordinal);
        Assert.StartsWith("ERROR: <input>:1:17: type 'int' does not support field selection", scalar.Message, StringComparison.Ordinal);
        Assert.False(CelProgram.Compile("self.steps.all(s, has(s.pause))", schema).UsesOldSelf);
        Assert.True(CelProgram.Compile("self.minReplicas >= oldSelf.minReplicas", schema).UsesOldSelf);
    }

    [Fact]
    public void Numbers_take_their_type_from_the_schema_as_in_Kubernetes()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"rate":{"type":"number"},"count":{"type":"integer"}}}""")!.AsObject();
        var self = CelValues.FromJson(JsonNode.Parse("""{"rate":1,"count":1}"""), schema);

        // A number written as 1 is a double: adding an int to it has no overload, adding a double does.
        Assert.Equal(true, CelProgram.Compile("self.rate + 0.5 == 1.5 && self.count + 1 == 2", schema).Evaluate(self));
        Assert.Throws<CelEvaluationException>(() => CelProgram.Compile("self.rate + 1 == 2.0", schema).Evaluate(self));
    }
}

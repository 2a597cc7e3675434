using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>
/// CRD <c>x-kubernetes-validations</c> (CEL) rules, answered as kube-apiserver answers: 422 Invalid with a cause per
/// failed rule at the rule's path (plus fieldPath), its message (or messageExpression, or "failed rule: …"), transition
/// rules on updates only, ratcheting of unchanged values, and rules that do not compile refused with the CRD.
/// </summary>
public sealed class ValidationRuleTests
{
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string Gauges = "/apis/example.com/v1/namespaces/default/gauges";

    private static string Gauge(string spec) => $$"""{"apiVersion":"example.com/v1","kind":"Gauge","metadata":{"name":"g"},"spec":{{spec}}}""";

    private static List<(string Field, string Reason, string Message)> Causes(JsonObject status) =>
        status["details"]!["causes"]!.AsArray().Select(c => (c!["field"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList();

    private static async Task<ServerHarness> StartWithGaugesAsync()
    {
        var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Crds, Manifests.GaugeCrdJson);
        return h;
    }

    [Fact]
    public async Task A_failed_rule_is_a_422_cause_at_its_field_path_with_its_message()
    {
        await using var h = await StartWithGaugesAsync();

        var (code, status) = await h.PostAsync(Gauges, Gauge("""{"unit":"m","min":5,"max":2}"""));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("Gauge.example.com \"g\" is invalid: spec.min: Invalid value: \"object\": min must not exceed max", status["message"]!.GetValue<string>());
        Assert.Equal([("spec.min", "FieldValueInvalid", "Invalid value: \"object\": min must not exceed max")], Causes(status));
        Assert.Equal(404, (await h.GetAsync(Gauges + "/g")).Code);
    }

    [Fact]
    public async Task Every_failed_rule_is_reported_with_its_message_expression_or_the_rule_itself()
    {
        await using var h = await StartWithGaugesAsync();

        var (code, status) = await h.PostAsync(Gauges, Gauge("""{"unit":"KM","min":5,"max":2,"tags":["x-a","b"]}"""));

        Assert.Equal(422, code);
        Assert.Equal(
            [
                ("spec.min", "FieldValueInvalid", "Invalid value: \"object\": min must not exceed max"),
                ("spec", "FieldValueInvalid", "Invalid value: \"object\": failed rule: !has(self.tags) || self.tags.all(t, t.startsWith('x-'))"),
                ("spec.unit", "FieldValueInvalid", "Invalid value: \"string\": unit must be lower case, not KM"),
            ],
            Causes(status));
        Assert.StartsWith("Gauge.example.com \"g\" is invalid: [spec.min: Invalid value: \"object\": min must not exceed max, spec: Invalid value:", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_transition_rule_runs_on_updates_only_and_answers_with_its_reason()
    {
        await using var h = await StartWithGaugesAsync();

        // Given a gauge created (oldSelf does not exist yet, so the immutability rule does not run)
        await h.CreateAsync(Gauges, Gauge("""{"unit":"m","max":3}"""));

        // When its unit changes, and then another field changes
        var (code, status) = await h.PatchAsync(Gauges + "/g", """{"spec":{"unit":"s"}}""");
        var (otherCode, other) = await h.PatchAsync(Gauges + "/g", """{"spec":{"max":4}}""");

        // Then the first is refused as FieldValueForbidden at the object the rule sits on, the second is accepted
        Assert.Equal(422, code);
        Assert.Equal([("spec", "FieldValueForbidden", "Forbidden: unit is immutable")], Causes(status));
        Assert.Equal("Gauge.example.com \"g\" is invalid: spec: Forbidden: unit is immutable", status["message"]!.GetValue<string>());
        Assert.Equal(200, otherCode);
        Assert.Equal(4, other["spec"]!["max"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_value_stored_before_a_rule_existed_is_ratcheted_until_it_changes()
    {
        await using var h = await ServerHarness.StartAsync();

        // Given a gauge stored under a CRD without the min/max rule, that the rule would refuse
        var crd = JsonNode.Parse(Manifests.GaugeCrdJson)!.AsObject();
        var specSchema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!.AsObject();
        var rules = specSchema["x-kubernetes-validations"]!.DeepClone();
        specSchema.Remove("x-kubernetes-validations");
        await h.CreateAsync(Crds, crd.ToJsonString());
        await h.CreateAsync(Gauges, Gauge("""{"unit":"m","min":5,"max":2,"tags":["y"]}"""));

        // When the rules are added to the CRD
        specSchema["x-kubernetes-validations"] = rules;
        var stored = (await h.GetAsync(Crds + "/gauges.example.com")).Body;
        stored["spec"] = crd["spec"]!.DeepClone();
        Assert.Equal(200, (await h.PutAsync(Crds + "/gauges.example.com", stored.ToJsonString())).Code);

        // Then a write that leaves the spec as it was passes, and one that changes it must satisfy the rules
        var (labelCode, _) = await h.PatchAsync(Gauges + "/g", """{"metadata":{"labels":{"a":"b"}}}""");
        var (specCode, status) = await h.PatchAsync(Gauges + "/g", """{"spec":{"min":6}}""");
        Assert.Equal(200, labelCode);
        Assert.Equal(422, specCode);
        Assert.Equal(["spec.min", "spec"], Causes(status).Select(c => c.Field));
    }

    [Fact]
    public async Task A_rule_that_does_not_compile_is_refused_with_the_CRD()
    {
        await using var h = await ServerHarness.StartAsync();
        var crd = JsonNode.Parse(Manifests.GaugeCrdJson)!.AsObject();
        var spec = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!.AsObject();
        spec["x-kubernetes-validations"] = new JsonArray(
            new JsonObject { ["rule"] = "self.min <=", ["message"] = "broken" },
            new JsonObject { ["rule"] = "self.minimum <= self.max" },
            new JsonObject { ["rule"] = "self.min > 0", ["reason"] = "FieldValueWrong" },
            new JsonObject { ["rule"] = "self.min > 0", ["fieldPath"] = ".nope" });
        spec["properties"]!["tags"]!["items"]!["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = "self == oldSelf" });

        var (code, status) = await h.PostAsync(Crds, crd.ToJsonString());

        Assert.Equal(422, code);
        var causes = Causes(status);
        const string at = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
        Assert.Equal(
            [$"{at}.x-kubernetes-validations[0].rule", $"{at}.x-kubernetes-validations[1].rule", $"{at}.x-kubernetes-validations[2].reason", $"{at}.x-kubernetes-validations[3].fieldPath", $"{at}.properties[tags].items.x-kubernetes-validations[0].rule"],
            causes.Select(c => c.Field));
        Assert.StartsWith("Invalid value: apiextensions.ValidationRule{Rule:\"self.min <=\", Message:\"broken\"", causes[0].Message, StringComparison.Ordinal);
        Assert.Contains("compilation failed: ERROR: <input>:1:12: Syntax error: mismatched input '<EOF>'", causes[0].Message, StringComparison.Ordinal);
        Assert.Contains("compilation failed: ERROR: <input>:1:5: undefined field 'minimum'", causes[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("Unsupported value: \"FieldValueWrong\": supported values: \"FieldValueDuplicate\"", causes[2].Message, StringComparison.Ordinal);
        Assert.Contains("does not refer to a valid field", causes[3].Message, StringComparison.Ordinal);
        Assert.Contains("oldSelf cannot be used on the uncorrelatable portion of the schema", causes[4].Message, StringComparison.Ordinal);
        Assert.Equal(404, (await h.GetAsync(Crds + "/gauges.example.com")).Code);
    }

    [Theory]
    [InlineData("crds/modeldeployments.modeloperator.io.yaml")]
    [InlineData("charts/model-operator/crds/modeldeployments.modeloperator.io.yaml")]
    public async Task Every_rule_of_the_ModelDeployment_CRD_compiles(string path)
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.PostAsync(Crds, Manifests.ToJson(RepositoryFiles.Read(path)));

        Assert.True(code == 201, status.ToJsonString());
        Assert.Contains("x-kubernetes-validations", RepositoryFiles.Read(path), StringComparison.Ordinal);
    }
}

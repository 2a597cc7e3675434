using System.Text.Json.Nodes;
using ModelOperator.Api.Schema;
using ModelOperator.Contracts;

namespace ModelOperator.Api.Tests.Schema;

public sealed class CrdGeneratorTests
{
    private static readonly JsonObject Crd = CrdGenerator.Generate();

    private static JsonObject Version => Crd["spec"]!["versions"]![0]!.AsObject();

    private static JsonObject Root => Version["schema"]!["openAPIV3Schema"]!.AsObject();

    [Fact]
    public void The_committed_crd_is_the_generated_one()
    {
        var committed = RepositoryFiles.Read(CrdGenerator.RelativePath);

        Assert.True(committed == CrdGenerator.GenerateYaml(),
            $"{CrdGenerator.RelativePath} differs from what the C# types generate; run `make crds` and commit the result.");
    }

    [Fact]
    public void The_yaml_text_is_the_crd_tree_and_the_same_on_every_run()
    {
        var yaml = CrdGenerator.GenerateYaml();

        Assert.Equal(yaml, CrdGenerator.GenerateYaml());
        Assert.True(JsonNode.DeepEquals(Crd, YamlToJson.Read(yaml)), "the YAML does not read back as the generated tree");
    }

    [Fact]
    public void Names_scope_and_version_follow_the_design()
    {
        var spec = Crd["spec"]!;
        Assert.Equal("modeldeployments.modeloperator.io", Crd["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("modeloperator.io", spec["group"]!.GetValue<string>());
        Assert.Equal("Namespaced", spec["scope"]!.GetValue<string>());
        Assert.Equal("ModelDeployment", spec["names"]!["kind"]!.GetValue<string>());
        Assert.Equal("modeldeployments", spec["names"]!["plural"]!.GetValue<string>());
        Assert.Equal(["md"], spec["names"]!["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("v1alpha1", Version["name"]!.GetValue<string>());
        Assert.True(Version["served"]!.GetValue<bool>());
        Assert.True(Version["storage"]!.GetValue<bool>());
    }

    [Fact]
    public void Status_and_scale_subresources_point_at_replicas_and_the_selector()
    {
        var subresources = Version["subresources"]!;
        Assert.NotNull(subresources["status"]);
        Assert.Equal(".spec.replicas", subresources["scale"]!["specReplicasPath"]!.GetValue<string>());
        Assert.Equal(".status.replicas", subresources["scale"]!["statusReplicasPath"]!.GetValue<string>());
        Assert.Equal(".status.selector", subresources["scale"]!["labelSelectorPath"]!.GetValue<string>());

        // Each path names a field the schema declares, with the type /scale needs.
        Assert.Equal("integer", At(Root, "spec.replicas")["type"]!.GetValue<string>());
        Assert.Equal("integer", At(Root, "status.replicas")["type"]!.GetValue<string>());
        Assert.Equal("string", At(Root, "status.selector")["type"]!.GetValue<string>());
    }

    [Fact]
    public void Printer_columns_are_the_designed_ones_and_point_at_declared_fields()
    {
        var columns = Version["additionalPrinterColumns"]!.AsArray().Select(c => (
            Name: c!["name"]!.GetValue<string>(), Type: c["type"]!.GetValue<string>(), Path: c["jsonPath"]!.GetValue<string>())).ToList();

        Assert.Equal(
            [("Model", "string", ".spec.model.name"), ("Version", "string", ".spec.model.version"),
             ("Stable", "string", ".status.stableRevision.name"), ("Canary", "string", ".status.canaryRevision.name"),
             ("Weight", "integer", ".status.canaryWeight"), ("Phase", "string", ".status.phase"),
             ("Ready", "integer", ".status.readyReplicas"), ("Age", "date", ".metadata.creationTimestamp")],
            columns);
        foreach (var column in columns.Where(c => c.Name != "Age"))
        {
            Assert.Equal(column.Type, At(Root, column.Path.TrimStart('.'))["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Every_field_has_a_description()
    {
        var missing = new List<string>();
        Walk(Root, "", (path, schema) =>
        {
            if (schema["description"] is null)
            {
                missing.Add(path);
            }
        });

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_string_list_and_map_of_the_spec_is_bounded()
    {
        // So that no ModelDeployment can blow up the revision annotation the operator writes on a Deployment, nor the cache
        var unbounded = new List<string>();
        Walk(At(Root, "spec"), "spec", (path, schema) =>
        {
            var type = schema["type"]?.GetValue<string>();
            if (type == "string" && schema["maxLength"] is null && schema["enum"] is null)
            {
                unbounded.Add($"{path}: string without maxLength");
            }
            else if (type == "array" && schema["maxItems"] is null)
            {
                unbounded.Add($"{path}: list without maxItems");
            }
            else if (type == "object" && schema["additionalProperties"] is not null && schema["maxProperties"] is null)
            {
                unbounded.Add($"{path}: map without maxProperties");
            }
            else if (schema["x-kubernetes-preserve-unknown-fields"] is not null)
            {
                unbounded.Add($"{path}: free-form object");
            }
        });

        Assert.Empty(unbounded);
    }

    [Fact]
    public void Every_object_with_fields_is_structural()
    {
        Walk(Root, "", (path, schema) =>
        {
            Assert.True(schema["type"] is not null || schema["x-kubernetes-int-or-string"] is not null, $"{path} has no type");
            if (schema["properties"] is not null)
            {
                Assert.Equal("object", schema["type"]!.GetValue<string>());
            }
        });
    }

    [Theory]
    [InlineData("spec", "has(self.replicas) != has(self.autoscaling)")]
    [InlineData("spec.autoscaling", "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas")]
    [InlineData("spec.autoscaling", "has(self.targetInFlightPerPod) || has(self.targetP95Latency)")]
    [InlineData("spec.rollout.steps[]", "[has(self.setWeight), has(self.pause), has(self.analysis), has(self.shadow)].filter(x, x).size() == 1")]
    [InlineData("spec.rollout.analysis.provider", "has(self.prometheus) != has(self.direct)")]
    [InlineData("spec.rollout.analysis.provider.prometheus", "self.address.startsWith('http://') || self.address.startsWith('https://')")]
    [InlineData("spec.rollout.trafficRouting", "has(self.replicas) != has(self.gatewayAPI)")]
    [InlineData("spec.rollout.trafficRouting.gatewayAPI", "size(self.httpRoute) > 0")]
    [InlineData("spec.rollout", "!has(self.steps) || !self.steps.exists(s, has(s.analysis)) || has(self.analysis)")]
    [InlineData("spec.runtime", ModelOperator.Api.Validation.ReservedEnv.CelRule)]
    [InlineData("spec.runtime.nodeSelector", "self.all(k, size(k) >= 1 && size(k) <= 317)")]
    public void Cross_field_rules_are_cel_validations_with_a_message(string path, string rule)
    {
        var rules = At(Root, path)["x-kubernetes-validations"]?.AsArray() ?? [];

        var entry = Assert.Single(rules, r => r!["rule"]!.GetValue<string>() == rule);
        Assert.False(string.IsNullOrWhiteSpace(entry!["message"]?.GetValue<string>()));
    }

    [Fact]
    public void Required_fields_ranges_enums_and_defaults_are_in_the_schema()
    {
        Assert.Equal(["spec"], Root["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["name", "version", "uri", "sha256"], At(Root, "spec.model")["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["maxReplicas"], At(Root, "spec.autoscaling")["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["address"], At(Root, "spec.rollout.analysis.provider.prometheus")["required"]!.AsArray().Select(n => n!.GetValue<string>()));

        var weight = At(Root, "spec.rollout.steps[].setWeight");
        Assert.Equal(0, weight["minimum"]!.GetValue<long>());
        Assert.Equal(100, weight["maximum"]!.GetValue<long>());
        Assert.Equal(1.0, At(Root, "spec.rollout.analysis.maxErrorRate")["maximum"]!.GetValue<long>());
        Assert.Equal(
            [Phases.Pending, Phases.Progressing, Phases.Paused, Phases.Healthy, Phases.Degraded, Phases.RolledBack, Phases.Invalid],
            At(Root, "status.phase")["enum"]!.AsArray().Select(n => n!.GetValue<string>()));

        Assert.Equal(ModelDeploymentDefaults.AnalysisInterval, At(Root, "spec.rollout.analysis.interval")["default"]!.GetValue<string>());
        Assert.Equal(ModelDeploymentDefaults.MinSamples, At(Root, "spec.rollout.analysis.minSamples")["default"]!.GetValue<int>());
        Assert.Equal(ModelDeploymentDefaults.ProgressDeadline, At(Root, "spec.rollout.progressDeadline")["default"]!.GetValue<string>());
        Assert.Equal(ModelDeploymentDefaults.BakeTime, At(Root, "spec.rollout.bakeTime")["default"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"replicas":{}}"""), At(Root, "spec.rollout.trafficRouting")["default"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"direct":{}}"""), At(Root, "spec.rollout.analysis.provider")["default"]));
        Assert.Equal(GoDuration.Pattern, At(Root, "spec.rollout.steps[].pause.duration")["pattern"]!.GetValue<string>());
    }

    [Fact]
    public void Conditions_keep_the_standard_metav1_condition_schema()
    {
        var conditions = At(Root, "status.conditions");
        Assert.Equal("map", conditions["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Equal(["type"], conditions["x-kubernetes-list-map-keys"]!.AsArray().Select(n => n!.GetValue<string>()));
        var item = conditions["items"]!;
        Assert.Equal(["type", "status", "lastTransitionTime", "reason", "message"], item["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["True", "False", "Unknown"], item["properties"]!["status"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(316, item["properties"]!["type"]!["maxLength"]!.GetValue<int>());
        Assert.Equal("date-time", item["properties"]!["lastTransitionTime"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public void Every_reason_constant_fits_the_condition_reason_pattern()
    {
        var pattern = new System.Text.RegularExpressions.Regex(At(Root, "status.conditions[].reason")["pattern"]!.GetValue<string>());
        foreach (var field in typeof(Reasons).GetFields().Where(f => f.IsLiteral))
        {
            Assert.Matches(pattern, (string)field.GetRawConstantValue()!);
        }
    }

    [Fact]
    public void A_field_without_a_description_stops_the_generator()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchemaBuilder.ForType(typeof(Undescribed)));

        Assert.Contains("Undescribed.Color has no [Description]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The schema node at a dotted path; <c>name[]</c> steps into a list's items.</summary>
    internal static JsonObject At(JsonObject root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var isList = part.EndsWith("[]", StringComparison.Ordinal);
            var name = isList ? part[..^2] : part;
            node = node["properties"]?[name]?.AsObject() ?? throw new KeyNotFoundException($"{path}: no field '{name}'");
            if (isList)
            {
                node = node["items"]!.AsObject();
            }
        }

        return node;
    }

    private static void Walk(JsonObject schema, string path, Action<string, JsonObject> visit)
    {
        foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            visit(childPath, child!.AsObject());
            Walk(child.AsObject(), childPath, visit);
            if (child["items"] is JsonObject items)
            {
                visit(childPath + "[]", items);
                Walk(items, childPath + "[]", visit);
            }

            if (child["additionalProperties"] is JsonObject values)
            {
                visit(childPath + "{}", values);
            }
        }
    }

    private sealed record Undescribed
    {
        public string? Color { get; init; }
    }
}

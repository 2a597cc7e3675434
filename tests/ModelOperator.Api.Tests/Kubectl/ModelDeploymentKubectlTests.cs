using System.Text.Json;
using ModelOperator.Api.Validation;

namespace ModelOperator.Api.Tests.Kubectl;

/// <summary>
/// The generated CRD in a (in-memory) API server, driven by the real kubectl as a user would: apply, get, explain,
/// scale, and the server's schema and CEL (x-kubernetes-validations) validation of bad objects.
/// </summary>
public sealed class ModelDeploymentKubectlTests
{
    private const string ChurnExample = "examples/churn-modeldeployment.yaml";
    private const string AutoscaledExample = "examples/churn-autoscaled-modeldeployment.yaml";

    [Fact]
    public async Task The_examples_apply_and_come_back_with_the_schema_defaults_filled_in()
    {
        await using var h = await StartWithCrdAsync();

        // When both examples are applied
        var churn = (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ChurnExample))).EnsureSuccess();
        var autoscaled = (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(AutoscaledExample))).EnsureSuccess();
        Assert.Contains("modeldeployment.modeloperator.io/churn created", churn.Stdout, StringComparison.Ordinal);
        Assert.Contains("modeldeployment.modeloperator.io/churn-autoscaled created", autoscaled.Stdout, StringComparison.Ordinal);

        // Then the stored objects read into the C# types, with the defaults the schema declares
        var stored = await GetAsync(h, "churn");
        Assert.Equal(3, stored.Spec!.Replicas);
        Assert.NotNull(stored.Spec.Rollout!.TrafficRouting!.Replicas);
        Assert.Null(stored.Spec.Rollout.TrafficRouting.GatewayApi);
        Assert.False(stored.Spec.Paused);
        Assert.Equal("2ms", stored.Spec.Runtime!.Batching!.MaxBatchDelay);
        Assert.Equal(1, stored.Spec.Rollout.Analysis!.FailureLimit);

        var scaled = await GetAsync(h, "churn-autoscaled");
        Assert.Equal("churn-autoscaled", scaled.Spec!.Rollout!.TrafficRouting!.GatewayApi!.HttpRoute);
        Assert.Equal(ModelDeploymentDefaults.ProgressDeadline, scaled.Spec.Rollout.ProgressDeadline);
        Assert.Equal(ModelDeploymentDefaults.BakeTime, scaled.Spec.Rollout.BakeTime);
        Assert.Equal(ModelDeploymentDefaults.FailureLimit, scaled.Spec.Rollout.Analysis!.FailureLimit);
        Assert.NotNull(scaled.Spec.Rollout.Analysis.Provider!.Direct);
        Assert.Null(scaled.Spec.Replicas);

        // And the operator's own validation finds nothing wrong with them either
        Assert.Empty(ModelDeploymentValidator.Validate(stored));
        Assert.Empty(ModelDeploymentValidator.Validate(scaled));
    }

    [Fact]
    public async Task Get_md_shows_the_printer_columns_from_spec_and_status()
    {
        await using var h = await StartWithCrdAsync();
        (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ChurnExample))).EnsureSuccess();

        // Given the operator wrote a status through the status subresource
        const string status = """
            {"status":{"phase":"Progressing","stableRevision":{"name":"churn-0a1b2c3d4e","modelVersion":"1"},
             "canaryRevision":{"name":"churn-5f6a7b8c9d","modelVersion":"2"},"canaryWeight":10,"readyReplicas":4,"replicas":3,
             "selector":"modeloperator.io/deployment=churn"}}
            """;
        (await h.Kubectl.RunAsync("patch", "md", "churn", "--subresource=status", "--type=merge", "-p", status)).EnsureSuccess();

        // When a user lists ModelDeployments by their short name
        var table = (await h.Kubectl.RunAsync("get", "md")).EnsureSuccess();

        // Then the columns are the designed ones, filled from spec and status
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "MODEL", "VERSION", "STABLE", "CANARY", "WEIGHT", "PHASE", "READY", "AGE"], Words(lines[0]));
        var row = Words(lines[1]);
        Assert.Equal(["churn", "churn", "1", "churn-0a1b2c3d4e", "churn-5f6a7b8c9d", "10", "Progressing", "4"], row[..^1]);
    }

    [Fact]
    public async Task A_full_status_written_through_the_status_subresource_is_kept_field_for_field()
    {
        await using var h = await StartWithCrdAsync();
        (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ChurnExample))).EnsureSuccess();

        // Given a status with every field set, as the operator writes it
        var full = System.Text.Json.Nodes.JsonNode.Parse(ModelDeploymentJsonTests.Manifest)!["status"]!;
        var patch = new System.Text.Json.Nodes.JsonObject { ["status"] = full.DeepClone() }.ToJsonString();

        // When it is written through /status
        (await h.Kubectl.RunAsync("patch", "md", "churn", "--subresource=status", "--type=merge", "-p", patch)).EnsureSuccess();

        // Then the schema accepted and kept every field (pruning would drop any field the schema lacks)
        var stored = await GetAsync(h, "churn");
        var storedStatus = JsonSerializer.SerializeToNode(stored.Status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(full, storedStatus), storedStatus!.ToJsonString());
    }

    [Fact]
    public async Task A_condition_without_reason_or_message_is_rejected_as_metav1_Condition_requires()
    {
        await using var h = await StartWithCrdAsync();
        (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ChurnExample))).EnsureSuccess();

        const string patch = """{"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""";
        var result = await h.Kubectl.RunAsync("patch", "md", "churn", "--subresource=status", "--type=merge", "-p", patch);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("status.conditions[0].reason", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("status.conditions[0].message", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_shows_the_descriptions_of_the_analysis_fields()
    {
        await using var h = await StartWithCrdAsync();

        var result = Flat((await h.Kubectl.RunAsync("explain", "modeldeployment.spec.rollout.analysis")).EnsureSuccess().Stdout);

        Assert.Contains("KIND: ModelDeployment", result, StringComparison.Ordinal);
        Assert.Contains("FIELD: analysis <Object>", result, StringComparison.Ordinal);
        Assert.Contains("What the analysis measures, how often, and the thresholds that roll the canary back.", result, StringComparison.Ordinal);
        Assert.Contains("interval <string> How often to measure, and the window each measurement covers, as a duration.", result, StringComparison.Ordinal);
        Assert.Contains("maxErrorRate <number> The highest tolerated share of failed canary requests, from 0 to 1", result, StringComparison.Ordinal);
        Assert.Contains("maxPredictionDrift <number> The highest tolerated population stability index (PSI)", result, StringComparison.Ordinal);
        foreach (var field in new[] { "minSamples <integer>", "failureLimit <integer>", "maxP99Latency <string>", "maxFeatureDrift <number>", "provider <Object>" })
        {
            Assert.Contains(field, result, StringComparison.Ordinal);
        }

        var nested = Flat((await h.Kubectl.RunAsync("explain", "md.spec.rollout.steps.setWeight")).EnsureSuccess().Stdout);
        Assert.Contains("Send this percentage of traffic (0-100) to the canary and wait until its pods are ready.", nested, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_scale_writes_spec_replicas_through_the_scale_subresource()
    {
        await using var h = await StartWithCrdAsync();
        (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ChurnExample))).EnsureSuccess();

        (await h.Kubectl.RunAsync("scale", "md", "churn", "--replicas=5")).EnsureSuccess();

        Assert.Equal(5, (await GetAsync(h, "churn")).Spec!.Replicas);
    }

    public static TheoryData<string, string, string> Invalid => new()
    {
        { "spec:\n  rollout:\n    steps:\n    - setWeight: 150", "spec.rollout.steps[0].setWeight", "should be less than or equal to 100" },
        { "spec:\n  replicas: -1", "spec.replicas", "should be greater than or equal to 0" },
        { "spec:\n  model:\n    sha256: ABC", "spec.model.sha256", "should match" },
        { "spec:\n  model:\n    uri: ftp://host/model.onnx", "spec.model.uri", "should match" },
        { "spec:\n  rollout:\n    analysis:\n      maxErrorRate: 2", "spec.rollout.analysis.maxErrorRate", "should be less than or equal to 1" },
        { "spec:\n  rollout:\n    bakeTime: 5 minutes", "spec.rollout.bakeTime", "should match" },
        { "spec:\n  autoscaling:\n    maxReplicas: 0", "spec.autoscaling.maxReplicas", "should be greater than or equal to 1" },
        { "spec:\n  runtime:\n    tolerations:\n    - operator: Sometimes", "spec.runtime.tolerations[0].operator", "Unsupported value: \"Sometimes\"" },
        { "spec:\n  rollout:\n    trafficRouting:\n      gatewayAPI: {}", "spec.rollout.trafficRouting.gatewayAPI.httpRoute", "Required value" },
        { "spec:\n  model:\n    color: blue", "spec.model.color", "unknown field" },
        { "spec:\n  model:\n    uri: s3://b/" + new string('k', 4096), "spec.model.uri", "Too long: may not be more than 4096 bytes" },
        { "spec:\n  runtime:\n    env:\n" + string.Concat(Enumerable.Range(0, 65).Select(i => $"    - name: V{i}\n      value: x\n")), "spec.runtime.env", "Too many: 65: must have at most 64 items" },
        { "spec:\n  runtime:\n    env:\n    - name: A\n      value: " + new string('v', 2049), "spec.runtime.env[0].value", "Too long: may not be more than 2048 bytes" },
        { "spec:\n  runtime:\n    nodeSelector:\n" + string.Concat(Enumerable.Range(0, 33).Select(i => $"      k{i}: v\n")), "spec.runtime.nodeSelector", "Too many: 33: must have at most 32 items" },
        { "spec:\n  runtime:\n    tolerations:\n" + string.Concat(Enumerable.Range(0, 33).Select(i => $"    - key: k{i}\n      operator: Exists\n")), "spec.runtime.tolerations", "Too many: 33: must have at most 32 items" },
        { "spec:\n  runtime:\n    tolerations:\n    - key: " + new string('k', 318), "spec.runtime.tolerations[0].key", "Too long: may not be more than 317 bytes" },
        { "spec:\n  rollout:\n    progressDeadline: " + string.Concat(Enumerable.Repeat("1s", 33)), "spec.rollout.progressDeadline", "Too long: may not be more than 64 bytes" },
        { "spec:\n  runtime:\n    env:\n    - name: A\n      valueFrom:\n        secretKeyRef:\n          key: k\n          name: s\n          extra: " + new string('x', 100), "spec.runtime.env[0].valueFrom.secretKeyRef.extra", "unknown field" },

        // The CRD's CEL (x-kubernetes-validations) rules, one case each: the base object sets spec.replicas.
        { "spec:\n  autoscaling:\n    maxReplicas: 3\n    targetInFlightPerPod: 4", "spec: Invalid value: \"object\"", "set exactly one of spec.replicas (a fixed count) or spec.autoscaling" },
        { "spec:\n  rollout:\n    analysis:\n      maxFeatureDrift: 0.2", "spec.rollout.analysis.maxFeatureDrift", "compares live inputs with the reference profile" },
        { "spec:\n  rollout:\n    analysis:\n      maxUnseenCategoryShare: 0.01", "spec.rollout.analysis.maxUnseenCategoryShare", "judges the canary's inputs against its reference profile" },
        { "spec:\n  autoscaling:\n    minReplicas: 5\n    maxReplicas: 2\n    targetInFlightPerPod: 4", "spec.autoscaling.minReplicas", "autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas" },
        { "spec:\n  autoscaling:\n    maxReplicas: 3", "spec.autoscaling: Invalid value", "autoscaling needs a target" },
        { "spec:\n  rollout:\n    steps:\n    - setWeight: 10\n      pause: {}", "spec.rollout.steps[0]", "each rollout step sets exactly one of setWeight, pause, analysis or shadow" },
        { "spec:\n  rollout:\n    analysis:\n      provider:\n        prometheus:\n          address: prometheus:9090", "spec.rollout.analysis.provider.prometheus.address", "provider.prometheus needs an address" },
        { "spec:\n  rollout:\n    analysis:\n      provider:\n        prometheus:\n          address: http://prometheus:9090\n        direct: {}", "spec.rollout.analysis.provider", "set exactly one of provider.prometheus or provider.direct" },
        { "spec:\n  rollout:\n    trafficRouting:\n      gatewayAPI:\n        httpRoute: ''", "spec.rollout.trafficRouting.gatewayAPI.httpRoute", "trafficRouting.gatewayAPI needs httpRoute" },
        { "spec:\n  rollout:\n    trafficRouting:\n      replicas: {}\n      gatewayAPI:\n        httpRoute: web", "spec.rollout.trafficRouting", "set exactly one of trafficRouting.replicas or trafficRouting.gatewayAPI" },
        { "spec:\n  rollout:\n    steps:\n    - analysis: {}", "spec.rollout.steps", "an analysis step needs rollout.analysis" },
        { "spec:\n  rollout:\n    webhooks:\n    - name: approve\n      url: https://approvals.example.com/ml\n      kind: confirm\n      at: beforePromotion\n      headers:\n      - name: Authorization\n        value: x\n        valueFrom:\n          secretKeyRef: {name: approvals, key: token}",
            "spec.rollout.webhooks[0].headers[0]", "set exactly one of value or valueFrom" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_object_is_rejected_with_a_message_naming_the_field(string change, string field, string message)
    {
        await using var h = await StartWithCrdAsync();

        var manifest = Manifest(change);
        var result = await h.Kubectl.RunWithInputAsync(manifest, "apply", "-f", "-");

        Assert.True(result.ExitCode != 0, $"kubectl accepted:\n{manifest}\n{result.Stdout}");
        Assert.Contains(field, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, (await h.Kubectl.RunAsync("get", "md", "bad")).ExitCode);
    }

    /// <summary>A valid object named "bad" with one part overridden by <paramref name="change"/> (a YAML fragment merged over it).</summary>
    private static string Manifest(string change)
    {
        var valid = """
            {"apiVersion":"modeloperator.io/v1alpha1","kind":"ModelDeployment","metadata":{"name":"bad"},
             "spec":{"model":{"name":"m","version":"1","uri":"/models/m.onnx","sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
                     "replicas":1}}
            """;
        var merged = System.Text.Json.Nodes.JsonNode.Parse(valid)!.AsObject();
        Merge(merged, YamlToJson.Read(change)!.AsObject());
        return merged.ToJsonString();
    }

    private static void Merge(System.Text.Json.Nodes.JsonObject target, System.Text.Json.Nodes.JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is System.Text.Json.Nodes.JsonObject p && target[key] is System.Text.Json.Nodes.JsonObject t)
            {
                Merge(t, p);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>The API-server fixture with the committed CRD installed by <c>kubectl apply -f crds/…</c>, as a user would.</summary>
    internal static async Task<ApiServerFixture> StartWithCrdAsync()
    {
        var h = await ApiServerFixture.StartAsync();
        var result = (await h.Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(ModelOperator.Api.Schema.CrdGenerator.RelativePath))).EnsureSuccess();
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/modeldeployments.modeloperator.io", result.Stdout, StringComparison.Ordinal);
        return h;
    }

    private static async Task<ModelDeployment> GetAsync(ApiServerFixture h, string name)
    {
        var json = (await h.Kubectl.RunAsync("get", "md", name, "-o", "json")).EnsureSuccess().Stdout;
        return JsonSerializer.Deserialize(json, ModelDeployment.JsonTypeInfo)!;
    }

    /// <summary>kubectl explain wraps text at 80 columns and aligns with tabs; compare with single spaces.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

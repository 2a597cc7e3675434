using System.Text.Json.Nodes;
using ModelOperator.Api;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// The placement example applied with the real kubectl on the in-memory API server, the operator reconciling it: the
/// fields are explained and validated by the CRD, land in the revision's pod template, and each serving revision gets
/// a PodDisruptionBudget that goes away with the revision.
/// </summary>
public sealed class PlacementScenarioTests
{
    private const string Example = "examples/placement-modeldeployment.yaml";
    private const string Name = "churn-placed";

    [Fact]
    public async Task Kubectl_explain_describes_the_placement_fields()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var kubectl = KubectlFor(bed);

        var tolerations = Flat((await kubectl.RunAsync("explain", "md.spec.runtime.tolerations")).EnsureSuccess().Stdout);
        var affinity = Flat((await kubectl.RunAsync("explain", "md.spec.runtime.affinity.podAntiAffinity")).EnsureSuccess().Stdout);
        var budget = Flat((await kubectl.RunAsync("explain", "md.spec.runtime.disruptionBudget")).EnsureSuccess().Stdout);

        Assert.Contains("FIELD: tolerations <[]Object>", tolerations, StringComparison.Ordinal);
        Assert.Contains("Taints the serving pods tolerate.", tolerations, StringComparison.Ordinal);
        Assert.Contains("effect <string> enum: \"\", NoSchedule, PreferNoSchedule, NoExecute", tolerations, StringComparison.Ordinal);
        Assert.Contains("tolerationSeconds <integer>", tolerations, StringComparison.Ordinal);
        Assert.Contains("requiredDuringSchedulingIgnoredDuringExecution <[]Object>", affinity, StringComparison.Ordinal);
        Assert.Contains("maxUnavailable <", budget, StringComparison.Ordinal);
        Assert.Contains("a count (0 or more) or a percentage such as \"25%\"", budget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_applies_and_its_revision_carries_every_field_and_a_disruption_budget()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var kubectl = KubectlFor(bed);

        // When the example is applied as a user applies it, and the operator reconciles it
        (await kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(Example))).EnsureSuccess();
        var md = await bed.RunUntilAsync(Name, m => m.Status?.Phase == Phases.Healthy);
        var revision = md.Status!.StableRevision!.Name!;

        // Then the revision's pod template, read back with kubectl, carries each field of spec.runtime
        var deployment = JsonNode.Parse((await kubectl.RunAsync("get", "deployment", revision, "-o", "json")).EnsureSuccess().Stdout)!;
        var pod = deployment["spec"]!["template"]!;
        var spec = pod["spec"]!;
        var container = spec["containers"]![0]!;
        Assert.Equal("model-reader", (string?)spec["serviceAccountName"]);
        Assert.Equal("regcred", (string?)spec["imagePullSecrets"]![0]!["name"]);
        Assert.Equal("amd64", (string?)spec["nodeSelector"]!["kubernetes.io/arch"]);
        Assert.Equal("inference", (string?)spec["tolerations"]![0]!["value"]);
        Assert.Equal("NotIn", (string?)spec["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0]!["operator"]);
        Assert.Equal(100, (int?)spec["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["weight"]);
        Assert.Equal("topology.kubernetes.io/zone", (string?)Assert.Single(spec["topologySpreadConstraints"]!.AsArray())!["topologyKey"]);
        Assert.Equal("inference-high", (string?)spec["priorityClassName"]);
        Assert.Equal("ml-42", (string?)pod["metadata"]!["labels"]!["team.example.com/cost-center"]);
        Assert.Equal(revision, (string?)pod["metadata"]!["labels"]![Labels.Revision]);
        Assert.Equal("ml-platform", (string?)pod["metadata"]!["annotations"]!["example.com/owner"]);
        Assert.Equal("churn-tokens", (string?)container["env"]!.AsArray().Single(e => (string?)e!["name"] == "CHURN_API_TOKEN")!["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("CHURN_", (string?)container["envFrom"]![0]!["prefix"]);
        Assert.Equal("churn-settings", (string?)container["envFrom"]![0]!["configMapRef"]!["name"]);

        // And the revision has its PodDisruptionBudget, selecting its pods
        var pdb = JsonNode.Parse((await kubectl.RunAsync("get", "pdb", revision, "-o", "json")).EnsureSuccess().Stdout)!;
        Assert.Equal(1, (int?)pdb["spec"]!["maxUnavailable"]);
        Assert.Equal(revision, (string?)pdb["spec"]!["selector"]!["matchLabels"]![Labels.Revision]);
        Assert.Equal(Name, (string?)pdb["metadata"]!["ownerReferences"]![0]!["name"]);
    }

    [Fact]
    public async Task A_placement_change_rolls_out_and_the_old_revisions_budget_goes_with_it()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var kubectl = KubectlFor(bed);
        (await kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(Example))).EnsureSuccess();
        var before = (await bed.RunUntilAsync(Name, m => m.Status?.Phase == Phases.Healthy)).Status!.StableRevision!.Name!;

        // When the platform team moves the pods to another priority class
        (await kubectl.RunAsync("patch", "md", Name, "--type=merge", "-p", """{"spec":{"runtime":{"priorityClassName":"inference-low"}}}""")).EnsureSuccess();
        var canary = (await bed.RunUntilAsync(Name, m => m.Status?.CanaryRevision is not null)).Status!.CanaryRevision!.Name!;

        // Then it rolls out as a canary, both revisions hold a budget meanwhile, and after promotion only the new one does
        Assert.NotEqual(before, canary);
        Assert.Equal(new[] { before, canary }.Order(StringComparer.Ordinal), await BudgetsAsync(kubectl));
        await bed.RunUntilAsync(Name, m => m.Status?.Phase == Phases.Healthy && m.Status.StableRevision?.Name == canary, tick: TimeSpan.FromSeconds(15));
        Assert.Equal(new[] { before, canary }.Order(StringComparer.Ordinal), await BudgetsAsync(kubectl)); // the previous revision stays warm while the new one bakes

        // And once the bake time is over, the previous revision is scaled to 0 and its budget is deleted
        bed.Clock.Advance(TimeSpan.FromMinutes(6));
        await bed.RoundAsync(Name);
        await bed.RoundAsync(Name);
        Assert.Equal([canary], await BudgetsAsync(kubectl));
        Assert.Equal("0", (await kubectl.RunAsync("get", "deployment", before, "-o", "jsonpath={.spec.replicas}")).EnsureSuccess().Stdout);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "labels:\n      modeloperator.io/revision: mine", "spec.runtime.labels", "may not set the operator's own labels" },
        { "annotations:\n      prometheus.io/port: \"1\"", "spec.runtime.annotations", "may not set the operator's own annotations" },
        { "envFrom:\n    - configMapRef:\n        name: settings", "spec.runtime.envFrom", "needs a prefix of letters and digits ending in '_'" },
        { "envFrom:\n    - prefix: LD_\n      configMapRef:\n        name: settings", "spec.runtime.envFrom", "that no reserved name begins with" },
        { "disruptionBudget:\n      maxUnavailable: 1\n      minAvailable: 1", "spec.runtime.disruptionBudget", "set exactly one of disruptionBudget.maxUnavailable or disruptionBudget.minAvailable" },
        { "tolerations:\n    - key: a\n      operator: Sometimes", "spec.runtime.tolerations[0].operator", "Unsupported value" },
        { "topologySpreadConstraints:\n    - maxSkew: 0\n      topologyKey: zone\n      whenUnsatisfiable: DoNotSchedule", "spec.runtime.topologySpreadConstraints[0].maxSkew", "should be greater than or equal to 1" },
        { "affinity:\n      nodeAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 101\n          preference: {}", "spec.runtime.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "should be less than or equal to 100" },
        { "imagePullSecrets:\n    - {}", "spec.runtime.imagePullSecrets[0].name", "Required value" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task The_api_server_refuses_what_the_crd_rules_out(string runtime, string field, string message)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var kubectl = KubectlFor(bed);
        var manifest = Manifest(runtime);

        var result = await kubectl.RunWithInputAsync(manifest, "apply", "-f", "-");

        Assert.True(result.ExitCode != 0, $"kubectl accepted:\n{manifest}\n{result.Stdout}");
        Assert.Contains(field, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disruptionBudget:\n      maxUnavailable: 0")]
    [InlineData("disruptionBudget:\n      minAvailable: \"100%\"")]
    [InlineData("envFrom:\n    - prefix: LDX_\n      secretRef:\n        name: keys")]
    [InlineData("labels:\n      app.kubernetes.io/part-of: churn")]
    [InlineData("topologySpreadConstraints: []")]
    public async Task The_api_server_accepts_the_edges_the_crd_allows(string runtime)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var kubectl = KubectlFor(bed);

        var result = await kubectl.RunWithInputAsync(Manifest(runtime), "apply", "-f", "-");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private static string Manifest(string runtime) =>
        $"apiVersion: modeloperator.io/v1alpha1\nkind: ModelDeployment\nmetadata:\n  name: bad\nspec:\n  model:\n    name: m\n    version: \"1\"\n    uri: /models/m.onnx\n    sha256: {new string('a', 64)}\n  replicas: 2\n  runtime:\n    {runtime}\n";

    private static async Task<List<string>> BudgetsAsync(Kubectl kubectl)
    {
        var list = JsonNode.Parse((await kubectl.RunAsync("get", "pdb", "-o", "json")).EnsureSuccess().Stdout)!;
        return [.. list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal)];
    }

    private static Kubectl KubectlFor(OperatorTestBed bed)
    {
        var dir = Directory.CreateTempSubdirectory("operator-placement-").FullName;
        return new Kubectl(bed.Server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"), OperatorTestBed.Namespace), dir);
    }

    /// <summary>kubectl explain's output with runs of white space as one space.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ");
}

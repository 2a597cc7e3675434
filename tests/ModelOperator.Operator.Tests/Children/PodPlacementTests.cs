using ModelOperator.Rollouts.Planning;
using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Children;

/// <summary>spec.runtime's placement and shaping fields in the revision's pod template, and the revision's PodDisruptionBudget.</summary>
public sealed class PodPlacementTests
{
    private const string Revision = "churn-0a1b2c3d4e";
    private static readonly OperatorOptions Options = new();

    /// <summary>Every placement and shaping field set, as a platform team would.</summary>
    internal static RuntimeSpec Placed(RuntimeSpec runtime) => runtime with
    {
        ServiceAccountName = "model-reader",
        ImagePullSecrets = [new LocalObjectReference { Name = "regcred" }],
        Affinity = new Affinity
        {
            NodeAffinity = new NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelectorRules { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "zone", Operator = "In", Values = ["a", "b"] }] }] },
            },
            PodAntiAffinity = new PodAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 100, PodAffinityTerm = new PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [Labels.Deployment] = "churn" } } } }],
            },
        },
        TopologySpreadConstraints = [new TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "DoNotSchedule", MinDomains = 2 }],
        PriorityClassName = "inference-high",
        Labels = new Dictionary<string, string> { ["team.example.com/cost-center"] = "ml-42" },
        Annotations = new Dictionary<string, string> { ["sidecar.istio.io/inject"] = "false" },
        Env = [.. runtime.Env ?? [], new EnvVar { Name = "API_TOKEN", ValueFrom = JsonDocument.Parse("""{"secretKeyRef":{"name":"tokens","key":"api"}}""").RootElement }],
        EnvFrom = [new EnvFromSource { Prefix = "APP_", ConfigMapRef = new EnvSourceReference { Name = "settings" } }],
        DisruptionBudget = new DisruptionBudgetSpec { MinAvailable = "50%" },
    };

    private static Deployment Build(ModelDeployment md, int replicas = 3) =>
        DeploymentBuilder.Build(md, Samples.Revision(md, Revision, replicas), Options);

    [Fact]
    public void A_pod_template_with_every_placement_field_matches_the_golden_file()
    {
        var md = Samples.Churn(s => s with { Runtime = Placed(s.Runtime!) });

        var deployment = Build(md);

        Golden.Verify("deployment-placed.json", Samples.Json(deployment));
        var pod = deployment.Spec!.Template!;
        Assert.Equal("model-reader", pod.Spec!.ServiceAccountName);
        Assert.Equal("inference-high", pod.Spec.PriorityClassName);
        Assert.Equal("regcred", Assert.Single(pod.Spec.ImagePullSecrets!).Name);
        Assert.Equal(md.Spec!.Runtime!.Affinity, pod.Spec.Affinity);
        Assert.Equal("topology.kubernetes.io/zone", Assert.Single(pod.Spec.TopologySpreadConstraints!).TopologyKey); // the spec's own replaces the default
        Assert.Equal("ml-42", pod.Metadata!.Labels!["team.example.com/cost-center"]);
        Assert.Equal("false", pod.Metadata.Annotations!["sidecar.istio.io/inject"]);
        var container = Assert.Single(pod.Spec.Containers!);
        Assert.Equal("APP_", Assert.Single(container.EnvFrom!).Prefix);
        Assert.Equal("tokens", container.Env!.Single(e => e.Name == "API_TOKEN").ValueFrom!.Value.GetProperty("secretKeyRef").GetProperty("name").GetString());
    }

    [Fact]
    public void The_operators_labels_and_annotations_win_over_the_users()
    {
        // Given a spec the validator would refuse (read from an old Deployment, or a server without the CRD's rules)
        var md = Samples.Churn(s => s with
        {
            Runtime = s.Runtime! with
            {
                Labels = new Dictionary<string, string> { [Labels.Revision] = "someone-else", ["team"] = "ml" },
                Annotations = new Dictionary<string, string> { ["prometheus.io/port"] = "1", ["owner"] = "ml" },
            },
        });

        var pod = Build(md).Spec!.Template!.Metadata!;

        // Then the selector labels and the scrape settings are the operator's, and the user's others are kept
        Assert.Equal(Revision, pod.Labels![Labels.Revision]);
        Assert.Equal("ml", pod.Labels["team"]);
        Assert.Equal(Options.ModelServerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Annotations!["prometheus.io/port"]);
        Assert.Equal("ml", pod.Annotations["owner"]);
    }

    [Fact]
    public void Every_annotation_the_builder_sets_on_pods_is_reserved()
    {
        var pod = Build(Samples.Churn()).Spec!.Template!.Metadata!;

        Assert.All(pod.Annotations!.Keys, k => Assert.True(PodMetadata.IsReservedAnnotation(k), k));
        Assert.All(pod.Labels!.Keys, k => Assert.True(PodMetadata.IsReservedLabel(k), k));
    }

    public static TheoryData<string, int?, int?, bool> SpreadCases => new()
    {
        // case, spec.replicas, autoscaling.maxReplicas, spreads
        { "3 replicas", 3, null, true },
        { "2 replicas", 2, null, true },
        { "1 replica", 1, null, false },
        { "0 replicas", 0, null, false },
        { "autoscaling up to 4", null, 4, true },
        { "autoscaling up to 1", null, 1, false },
    };

    [Theory]
    [MemberData(nameof(SpreadCases))]
    public void Without_a_spread_of_its_own_a_revision_spreads_over_nodes_from_2_replicas(string name, int? replicas, int? maxReplicas, bool spreads)
    {
        var md = Samples.Churn(s => s with { Replicas = replicas, Autoscaling = maxReplicas is { } max ? new AutoscalingSpec { MaxReplicas = max, TargetInFlightPerPod = 4 } : null });

        // The revision's own count does not matter (a canary growing from 1 to 2 pods keeps its template)
        var constraints = Build(md, replicas: 1).Spec!.Template!.Spec!.TopologySpreadConstraints;

        if (!spreads)
        {
            Assert.True(constraints is null, name);
            return;
        }

        var spread = Assert.Single(constraints!);
        Assert.Equal((1, "kubernetes.io/hostname", "ScheduleAnyway"), (spread.MaxSkew, spread.TopologyKey, spread.WhenUnsatisfiable));
        Assert.Equal(ChildNames.RevisionSelector("churn", Revision), spread.LabelSelector!.MatchLabels);
    }

    [Fact]
    public void An_empty_spread_list_turns_the_default_off()
    {
        var md = Samples.Churn(s => s with { Runtime = s.Runtime! with { TopologySpreadConstraints = [] } });

        Assert.Null(Build(md).Spec!.Template!.Spec!.TopologySpreadConstraints);
    }

    public static TheoryData<int, string?, string?, string?> BudgetCases => new()
    {
        // revision replicas, spec budget ("max:N" or "min:N"), expected maxUnavailable, expected minAvailable
        { 3, null, "1", null },
        { 2, null, "1", null },
        { 1, null, null, null },
        { 0, "max:1", null, null }, // a revision scaled to zero (a rolled-back canary) keeps no budget
        { 1, "min:1", null, "1" },
        { 4, "max:25%", "25%", null },
        { 4, "min:75%", null, "75%" },
    };

    [Theory]
    [MemberData(nameof(BudgetCases))]
    public void A_revision_gets_its_disruption_budget_from_the_spec_or_the_default(int replicas, string? set, string? maxUnavailable, string? minAvailable)
    {
        DisruptionBudgetSpec? spec = set?.Split(':') switch
        {
            ["max", var v] => new() { MaxUnavailable = Value(v) },
            ["min", var v] => new() { MinAvailable = Value(v) },
            _ => null,
        };

        var budget = RevisionDisruptionBudget.For(new RuntimeSpec { DisruptionBudget = spec }, replicas);

        if (maxUnavailable is null && minAvailable is null)
        {
            Assert.Null(budget);
            return;
        }

        var pdb = PdbBuilder.Build(Samples.Churn(), Revision, budget!);
        Assert.Equal((maxUnavailable, minAvailable), (pdb.Spec!.MaxUnavailable?.ToString(), pdb.Spec.MinAvailable?.ToString()));
    }

    [Fact]
    public void The_disruption_budget_selects_the_revisions_pods_owned_by_the_model_deployment()
    {
        var md = Samples.Churn();

        var pdb = PdbBuilder.Build(md, Revision, RevisionDisruptionBudget.Default);

        Golden.Verify("pdb.json", Samples.Json(pdb));
        Assert.Equal(Build(md).Spec!.Selector!.MatchLabels, pdb.Spec!.Selector!.MatchLabels);
        var owner = Assert.Single(pdb.Metadata.OwnerReferences!);
        Assert.Equal((ModelDeployment.KindName, "churn", true), (owner.Kind, owner.Name, owner.Controller));
    }

    private static IntOrString Value(string text) =>
        int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? IntOrString.FromInt(n) : IntOrString.FromString(text);
}

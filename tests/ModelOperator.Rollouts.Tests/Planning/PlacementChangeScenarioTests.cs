using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>A change of where or how the serving pods run is a new revision and rolls out as a canary, like a new model.</summary>
public sealed class PlacementChangeScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(20), Pause(), Weight(100)];

    public static TheoryData<string> Changes => new() { "affinity", "tolerations", "topology spread", "service account", "pull secrets", "priority", "pod labels", "pod annotations", "envFrom", "env from a Secret" };

    private static RuntimeSpec Change(RuntimeSpec runtime, string change) => change switch
    {
        "affinity" => runtime with { Affinity = new Affinity { PodAntiAffinity = new PodAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 100, PodAffinityTerm = new PodAffinityTerm { TopologyKey = "kubernetes.io/hostname" } }] } } },
        "tolerations" => runtime with { Tolerations = [new Toleration { Key = "dedicated", Operator = "Exists" }] },
        "topology spread" => runtime with { TopologySpreadConstraints = [new TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "DoNotSchedule" }] },
        "service account" => runtime with { ServiceAccountName = "model-reader" },
        "pull secrets" => runtime with { ImagePullSecrets = [new LocalObjectReference { Name = "regcred" }] },
        "priority" => runtime with { PriorityClassName = "inference-high" },
        "pod labels" => runtime with { Labels = new Dictionary<string, string> { ["team"] = "ml" } },
        "pod annotations" => runtime with { Annotations = new Dictionary<string, string> { ["example.com/owner"] = "ml" } },
        "envFrom" => runtime with { EnvFrom = [new EnvFromSource { Prefix = "APP_", ConfigMapRef = new EnvSourceReference { Name = "settings" } }] },
        "env from a Secret" => runtime with { Env = [new EnvVar { Name = "TOKEN", ValueFrom = System.Text.Json.JsonDocument.Parse("""{"secretKeyRef":{"name":"tokens","key":"api"}}""").RootElement }] },
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_placement_change_starts_a_canary_at_the_first_step(string change)
    {
        // Given version 1 healthy on 10 pods
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 10));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v1 = cluster.Status.StableRevision!.Name!;

        // When only the pods' placement or shape changes (same model)
        cluster.Update(md => md.WithSpec(s => s with { Runtime = Change(s.Runtime ?? new RuntimeSpec(), change) }));
        var plan = cluster.Reconcile();

        // Then a new revision of the same model version is the canary at 20%, beside the untouched stable one
        var canary = cluster.Status.CanaryRevision!;
        Assert.NotEqual(v1, canary.Name);
        Assert.Equal("1", canary.ModelVersion);
        Assert.Equal([(v1, RevisionRole.Stable, 8), (canary.Name!, RevisionRole.Canary, 2)], Roles(plan));
    }

    [Fact]
    public void A_disruption_budget_change_starts_no_canary()
    {
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 10));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v1 = cluster.Status.StableRevision!.Name!;

        cluster.Update(md => md.WithSpec(s => s with { Runtime = (s.Runtime ?? new RuntimeSpec()) with { DisruptionBudget = new DisruptionBudgetSpec { MinAvailable = "80%" } } }));
        var plan = cluster.Reconcile();

        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal([(v1, RevisionRole.Stable, 10)], Roles(plan));
    }
}

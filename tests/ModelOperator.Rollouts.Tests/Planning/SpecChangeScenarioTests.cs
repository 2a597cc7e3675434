using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class SpecChangeScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(20), Analyze(), Weight(50), Pause(), Weight(100)];

    private static FakeCluster Deployed(TrafficRouting? routing = null)
    {
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 10, routing: routing));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    [Fact]
    public void A_new_spec_mid_rollout_restarts_on_the_newest_revision_and_drops_the_one_in_between()
    {
        // Given version 2 is a canary at 50% waiting in a pause
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        var v2 = cluster.Status.CanaryRevision!.Name!;

        // When version 3 is applied
        cluster.Update(md => md.WithVersion("3"));
        var plan = cluster.Reconcile();

        // Then version 3 is the canary from step 1, version 2's Deployment is gone (not quarantined), stable untouched
        var v3 = cluster.Status.CanaryRevision!.Name!;
        Assert.Equal("3", cluster.Status.CanaryRevision.ModelVersion);
        Assert.Equal(0, cluster.Status.CurrentStepIndex);
        Assert.Equal([(v1, RevisionRole.Stable, 8), (v3, RevisionRole.Canary, 2)], Roles(plan));
        Assert.DoesNotContain(v2, cluster.Deployments.Keys);
        Assert.Null(cluster.Status.QuarantinedRevisions);
        Assert.Contains($"replaces canary {v2}", cluster.Status.LastDecision!.Message, StringComparison.Ordinal);

        // And its analysis starts over: the step needs a new pass measured at least one interval after it began
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 2);
        var passes = cluster.Decisions.Where(d => d.Reason == Reasons.AnalysisPassed).ToList();
        Assert.Equal(2, passes.Count); // one for version 2, one for version 3
        Assert.True(passes[1].Time > plan.Status.CanaryStartTime!.Value.AddSeconds(29));
    }

    [Fact]
    public void A_spec_equal_to_stable_is_an_immediate_rollback_without_steps()
    {
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        var v2 = cluster.Status.CanaryRevision!.Name!;

        cluster.Update(md => md.WithVersion("1"));
        var plan = cluster.Reconcile();

        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(v1, cluster.Status.StableRevision!.Name);
        Assert.Equal([(v1, RevisionRole.Stable, 10)], Roles(plan));
        Assert.Equal([new TrafficBackend(v1, 100)], plan.Traffic!.Backends);
        Assert.Equal((DecisionActions.Rollback, Reasons.Undo), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
        Assert.Contains($"canary {v2} removed without steps", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Null(cluster.Status.QuarantinedRevisions); // a change of mind, not a failure
        cluster.Reconcile();
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
    }

    [Fact]
    public void An_invalid_spec_changes_nothing_and_reports_once()
    {
        var cluster = Deployed();
        var before = cluster.Status;

        cluster.Update(md => md.WithSpec(s => s with { Model = s.Model! with { Sha256 = "not-a-digest" }, Rollout = s.Rollout! with { ProgressDeadline = "soon" } }));
        var plan = cluster.Reconcile();
        var again = cluster.Reconcile();

        Assert.Null(plan.Revisions);
        Assert.Null(plan.Traffic);
        Assert.Equal(Phases.Invalid, cluster.Status.Phase);
        Assert.Equal(before.StableRevision, cluster.Status.StableRevision);
        var degraded = cluster.Status.Conditions!.Single(c => c.Type == Conditions.Degraded);
        Assert.Equal((ConditionStatus.True, Reasons.InvalidSpec), (degraded.Status, degraded.Reason));
        Assert.Contains("spec.model.sha256", degraded.Message, StringComparison.Ordinal);
        Assert.Contains("spec.rollout.progressDeadline", degraded.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.InvalidSpec, Assert.Single(plan.Events).Reason);
        Assert.Empty(again.Events);
        Assert.Equal(cluster.Md.Metadata.Generation, cluster.Status.ObservedGeneration);

        // Fixing the spec resumes normal planning
        cluster.Update(md => md.WithVersion("1").WithSpec(s => s with { Rollout = s.Rollout! with { ProgressDeadline = "5m" } }));
        cluster.Reconcile();
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.Degraded));
    }

    [Fact]
    public void Gateway_routing_keeps_stable_full_and_reports_the_weight_on_the_route()
    {
        var cluster = Deployed(new TrafficRouting { GatewayApi = new GatewayApiRouting { HttpRoute = "churn-route" } });
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));

        var plan = cluster.Reconcile();
        var v2 = cluster.Status.CanaryRevision!.Name!;

        Assert.Equal([(v1, RevisionRole.Stable, 10), (v2, RevisionRole.Canary, 2)], Roles(plan));
        Assert.Equal(TrafficRoutingMode.GatewayApi, plan.Traffic!.Mode);
        Assert.Equal("churn-route", plan.Traffic.HttpRoute);
        Assert.Equal([new TrafficBackend(v1, 100), new TrafficBackend(v2, 0)], plan.Traffic.Backends); // no ready canary pod yet
        Assert.Equal([new TrafficBackend(v1, 80), new TrafficBackend(v2, 20)], cluster.Reconcile().Traffic!.Backends);

        // The status weight is what the (opted-in) route says, once the canary has ready pods
        cluster.Route = new HttpRoute
        {
            Metadata = new ObjectMeta { Name = "churn-route", Annotations = new Dictionary<string, string> { [Annotations.ManagedByModelDeployment] = Name } },
            Spec = new HttpRouteSpec { Rules = [new HttpRouteRule { BackendRefs = [new HttpBackendRef { Name = v1, Weight = 80 }, new HttpBackendRef { Name = v2, Weight = 20 }] }] },
        };
        cluster.Reconcile();
        Assert.Equal(20, cluster.Status.CanaryWeight);
    }

    [Fact]
    public void Autoscaling_splits_the_sum_of_the_revisions_recommendations_and_keeps_their_memory()
    {
        var md = Create("1", Steps, Thresholds()).WithSpec(s => s with
        {
            Replicas = null,
            Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 20, TargetInFlightPerPod = 4, ScaleDownStabilization = "5m" },
        });
        var cluster = new FakeCluster(md);
        cluster.Load["x"] = new LoadObservation();
        var first = cluster.Reconcile();
        var v1 = cluster.Status.StableRevision!.Name!;
        Assert.Equal(2, first.Revisions!.Single().Replicas); // no load known: hold at 0, clamped to min 2

        // 30 requests in flight on stable: ceil(30 / 4) = 8
        cluster.Load[v1] = new LoadObservation { InFlight = 30 };
        var scaled = cluster.Reconcile();
        Assert.Equal(8, scaled.Revisions!.Single().Replicas);
        Assert.Equal([(v1, 8)], cluster.Status.RecommendedReplicas!.Select(r => (r.Revision!, r.Replicas!.Value)));
        Assert.NotEmpty(cluster.Status.Progress!.ScaleMemory!);

        // A canary at 20% of the summed recommendation
        cluster.Update(m => m.WithVersion("2"));
        var canaryPlan = cluster.Reconcile();
        var v2 = cluster.Status.CanaryRevision!.Name!;
        Assert.Equal([(v1, RevisionRole.Stable, 6), (v2, RevisionRole.Canary, 2)], Roles(canaryPlan));

        // Load drops to nothing: the total stays at 8 for the stabilization window, then falls to minReplicas
        cluster.Load[v1] = new LoadObservation { InFlight = 0 };
        cluster.Load[v2] = new LoadObservation { InFlight = 0 };
        cluster.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(8, cluster.Reconcile().Revisions!.Where(r => r.Role != RevisionRole.Retained).Sum(r => r.Replicas));
        cluster.Advance(TimeSpan.FromMinutes(5));
        var low = cluster.Reconcile();
        Assert.Equal([(v1, RevisionRole.Stable, 1), (v2, RevisionRole.Canary, 1)], Roles(low));
        Assert.Equal([(v1, 1), (v2, 1)], cluster.Status.RecommendedReplicas!.Select(r => (r.Revision!, r.Replicas!.Value)));
    }

    [Fact]
    public void Planning_is_deterministic_and_does_not_touch_its_inputs()
    {
        var cluster = Deployed();
        cluster.Update(md => md.WithVersion("2"));
        cluster.Reconcile();
        var md = cluster.Md;
        var snapshot = cluster.Snapshot();
        var json = System.Text.Json.JsonSerializer.Serialize(md, ModelDeploymentJsonContext.Default.ModelDeployment);

        var first = RolloutPlanner.Plan(md, snapshot, null, cluster.Now, FakeCluster.Settings);
        var second = RolloutPlanner.Plan(md, snapshot, null, cluster.Now, FakeCluster.Settings);

        Assert.True(KubernetesJson.SemanticEquals(first.Status, second.Status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus));
        Assert.Equal(first.Revisions, second.Revisions);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.RequeueAfter, second.RequeueAfter);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(md, ModelDeploymentJsonContext.Default.ModelDeployment));
    }

    [Fact]
    public void A_steady_state_plan_repeats_the_status_exactly_so_nothing_is_written()
    {
        var cluster = Deployed();
        var before = cluster.Status;

        cluster.Advance(TimeSpan.FromMinutes(30));
        var plan = cluster.Reconcile();

        Assert.True(KubernetesJson.SemanticEquals(before, plan.Status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus));
        Assert.Empty(plan.Events);
        Assert.Empty(plan.Annotations);
        Assert.Null(plan.RequeueAfter);
        Assert.Null(plan.NextAnalysis);
    }

    [Fact]
    public void A_restarted_operator_resumes_from_status_and_the_progress_annotation()
    {
        // Given a canary half way through, and a new operator that only has the stored object
        var cluster = Deployed();
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);
        cluster.Advance(TimeSpan.FromSeconds(10));
        var stored = cluster.Md;

        // When it plans twice from the same stored state
        var plan = RolloutPlanner.Plan(stored, cluster.Snapshot(), null, cluster.Now, FakeCluster.Settings);

        // Then it continues the same step with the same canary, without starting over
        Assert.Equal(1, plan.Status.CurrentStepIndex);
        Assert.Equal(stored.Status!.CanaryRevision, plan.Status.CanaryRevision);
        Assert.Equal(stored.Status.CanaryStartTime, plan.Status.CanaryStartTime);
        Assert.DoesNotContain(plan.Events, e => e.Reason == Reasons.Progressing);
        Assert.Equal(stored.Status.CanaryRevision!.Name, plan.NextAnalysis!.Revision);
    }
}

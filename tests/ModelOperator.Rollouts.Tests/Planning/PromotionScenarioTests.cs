using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class PromotionScenarioTests
{
    private static FakeCluster Deployed(ModelDeployment md)
    {
        var cluster = new FakeCluster(md);
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    [Fact]
    public void First_deployment_goes_straight_to_stable_without_steps()
    {
        // Given a new ModelDeployment with canary steps
        var cluster = new FakeCluster(Create("1", [Weight(20), Pause(), Weight(100)], replicas: 3));

        // When it is reconciled the first time
        var plan = cluster.Reconcile();

        // Then its revision is stable at full replicas, with no canary and no pause
        var revision = Assert.Single(plan.Revisions!);
        Assert.Equal((RevisionRole.Stable, 3), (revision.Role, revision.Replicas));
        Assert.Equal("1", revision.Spec!.ModelVersion);
        Assert.Equal(revision.Name, cluster.Status.StableRevision!.Name);
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(Phases.Pending, cluster.Status.Phase);
        Assert.Equal(DecisionActions.Promote, cluster.Status.LastDecision!.Action);
        Assert.Equal(1, Assert.Single(cluster.Status.RevisionHistory!).Revision);
        Assert.Equal(Reasons.Promoted, Assert.Single(plan.Events).Reason);

        // And once the pods are ready it is Healthy and Ready
        cluster.Reconcile();
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
        Assert.Equal(ConditionStatus.True, Condition(cluster, Conditions.Ready));
        Assert.Equal(ConditionStatus.True, Condition(cluster, Conditions.ModelVerified));
        Assert.Equal(3, cluster.Status.ReadyReplicas);
        Assert.Equal("modeloperator.io/deployment=churn", cluster.Status.Selector);
    }

    [Fact]
    public void A_new_model_version_is_promoted_through_weights_pauses_and_analysis()
    {
        // Given version 1 is stable with 10 replicas and a canary plan
        IReadOnlyList<RolloutStep> steps = [Weight(10), Pause("1m"), Analyze(), Weight(50), Analyze(), Weight(100)];
        var cluster = Deployed(Create("1", steps, Thresholds(), replicas: 10, bakeTime: "0s"));
        var v1 = cluster.Status.StableRevision!.Name;

        // When the spec asks for version 2
        cluster.Update(md => md.WithVersion("2"));
        var started = cluster.Reconcile();

        // Then a canary starts beside stable at the first weight
        var canary = cluster.Status.CanaryRevision!.Name!;
        Assert.NotEqual(v1, canary);
        Assert.Equal(Phases.Progressing, cluster.Status.Phase);
        Assert.Equal([(v1, RevisionRole.Stable, 9), (canary, RevisionRole.Canary, 1)], Roles(started));
        Assert.Equal([new TrafficBackend(v1!, 90), new TrafficBackend(canary, 10)], started.Traffic!.Backends);
        Assert.Equal(ConditionStatus.True, Condition(cluster, Conditions.Progressing));

        // And the rollout passes every step, with the weights seen on the way, and promotes version 2
        var weights = new List<int>();
        cluster.RunUntil(c =>
        {
            weights.Add(c.Status.CanaryWeight ?? 0);
            return c.Status.CanaryRevision is null;
        });
        Assert.Equal(canary, cluster.Status.StableRevision!.Name);
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
        Assert.Contains(10, weights);
        Assert.Contains(50, weights);
        Assert.Equal(weights.Where(w => w > 0).Order(), weights.Where(w => w > 0)); // the weight only rises
        Assert.Equal(
            [Reasons.Progressing, Reasons.StepComplete, Reasons.Paused, Reasons.StepComplete, Reasons.StepComplete, Reasons.StepComplete, Reasons.StepComplete, Reasons.StepComplete, Reasons.Promoted],
            cluster.Events.Skip(1).Select(e => e.Reason));
        Assert.Equal([1, 2], cluster.Status.RevisionHistory!.Select(h => h.Revision!.Value));
        Assert.Equal(6, cluster.Status.CurrentStepIndex);

        // And the analysis steps waited for a full interval after they began
        var analysisSteps = cluster.Decisions.Where(d => d.Reason == Reasons.AnalysisPassed).ToList();
        Assert.Equal(2, analysisSteps.Count);
        Assert.All(analysisSteps, d => Assert.Equal("errorRate", d.Metric));
        Assert.All(analysisSteps, d => Assert.Equal(500, d.Samples));

        // And the old revision is kept for undo at zero replicas
        var last = cluster.Reconcile();
        Assert.Equal([(canary, RevisionRole.Stable, 10), (v1, RevisionRole.Retained, 0)], Roles(last));
    }

    [Fact]
    public void Without_steps_a_new_revision_is_promoted_as_soon_as_it_is_ready()
    {
        var cluster = Deployed(Create("1", steps: null, replicas: 2));

        cluster.Update(md => md.WithVersion("2"));
        var plan = cluster.Reconcile();

        // The implicit single step sends all traffic to the canary once ready (replica ratio: stable goes to 0).
        Assert.Equal([RevisionRole.Stable, RevisionRole.Canary], plan.Revisions!.Select(r => r.Role));
        Assert.Equal(2, plan.Revisions![1].Replicas);
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public void A_timed_pause_waits_its_duration_and_asks_to_be_woken_at_its_end()
    {
        var cluster = Deployed(Create("1", [Pause("2m"), Weight(100)]));
        cluster.Update(md => md.WithVersion("2"));

        var first = cluster.Reconcile();
        cluster.Advance(TimeSpan.FromSeconds(90));
        var during = cluster.Reconcile();
        cluster.Advance(TimeSpan.FromSeconds(30));
        var after = cluster.Reconcile();

        Assert.Equal(TimeSpan.FromMinutes(2), first.RequeueAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), during.RequeueAfter);
        Assert.Equal(Phases.Progressing, cluster.Plans[^2].Status.Phase);
        Assert.Equal(1, after.Status.CurrentStepIndex);
        Assert.Null(after.Status.PauseStartTime);
    }

    [Fact]
    public void A_pause_without_duration_waits_until_spec_paused_is_toggled()
    {
        var cluster = Deployed(Create("1", [Weight(25), Pause(), Weight(100)]));
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);

        cluster.RunFor(TimeSpan.FromHours(1));
        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Equal(1, cluster.Status.CurrentStepIndex);
        Assert.NotNull(cluster.Status.PauseStartTime);

        cluster.Update(md => md.WithSpec(s => s with { Paused = true }));
        cluster.Reconcile();
        cluster.Update(md => md.WithSpec(s => s with { Paused = false }));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);

        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
        Assert.Contains(cluster.Events, e => e.Message.Contains("resumed at step 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Spec_paused_holds_the_canary_where_it_is_and_the_deadline_does_not_run()
    {
        var cluster = Deployed(Create("1", [Weight(50), Weight(100)], progressDeadline: "1m"));
        cluster.Update(md => md.WithVersion("2").WithSpec(s => s with { Paused = true }));

        cluster.RunFor(TimeSpan.FromMinutes(10));

        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Equal(0, cluster.Status.CurrentStepIndex);
        Assert.NotNull(cluster.Status.CanaryRevision);
        Assert.Equal(Reasons.Paused, ConditionReason(cluster, Conditions.Progressing));
        Assert.Single(cluster.Events, e => e.Reason == Reasons.Paused);

        cluster.Update(md => md.WithSpec(s => s with { Paused = false }));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public void A_bad_stable_with_a_good_canary_still_progresses()
    {
        var cluster = Deployed(Create("1", [Weight(50), Weight(100)]));
        cluster.Behave("1", new PodBehaviour { CrashLoops = true });
        cluster.Reconcile();
        Assert.Equal(Phases.Degraded, cluster.Status.Phase);
        Assert.Equal(Reasons.CrashLoop, ConditionReason(cluster, Conditions.Degraded));

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);

        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.Degraded));
    }

    [Fact]
    public void Changed_steps_mid_rollout_start_the_steps_over()
    {
        var cluster = Deployed(Create("1", [Weight(20), Pause(), Weight(100)]));
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);
        var hash = cluster.Status.StepsHash;

        cluster.Update(md => md.WithSpec(s => s with { Rollout = s.Rollout! with { Steps = [Weight(30), Pause(), Weight(100)] } }));
        cluster.Reconcile();

        Assert.NotEqual(hash, cluster.Status.StepsHash);
        Assert.Equal(0, cluster.Status.CurrentStepIndex);
        Assert.Contains(cluster.Events, e => e.Message.Contains("starts its steps over", StringComparison.Ordinal));
    }

    internal static List<(string Name, RevisionRole Role, int Replicas)> Roles(RolloutPlan plan) =>
        plan.Revisions!.Select(r => (r.Name, r.Role, r.Replicas)).ToList();

    internal static string? Condition(FakeCluster cluster, string type) =>
        cluster.Status.Conditions!.Single(c => c.Type == type).Status;

    internal static string? ConditionReason(FakeCluster cluster, string type) =>
        cluster.Status.Conditions!.Single(c => c.Type == type).Reason;
}

internal static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
}

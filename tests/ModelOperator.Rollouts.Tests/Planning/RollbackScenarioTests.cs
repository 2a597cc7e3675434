using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class RollbackScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(20), Analyze(), Weight(50), Analyze(), Weight(100)];

    private static FakeCluster Deployed(AnalysisSpec? analysis = null, string deadline = "5m", string bake = "0s", int replicas = 10)
    {
        var cluster = new FakeCluster(Create("1", Steps, analysis ?? Thresholds(), replicas: replicas, progressDeadline: deadline, bakeTime: bake));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    public static TheoryData<string, PodBehaviour, string, string?> Signals => new()
    {
        // case, how version 2 behaves, expected rollback reason, expected metric in lastDecision
        { "crash loop", new PodBehaviour { CrashLoops = true }, Reasons.CrashLoop, "crashLoop" },
        { "checksum mismatch", new PodBehaviour { ModelReason = "ChecksumMismatch", ModelMessage = "sha256 abc differs" }, Reasons.ChecksumMismatch, "modelLoad" },
        { "model load failure", new PodBehaviour { ModelReason = "InvalidModel" }, Reasons.ModelLoadFailed, "modelLoad" },
        { "error rate", new PodBehaviour { Metrics = _ => new AnalysisResultValues(ErrorRate: 0.05) }, Reasons.HighErrorRate, "errorRate" },
        { "latency", new PodBehaviour { Metrics = _ => new AnalysisResultValues(P99Latency: 0.9) }, Reasons.HighLatency, "p99Latency" },
        { "prediction drift", new PodBehaviour { Metrics = _ => new AnalysisResultValues(PredictionDrift: 0.6) }, Reasons.PredictionDrift, "predictionDrift" },
        { "feature drift", new PodBehaviour { Metrics = _ => new AnalysisResultValues(FeatureDrift: 0.5) }, Reasons.FeatureDrift, "featureDrift" },
    };

    [Theory]
    [MemberData(nameof(Signals))]
    public void A_failing_canary_is_rolled_back_at_once_quarantined_and_reported(string name, PodBehaviour behaviour, string reason, string? metric)
    {
        // Given version 1 is stable and version 2 misbehaves
        var cluster = Deployed();
        var stable = cluster.Status.StableRevision!.Name;
        cluster.Behave("2", behaviour);

        // When version 2 is rolled out
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        // Then the canary gets no traffic and no pods, and stable serves everything
        var plan = cluster.Plans[^1];
        var canary = cluster.Status.QuarantinedRevisions!.Single();
        Assert.Equal([new TrafficBackend(stable!, 100)], plan.Traffic!.Backends);
        Assert.Equal([(stable!, RevisionRole.Stable, 10), (canary.Name!, RevisionRole.Retained, 0)], Roles(plan));
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(0, cluster.Status.CanaryWeight);

        // And the decision carries the evidence, the conditions and an Event say why
        var decision = cluster.Status.LastDecision!;
        Assert.True(DecisionActions.Rollback == decision.Action, name);
        Assert.Equal(reason, decision.Reason);
        Assert.Equal(metric, decision.Metric);
        Assert.Equal(reason, canary.Reason);
        Assert.Equal("2", canary.ModelVersion);
        Assert.Equal((ConditionStatus.True, reason), (Condition(cluster, Conditions.RolledBack), ConditionReason(cluster, Conditions.RolledBack)));
        Assert.Equal((ConditionStatus.True, reason), (Condition(cluster, Conditions.Degraded), ConditionReason(cluster, Conditions.Degraded)));
        var warning = Assert.Single(cluster.Events, e => e.Type == PlannedEvent.Warning);
        Assert.Equal(reason, warning.Reason);
        Assert.Contains(canary.Name!, warning.Message, StringComparison.Ordinal);

        // And once stable is back to full size it is Ready; the rollback stays as it is, without new Events
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.Ready)); // stable still at its canary-time size
        var events = cluster.Events.Count;
        cluster.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(ConditionStatus.True, Condition(cluster, Conditions.Ready));
        Assert.Equal(Phases.RolledBack, cluster.Status.Phase);
        Assert.Equal(events, cluster.Events.Count);
        Assert.Equal(canary.Name, cluster.Status.QuarantinedRevisions!.Single().Name);
    }

    [Fact]
    public void A_metric_failure_records_the_numbers_in_the_last_decision()
    {
        var cluster = Deployed();
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(ErrorRate: 0.05, Samples: 800) });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        var decision = cluster.Status.LastDecision!;
        Assert.Equal((0.05, 0.01, 800L, "30s"), (decision.ObservedValue, decision.Threshold, decision.Samples, decision.Window));
        Assert.Equal(cluster.Now, decision.Time);
        Assert.Contains("errorRate 5% is above the maximum 1%", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_failure_limit_tolerates_failures_in_a_row_then_rolls_back()
    {
        var cluster = Deployed(Thresholds(failureLimit: 2));
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(ErrorRate: 0.05) });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        var failures = cluster.Events.Where(e => e.Reason == Reasons.HighErrorRate).Select(e => e.Message).ToList();
        Assert.Equal(3, failures.Count);
        Assert.EndsWith("(failure 1 of 2 tolerated)", failures[0], StringComparison.Ordinal);
        Assert.EndsWith("(failure 2 of 2 tolerated)", failures[1], StringComparison.Ordinal);
        Assert.EndsWith("(failure 3, limit 2)", failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_that_keeps_failing_rolls_back_like_a_failure()
    {
        var cluster = Deployed(Thresholds(failureLimit: 1));
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Error: "prometheus: connection refused") });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.AnalysisFailed, cluster.Status.LastDecision!.Reason);
        Assert.Contains("connection refused", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Contains("2 errors in a row", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Low_traffic_is_inconclusive_and_waits_until_the_progress_deadline_rolls_back()
    {
        // Given a canary that receives too few requests for a verdict
        var cluster = Deployed(deadline: "3m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: 12) });
        cluster.Update(md => md.WithVersion("2"));

        // When the first analysis step has waited two minutes
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);
        var analysisStart = cluster.Now;
        cluster.RunFor(TimeSpan.FromMinutes(2));

        // Then the rollout is paused on the analysis with the reason and the numbers
        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Equal(Reasons.AnalysisInconclusive, ConditionReason(cluster, Conditions.Progressing));
        Assert.Equal(Reasons.AnalysisInconclusive, cluster.Status.LastDecision!.Reason);
        Assert.Equal(12, cluster.Status.LastDecision.Samples);
        Assert.Contains("only 12 of the 50 samples", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.NotNull(cluster.Status.CanaryRevision);

        // And when the deadline passes, the canary is rolled back with ProgressDeadlineExceeded
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);
        Assert.InRange(cluster.Now - analysisStart, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(5));
        Assert.Equal(Reasons.ProgressDeadlineExceeded, cluster.Status.LastDecision.Reason);
        Assert.Contains("only 12 of the 50 samples", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, cluster.Status.QuarantinedRevisions!.Single().Reason);
    }

    [Fact]
    public void Pods_that_never_become_ready_roll_back_at_the_progress_deadline()
    {
        var cluster = Deployed(deadline: "2m");
        cluster.Behave("2", new PodBehaviour { BecomesReady = false });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.ProgressDeadlineExceeded, cluster.Status.LastDecision!.Reason);
        Assert.Contains("0 of 2 pods ready", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_breach_during_bake_rolls_back_to_the_warm_previous_revision()
    {
        // Given version 2 was promoted and bakes for 10 minutes with version 1 warm
        var cluster = Deployed(bake: "10m");
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        var v2 = cluster.Status.StableRevision!.Name!;
        Assert.NotEqual(v1, v2);
        Assert.NotNull(cluster.Status.BakeUntil);
        var baking = cluster.Reconcile();
        Assert.Equal([(v2, RevisionRole.Stable, 10), (v1, RevisionRole.Previous, 10)], Roles(baking));
        Assert.Equal([new TrafficBackend(v2, 100)], baking.Traffic!.Backends);
        Assert.Equal(Reasons.Baking, ConditionReason(cluster, Conditions.Progressing));
        Assert.Equal(v2, baking.NextAnalysis!.Revision);

        // When its error rate rises
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(ErrorRate: 0.2) });
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        // Then version 1 is stable again, version 2 quarantined, and the history counts the rollback as a promotion
        Assert.Equal(v1, cluster.Status.StableRevision!.Name);
        Assert.Equal((v2, Reasons.BakeFailed), (cluster.Status.QuarantinedRevisions!.Single().Name, cluster.Status.QuarantinedRevisions!.Single().Reason));
        Assert.Equal(Reasons.BakeFailed, cluster.Status.LastDecision!.Reason);
        Assert.Equal("errorRate", cluster.Status.LastDecision.Metric);
        Assert.Equal([v1, v2, v1], cluster.Status.RevisionHistory!.Select(h => h.Name));
        Assert.Null(cluster.Status.BakeUntil);
        Assert.Equal([new TrafficBackend(v1, 100)], cluster.Plans[^1].Traffic!.Backends);
    }

    [Fact]
    public void At_promotion_the_warm_previous_revision_keeps_serving_until_the_new_stable_has_all_its_pods()
    {
        // Given version 2 promoted after a last step at 50%: only its canary share of pods (5 of 10) is ready
        var cluster = new FakeCluster(Create("1", [Weight(50), Analyze()], Thresholds(), replicas: 10, progressDeadline: "5m", bakeTime: "10m"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        var v2 = cluster.Status.StableRevision!.Name!;
        var promotion = cluster.Plans[^1];

        // Then both revisions serve (by their ready pods) while version 2 scales up to all 10
        Assert.Equal([v2, v1], promotion.Traffic!.Backends.Select(b => b.Revision));
        Assert.InRange(promotion.Traffic.Backends[1].Weight, 1, 99);
        Assert.Equal([(v2, RevisionRole.Stable, 10), (v1, RevisionRole.Previous, 10)], Roles(promotion));
        Assert.Equal(Phases.Progressing, promotion.Status!.Phase); // finishing the promotion, not degraded

        // And once its pods are ready, version 2 alone serves while the bake goes on
        var ready = cluster.Reconcile();
        Assert.Equal([new TrafficBackend(v2, 100)], ready.Traffic!.Backends);
        Assert.NotNull(cluster.Status.BakeUntil);
        Assert.Equal(Phases.Healthy, ready.Status!.Phase);
    }

    [Fact]
    public void Without_a_bake_a_promoted_revision_scaling_up_is_progressing_not_degraded()
    {
        var cluster = new FakeCluster(Create("1", [Weight(50), Analyze()], Thresholds(), replicas: 10, progressDeadline: "5m", bakeTime: "0s"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(md => md.WithVersion("2"));

        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        Assert.Equal(Phases.Progressing, cluster.Status.Phase); // 5 of 10 pods ready: finishing the promotion

        cluster.Reconcile();
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
    }

    [Fact]
    public void A_quiet_bake_ends_and_scales_the_previous_revision_down()
    {
        var cluster = Deployed(bake: "2m");
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        var promotedAt = cluster.Now;

        cluster.RunUntil(c => c.Status.BakeUntil is null);

        Assert.InRange(cluster.Now - promotedAt, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(5));
        Assert.Equal((v1, RevisionRole.Retained, 0), Roles(cluster.Plans[^1]).Single(r => r.Name == v1));
        Assert.Equal(Reasons.Healthy, cluster.Status.LastDecision!.Reason);
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.Progressing));
    }
}

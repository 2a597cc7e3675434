using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>The shadow step: the canary answers copies of live requests, never a user, until its analysis passed.</summary>
public sealed class ShadowScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Shadow(20, "2m"), Weight(20), Analyze(), Weight(100)];

    private static FakeCluster Deployed(IReadOnlyList<RolloutStep>? steps = null, int failureLimit = 0, string deadline = "5m")
    {
        var analysis = Thresholds(failureLimit) with { MaxShadowDisagreement = 0.01, ShadowTolerance = 0.05 };
        var cluster = new FakeCluster(Create("1", steps ?? Steps, analysis, replicas: 10, progressDeadline: deadline));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    private static bool InShadow(FakeCluster c) => c.Status.CanaryRevision is not null && c.Status.CurrentStepIndex == 0;

    [Fact]
    public void The_canary_runs_beside_stable_with_no_user_traffic_and_stable_mirrors_to_it()
    {
        // Given version 1 is stable on 10 replicas
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;

        // When version 2 is rolled out and reaches its shadow step with pods ready
        cluster.Update(md => md.WithVersion("2"));
        cluster.Reconcile();
        cluster.Reconcile();
        var plan = cluster.Plans[^1];
        var v2 = cluster.Status.CanaryRevision!.Name!;

        // Then stable keeps all 10 pods, the canary runs the 2 pods of its first canary step, and weight 0 keeps users off it
        Assert.Equal([(v1, RevisionRole.Stable, 10), (v2, RevisionRole.Canary, 2)], Roles(plan));
        Assert.Equal([new TrafficBackend(v1, 100), new TrafficBackend(v2, 0)], plan.Traffic!.Backends);
        Assert.Equal(v1, plan.Traffic.MainServiceRevision);
        Assert.Equal(0, cluster.Status.CanaryWeight);

        // And stable's servers are told to copy 20 % to the canary with the spec's tolerance; the analysis measures the copies
        Assert.Equal(new ShadowPlan(v1, v2, 20, 0.05), plan.Shadow);
        Assert.True(plan.NextAnalysis!.Shadow);
        Assert.Equal((v2, v1), (plan.NextAnalysis.Revision, plan.NextAnalysis.Baseline));
        Assert.Contains("(shadow 20% for 2m)", cluster.Status.Conditions!.Single(c => c.Type == Conditions.Progressing).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_canary_that_agrees_passes_after_the_duration_and_continues_as_a_canary()
    {
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;

        // When version 2 agrees with stable (0.4 % of 500 copies outside the tolerance)
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex >= 1);

        // Then the shadow step lasted its 2 minutes at least
        var started = cluster.Status.CanaryStartTime!.Value;
        Assert.True(cluster.Now >= started + TimeSpan.FromMinutes(2), $"the step ended at {cluster.Now}, before its 2 minutes were over");
        Assert.Contains(cluster.Events, e => e.Message == "step 1 of 4 (shadow 20% for 2m) complete");

        // And its passing runs carry the numbers the stable servers saw, decided by the disagreement
        var passed = cluster.Decisions.Last(d => d.Reason == Reasons.AnalysisPassed && d.Shadow is not null);
        Assert.Equal(new ShadowDecision { Percent = 20, Duration = "2m", ComparedCopies = 500, Disagreement = 0.004, CandidateErrorRate = 0.001, CandidateP99Latency = "80ms" }, passed.Shadow);
        Assert.Equal("shadowDisagreement", passed.Metric);
        Assert.StartsWith("shadow step 1 of 4: 500 copies compared, 0.4% disagree, 0.1% failed, p99 80ms; the step ends at", passed.Message, StringComparison.Ordinal);

        // And setWeight 20 completes at once (the canary's pods are warm from the shadow step): at the analysis step after
        // it no server mirrors any more, and users reach the canary
        Assert.Equal(2, cluster.Status.CurrentStepIndex);
        var plan = cluster.Plans[^1];
        Assert.Null(plan.Shadow);
        Assert.False(plan.NextAnalysis!.Shadow);
        Assert.Null(plan.Traffic!.MainServiceRevision);
        Assert.Equal(20, plan.Traffic.Backends[1].Weight);

        // And the rollout ends with version 2 promoted
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        Assert.NotEqual(v1, cluster.Status.StableRevision!.Name);
        Assert.Equal("2", cluster.Status.StableRevision.ModelVersion);
    }

    public static TheoryData<string, AnalysisResultValues, string, string> Failures => new()
    {
        // case, what the copies show, rollback reason, metric
        { "disagreement", new AnalysisResultValues(ShadowDisagreement: 0.3), Reasons.ShadowDisagreement, "shadowDisagreement" },
        { "errors on the copies", new AnalysisResultValues(ErrorRate: 0.2), Reasons.HighErrorRate, "errorRate" },
        { "latency on the copies", new AnalysisResultValues(P99Latency: 0.9), Reasons.HighLatency, "p99Latency" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_canary_that_fails_on_the_copies_is_rolled_back_before_any_user_reached_it(string name, AnalysisResultValues copies, string reason, string metric)
    {
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Behave("2", new PodBehaviour { Metrics = _ => copies });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        // Then every plan of the rollout kept users on stable
        Assert.All(cluster.Plans.Where(p => p.Traffic is not null), p =>
        {
            Assert.Equal(v1, p.Traffic!.MainServiceRevision);
            Assert.All(p.Traffic.Backends.Skip(1), b => Assert.Equal(0, b.Weight));
        });

        // And the decision names the metric, with the shadow numbers; the instruction is withdrawn
        var decision = cluster.Status.LastDecision!;
        Assert.True(DecisionActions.Rollback == decision.Action, name);
        Assert.Equal((reason, metric), (decision.Reason, decision.Metric));
        Assert.Equal(500, decision.Shadow!.ComparedCopies);
        Assert.Null(cluster.Plans[^1].Shadow);
        Assert.Equal(reason, cluster.Status.QuarantinedRevisions!.Single().Reason);
    }

    [Theory]
    [InlineData(500)] // passing runs before the step's duration is over
    [InlineData(10)] // inconclusive runs: too few copies
    public void Every_decision_a_shadow_step_writes_is_recorded_as_an_Event(long copies)
    {
        // The soak's invariant, on the planner: a decision in status without its Event is lost to kubectl get events
        var cluster = Deployed(deadline: "3m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: copies) });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunFor(TimeSpan.FromMinutes(2));

        var inShadow = cluster.Decisions.Where(d => d.Shadow is not null).ToList();
        Assert.NotEmpty(inShadow);
        Assert.All(inShadow, d => Assert.Contains(cluster.Events, e => e.Reason == d.Reason && e.Message == d.Message));
    }

    [Fact]
    public void Too_few_copies_keep_the_step_waiting_past_its_duration_until_the_deadline_rolls_it_back()
    {
        var cluster = Deployed(deadline: "3m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: 10) });

        // When version 2 gets too few copies for minSamples 50
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunFor(TimeSpan.FromMinutes(3));

        // Then the step waits, paused as Inconclusive, past its 2 minutes
        Assert.True(InShadow(cluster));
        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Equal(Reasons.AnalysisInconclusive, cluster.Status.LastDecision!.Reason);
        Assert.Equal(10, cluster.Status.LastDecision.Shadow!.ComparedCopies);

        // And the progress deadline counts from the end of the shadow duration: 2m + 3m after the step started
        var started = cluster.Status.CanaryStartTime!.Value;
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, cluster.Status.LastDecision!.Reason);
        Assert.InRange(cluster.Now - started, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5.5));
    }

    [Fact]
    public void A_shadow_step_tolerates_failures_within_the_limit_and_ends_only_after_a_pass()
    {
        // Given the failure limit tolerates 2 failed runs in a row
        var cluster = Deployed(failureLimit: 2);
        cluster.Update(md => md.WithVersion("2"));
        var start = cluster.Now;

        // When the copies disagree from 80 s to 150 s, across the end of the 2-minute step (runs every 30 s)
        cluster.Behave("2", new PodBehaviour
        {
            Metrics = now => now - start is var t && t >= TimeSpan.FromSeconds(80) && t < TimeSpan.FromSeconds(150)
                ? new AnalysisResultValues(ShadowDisagreement: 0.3)
                : new AnalysisResultValues(),
        });
        cluster.RunUntil(c => c.Status.CurrentStepIndex >= 1 || c.Status.Phase == Phases.RolledBack);

        // Then the failures were tolerated (recorded as such), and the step ended only after a run passed again
        Assert.NotEqual(Phases.RolledBack, cluster.Status.Phase);
        Assert.Contains(cluster.Decisions, d => d.Reason == Reasons.ShadowDisagreement && d.Action == DecisionActions.Pause);
        Assert.True(cluster.Now - start >= TimeSpan.FromSeconds(150), $"the step ended {cluster.Now - start} after it started, on a failed run");
    }
}

using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>Analysis never passes on no evidence: a bake that saw no passing run, and Events for every inconclusive run.</summary>
public sealed class EvidenceScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(50), Analyze(), Weight(100)];

    private static FakeCluster PromotedAndBaking(string bake)
    {
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 4, bakeTime: bake));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null && c.Status.BakeUntil is not null);
        return cluster;
    }

    [Fact]
    public void A_bake_in_which_no_run_reached_min_samples_ends_inconclusive_with_a_warning()
    {
        // Given version 2 was promoted and bakes for 2 minutes, but its traffic dries up: 12 of the 50 samples per run
        var cluster = PromotedAndBaking("2m");
        var v1 = cluster.Status.RevisionHistory![^2].Name!;
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: 12) });

        // When the bake window ends
        cluster.RunUntil(c => c.Status.BakeUntil is null);

        // Then it does not end as "baked without a failure": its own reason, a Warning Event, v1 scaled down
        var decision = cluster.Status.LastDecision!;
        Assert.Equal(Reasons.BakeInconclusive, decision.Reason);
        Assert.Equal(DecisionActions.Proceed, decision.Action);
        Assert.Contains("no analysis run passed", decision.Message, StringComparison.Ordinal);
        Assert.Contains(cluster.Events, e => e.Type == PlannedEvent.Warning && e.Reason == Reasons.BakeInconclusive && e.Message == decision.Message);
        Assert.DoesNotContain(cluster.Events, e => e.Reason == Reasons.Healthy && e.Message.Contains("without a failure", StringComparison.Ordinal));
        Assert.Equal((v1, RevisionRole.Retained, 0), Roles(cluster.Plans[^1]).Single(r => r.Name == v1));
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
    }

    [Fact]
    public void A_bake_with_a_passing_run_ends_healthy()
    {
        var cluster = PromotedAndBaking("2m");

        cluster.RunUntil(c => c.Status.BakeUntil is null);

        Assert.Equal(Reasons.Healthy, cluster.Status.LastDecision!.Reason);
        Assert.DoesNotContain(cluster.Events, e => e.Reason == Reasons.BakeInconclusive);
    }

    [Fact]
    public void A_bake_is_not_left_inconclusive_by_prediction_drift_which_has_no_baseline_while_the_previous_revision_answers_no_one()
    {
        // Given version 2 was promoted with maxPredictionDrift set; while it bakes the warm version 1 gets no traffic, so
        // the comparison of their predictions has no data (NaN), while errors, latency and feature drift pass
        var cluster = PromotedAndBaking("2m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(PredictionDrift: double.NaN) });

        // When the bake window ends
        cluster.RunUntil(c => c.Status.BakeUntil is null);

        // Then the bake ends healthy on the runs that could pass, not BakeInconclusive
        Assert.Equal(Reasons.Healthy, cluster.Status.LastDecision!.Reason);
        Assert.DoesNotContain(cluster.Events, e => e.Reason == Reasons.BakeInconclusive);
    }

    [Fact]
    public void A_bake_with_no_data_at_all_is_inconclusive()
    {
        // The promoted revision gets no request at all while it bakes: every metric is NaN over 0 samples.
        var cluster = PromotedAndBaking("1m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(double.NaN, double.NaN, double.NaN, double.NaN, Samples: 0) });

        cluster.RunUntil(c => c.Status.BakeUntil is null);

        Assert.Equal(Reasons.BakeInconclusive, cluster.Status.LastDecision!.Reason);
    }

    [Fact]
    public void Without_an_analysis_in_the_spec_a_bake_guarded_by_health_ends_healthy()
    {
        var cluster = new FakeCluster(Create("1", [Weight(50), Weight(100)], analysis: null, replicas: 4, bakeTime: "1m"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null && c.Status.BakeUntil is not null);

        cluster.RunUntil(c => c.Status.BakeUntil is null);

        Assert.Equal(Reasons.Healthy, cluster.Status.LastDecision!.Reason);
    }

    [Fact]
    public void Every_inconclusive_decision_records_an_event_with_its_message()
    {
        // Given a canary with too few requests at its analysis step
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 4, progressDeadline: "10m"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: 7) });
        cluster.Update(md => md.WithVersion("2"));

        // When the analysis step has waited for three minutes
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);
        var from = cluster.Decisions.Count;
        cluster.RunFor(TimeSpan.FromMinutes(3));

        // Then each inconclusive decision (one per interval) has an Event with the same reason and message
        var inconclusive = cluster.Decisions.Skip(from).Where(d => d.Reason == Reasons.AnalysisInconclusive).ToList();
        Assert.InRange(inconclusive.Count, 5, 7);
        var events = cluster.Events.Where(e => e.Reason == Reasons.AnalysisInconclusive).ToList();
        Assert.True(events.Count >= inconclusive.Count, $"{events.Count} Events for {inconclusive.Count} inconclusive decisions");
        Assert.All(inconclusive, d => Assert.Contains(events, e => e.Message == d.Message));
        Assert.Contains("only 7 of the 50 samples", events[^1].Message, StringComparison.Ordinal);
    }
}

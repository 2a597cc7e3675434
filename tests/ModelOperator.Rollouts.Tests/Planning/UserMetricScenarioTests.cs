using ModelOperator.Api;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>spec.rollout.analysis.metrics in the rollout: judged every run beside the built-in metrics.</summary>
public sealed class UserMetricScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(50), Analyze(), Weight(100)];

    private static FakeCluster Deployed(int failureLimit = 0, string deadline = "5m")
    {
        var analysis = Thresholds(failureLimit) with
        {
            Metrics = [new AnalysisMetric { Name = "conversion", Min = 0.95, Prometheus = new PrometheusMetricSource { Query = "kpi:conversion{namespace=\"{{namespace}}\"}" } }],
        };
        var cluster = new FakeCluster(Create("1", Steps, analysis, replicas: 4, progressDeadline: deadline));
        cluster.Behave("1", new PodBehaviour { Metrics = _ => new AnalysisResultValues { Metrics = new Dictionary<string, double> { ["conversion"] = 0.97 } } });
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    private static PodBehaviour Conversion(double value) =>
        new() { Metrics = _ => new AnalysisResultValues { Metrics = new Dictionary<string, double> { ["conversion"] = value } } };

    [Fact]
    public void A_user_metric_within_its_bounds_lets_the_canary_pass()
    {
        var cluster = Deployed();
        cluster.Behave("2", Conversion(0.97));

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);

        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
        Assert.Contains(cluster.Decisions, d => d.Reason == Reasons.AnalysisPassed);
    }

    [Fact]
    public void A_user_metric_below_its_minimum_rolls_back_with_its_name_and_numbers_in_the_last_decision()
    {
        var cluster = Deployed();
        cluster.Behave("2", Conversion(0.8));

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        var decision = cluster.Status.LastDecision!;
        Assert.Equal((DecisionActions.Rollback, Reasons.MetricOutOfRange, "conversion"), (decision.Action, decision.Reason, decision.Metric));
        Assert.Equal((0.8, 0.95), (decision.ObservedValue, decision.Threshold));
        Assert.Contains("conversion 0.8 is below the minimum 0.95", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_metric_failure_counts_toward_the_same_failure_limit()
    {
        var cluster = Deployed(failureLimit: 2);
        cluster.Behave("2", Conversion(0.8));

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        var tolerated = cluster.Events.Where(e => e.Reason == Reasons.MetricOutOfRange && e.Message.Contains("tolerated", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Contains(tolerated, m => m.EndsWith("(failure 1 of 2 tolerated)", StringComparison.Ordinal));
        Assert.Contains(tolerated, m => m.EndsWith("(failure 2 of 2 tolerated)", StringComparison.Ordinal));
        Assert.Contains("(failure 3, limit 2)", cluster.Status.LastDecision!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_metric_without_data_never_passes_and_the_deadline_rolls_back()
    {
        // The built-in metrics are fine, but the KPI query answers an empty vector: not evidence, so no pass.
        var cluster = Deployed(deadline: "2m");
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues { Metrics = new Dictionary<string, double> { ["conversion"] = double.NaN } } });

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 1);
        cluster.RunFor(TimeSpan.FromMinutes(1));

        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Equal((Reasons.AnalysisInconclusive, "conversion"), (cluster.Status.LastDecision!.Reason, cluster.Status.LastDecision.Metric));
        Assert.Contains(cluster.Events, e => e.Reason == Reasons.AnalysisInconclusive && e.Message.StartsWith("conversion: no data", StringComparison.Ordinal));

        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, cluster.Status.LastDecision.Reason);
        Assert.Equal("1", cluster.Status.StableRevision!.ModelVersion);
    }
}

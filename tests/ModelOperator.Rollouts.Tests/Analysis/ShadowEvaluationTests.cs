using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

/// <summary>A shadow step's analysis run: the disagreement and the canary's error rate and p99 on the copies.</summary>
public sealed class ShadowEvaluationTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static readonly AnalysisCriteria Shadow = AnalysisCriteria.FromSpec(
        new AnalysisSpec { MinSamples = 50, MaxErrorRate = 0.01, MaxP99Latency = "250ms", MaxShadowDisagreement = 0.02 }, maxRestarts: 3)
        .ForShadow(new AnalysisSpec { MaxShadowDisagreement = 0.02 });

    private static readonly PodHealth Healthy = new() { Pods = 2, Ready = 2 };

    public static TheoryData<string, double, long, double, double, Verdict, string, string> Runs => new()
    {
        // case, disagreement, compared copies, error rate on copies, p99 on copies (s), verdict, deciding reason, deciding metric
        { "agrees", 0.004, 500, 0.0, 0.02, Verdict.Successful, Reasons.Healthy, MetricNames.PodsReady },
        { "at the maximum", 0.02, 500, 0.0, 0.02, Verdict.Successful, Reasons.Healthy, MetricNames.PodsReady },
        { "disagrees", 0.30, 500, 0.0, 0.02, Verdict.Failed, Reasons.ShadowDisagreement, MetricNames.ShadowDisagreement },
        { "fails the copies", 0.0, 500, 0.2, 0.02, Verdict.Failed, Reasons.HighErrorRate, MetricNames.ErrorRate },
        { "slow on the copies", 0.0, 500, 0.0, 0.9, Verdict.Failed, Reasons.HighLatency, MetricNames.P99Latency },
        { "below minSamples", 0.5, 49, 0.0, 0.02, Verdict.Inconclusive, Reasons.AnalysisInconclusive, MetricNames.ShadowDisagreement },
        { "no copies", double.NaN, 0, double.NaN, double.NaN, Verdict.Inconclusive, Reasons.AnalysisInconclusive, MetricNames.ShadowDisagreement },
        { "impossible share", 1.5, 500, 0.0, 0.02, Verdict.Error, Reasons.AnalysisFailed, MetricNames.ShadowDisagreement },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_shadow_run_is_judged_on_the_copies(string name, double disagreement, long compared, double errorRate, double p99, Verdict expected, string reason, string metric)
    {
        var result = new AnalysisResult
        {
            Revision = "churn-2",
            MeasuredAt = DateTimeOffset.UnixEpoch,
            Shadow = true,
            ShadowDisagreement = Measurement.Of(disagreement, compared, Window),
            ErrorRate = Measurement.Of(errorRate, compared, Window),
            P99Latency = Measurement.Of(p99, compared, Window),
        };

        var verdict = AnalysisEvaluator.Evaluate("churn-2", result, Healthy, 2, Shadow);

        Assert.True(expected == verdict.Verdict, $"{name}: {verdict.Deciding.Message}");
        Assert.Equal(reason, verdict.Deciding.Reason);
        Assert.Equal(metric, verdict.Deciding.Metric);
    }

    [Fact]
    public void A_shadow_run_without_a_disagreement_measurement_is_inconclusive_never_a_pass()
    {
        var result = new AnalysisResult { Revision = "churn-2", MeasuredAt = DateTimeOffset.UnixEpoch, Shadow = true };

        var verdict = AnalysisEvaluator.Evaluate("churn-2", result, Healthy, 2, Shadow);

        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
        Assert.Equal("shadowDisagreement: no measurement was taken", verdict.Deciding.Message);
    }

    [Fact]
    public void The_disagreement_reads_as_a_percentage_and_is_checked_only_in_shadow_steps()
    {
        var failed = AnalysisEvaluator.EvaluateMetric(MetricNames.ShadowDisagreement, Measurement.Of(0.05, 1234, Window), 0.02, 50)!;
        Assert.Equal("shadowDisagreement 5% is above the maximum 2% over 1234 samples in 30s", failed.Message);

        var criteria = AnalysisCriteria.FromSpec(new AnalysisSpec { MaxShadowDisagreement = 0.02, ShadowTolerance = 0.05 }, 3);
        Assert.Null(criteria.MaxShadowDisagreement);
        Assert.Equal(0.05, criteria.ShadowTolerance);
        Assert.Equal(0.02, criteria.ForShadow(new AnalysisSpec { MaxShadowDisagreement = 0.02 }).MaxShadowDisagreement);
        Assert.Equal(ModelDeploymentDefaults.ShadowTolerance, AnalysisCriteria.FromSpec(new AnalysisSpec(), 3).ShadowTolerance);
    }
}

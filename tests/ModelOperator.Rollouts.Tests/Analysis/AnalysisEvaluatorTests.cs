using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

public sealed class AnalysisEvaluatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static TheoryData<string, double, long, string?, double?, Verdict?, string?> MetricCases => new()
    {
        // metric, value, samples, provider error, threshold, expected verdict (null: not checked), expected reason
        { MetricNames.ErrorRate, 0.02, 400, null, 0.01, Verdict.Failed, Reasons.HighErrorRate },
        { MetricNames.ErrorRate, 0.01, 400, null, 0.01, Verdict.Successful, Reasons.AnalysisPassed },  // the maximum is inclusive
        { MetricNames.ErrorRate, 0.0, 50, null, 0.0, Verdict.Successful, Reasons.AnalysisPassed },     // exactly minSamples counts
        { MetricNames.ErrorRate, 0.5, 49, null, 0.01, Verdict.Inconclusive, Reasons.AnalysisInconclusive }, // too few samples, however bad
        { MetricNames.ErrorRate, double.NaN, 0, null, 0.01, Verdict.Inconclusive, Reasons.AnalysisInconclusive }, // zero traffic
        { MetricNames.ErrorRate, double.NaN, 0, "connection refused", 0.01, Verdict.Error, Reasons.AnalysisFailed },
        { MetricNames.ErrorRate, 1.5, 400, null, 0.01, Verdict.Error, Reasons.AnalysisFailed },        // impossible rate
        { MetricNames.ErrorRate, -0.1, 400, null, 0.01, Verdict.Error, Reasons.AnalysisFailed },
        { MetricNames.ErrorRate, 0.9, 400, null, null, null, null },                                    // no threshold: not checked
        { MetricNames.P99Latency, 0.300, 100, null, 0.250, Verdict.Failed, Reasons.HighLatency },
        { MetricNames.P99Latency, 0.200, 100, null, 0.250, Verdict.Successful, Reasons.AnalysisPassed },
        { MetricNames.P99Latency, double.PositiveInfinity, 100, null, 0.250, Verdict.Failed, Reasons.HighLatency }, // beyond the last bucket
        { MetricNames.P99Latency, 2.0, 100, null, 0.250, Verdict.Failed, Reasons.HighLatency },       // latency above 1 is fine as a value
        { MetricNames.PredictionDrift, 0.3, 1000, null, 0.25, Verdict.Failed, Reasons.PredictionDrift },
        { MetricNames.PredictionDrift, 0.05, 1000, null, 0.25, Verdict.Successful, Reasons.AnalysisPassed },
        { MetricNames.FeatureDrift, 0.4, 1000, null, 0.2, Verdict.Failed, Reasons.FeatureDrift },
        { MetricNames.FeatureDrift, double.NaN, 1000, null, 0.2, Verdict.Inconclusive, Reasons.AnalysisInconclusive },
    };

    [Theory]
    [MemberData(nameof(MetricCases))]
    public void A_metric_is_judged_against_its_threshold_and_min_samples(
        string metric, double value, long samples, string? error, double? threshold, Verdict? expected, string? reason)
    {
        var measurement = error is null ? Measurement.Of(value, samples, Window) : Measurement.Failure(error, Window);

        var verdict = AnalysisEvaluator.EvaluateMetric(metric, measurement, threshold, minSamples: 50);

        Assert.Equal(expected, verdict?.Verdict);
        Assert.Equal(reason, verdict?.Reason);
        if (verdict is not null)
        {
            Assert.Equal(metric, verdict.Metric);
            Assert.Equal(threshold, verdict.Threshold);
            Assert.StartsWith(metric, verdict.Message, StringComparison.Ordinal);
            Assert.False(verdict.Immediate);
        }
    }

    [Fact]
    public void A_threshold_without_a_measurement_is_inconclusive()
    {
        var verdict = AnalysisEvaluator.EvaluateMetric(MetricNames.ErrorRate, null, 0.01, 50);

        Assert.Equal(Verdict.Inconclusive, verdict!.Verdict);
        Assert.Contains("no measurement", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_verdict_carries_the_numbers_for_the_last_decision()
    {
        var verdict = AnalysisEvaluator.EvaluateMetric(MetricNames.ErrorRate, Measurement.Of(0.05, 400, Window), 0.01, 50)!;

        Assert.Equal(0.05, verdict.Value);
        Assert.Equal(0.01, verdict.Threshold);
        Assert.Equal(400, verdict.Samples);
        Assert.Equal(Window, verdict.Window);
        Assert.Equal("errorRate 5% is above the maximum 1% over 400 samples in 30s", verdict.Message);
    }

    [Fact]
    public void Latency_messages_read_as_durations()
    {
        var verdict = AnalysisEvaluator.EvaluateMetric(MetricNames.P99Latency, Measurement.Of(0.3, 100, Window), 0.25, 50)!;

        Assert.Equal("p99Latency 300ms is above the maximum 250ms over 100 samples in 30s", verdict.Message);
    }

    public static TheoryData<PodHealth, int, string[], Verdict[], string?> HealthCases => new()
    {
        // health, desired, expected metrics, expected verdicts, expected first reason
        { new PodHealth { Pods = 3, Ready = 3 }, 3, [MetricNames.PodsReady], [Verdict.Successful], Reasons.Healthy },
        { new PodHealth { Pods = 3, Ready = 2 }, 3, [MetricNames.PodsReady], [Verdict.Inconclusive], Reasons.NotReady },
        { new PodHealth { Pods = 1, Ready = 0, ModelReason = "Loading" }, 1, [MetricNames.PodsReady], [Verdict.Inconclusive], Reasons.NotReady },
        { PodHealth.None, 0, [MetricNames.PodsReady], [Verdict.Successful], Reasons.Healthy },   // nothing wanted, nothing to wait for
        { PodHealth.None, 2, [MetricNames.PodsReady], [Verdict.Inconclusive], Reasons.NotReady },
        {
            new PodHealth { Pods = 1, Ready = 0, ModelReason = "ChecksumMismatch", ModelMessage = "sha256 differs" }, 1,
            [MetricNames.ModelLoad, MetricNames.PodsReady], [Verdict.Failed, Verdict.Inconclusive], Reasons.ChecksumMismatch
        },
        {
            new PodHealth { Pods = 1, Ready = 0, ModelReason = "InvalidModel" }, 1,
            [MetricNames.ModelLoad, MetricNames.PodsReady], [Verdict.Failed, Verdict.Inconclusive], Reasons.ModelLoadFailed
        },
        {
            new PodHealth { Pods = 2, Ready = 1, Restarts = 4, CrashLooping = true }, 2,
            [MetricNames.CrashLoop, MetricNames.PodsReady], [Verdict.Failed, Verdict.Inconclusive], Reasons.CrashLoop
        },
        { new PodHealth { Pods = 2, Ready = 2, Restarts = 3 }, 2, [MetricNames.PodsReady], [Verdict.Successful], Reasons.Healthy }, // at the limit
        {
            new PodHealth { Pods = 2, Ready = 2, Restarts = 4 }, 2,
            [MetricNames.Restarts, MetricNames.PodsReady], [Verdict.Failed, Verdict.Successful], Reasons.CrashLoop
        },
        { new PodHealth { Pods = 4, Ready = 4 }, 3, [MetricNames.PodsReady], [Verdict.Successful], Reasons.Healthy }, // surplus while scaling down
    };

    [Theory]
    [MemberData(nameof(HealthCases))]
    public void Pod_health_fails_at_once_on_load_failures_and_crash_loops_and_waits_for_readiness(
        PodHealth health, int desired, string[] metrics, Verdict[] verdicts, string? firstReason)
    {
        var result = AnalysisEvaluator.EvaluateHealth(health, desired, maxRestarts: 3);

        Assert.Equal(metrics, result.Select(v => v.Metric));
        Assert.Equal(verdicts, result.Select(v => v.Verdict));
        Assert.Equal(firstReason, result[0].Reason);
        Assert.All(result, v => Assert.Equal(v.Verdict == Verdict.Failed, v.Immediate));
    }

    [Fact]
    public void The_model_server_reason_and_message_are_in_the_health_message()
    {
        var result = AnalysisEvaluator.EvaluateHealth(
            new PodHealth { Pods = 1, ModelReason = "ModelNotFound", ModelMessage = "no such key s3://b/m.onnx" }, 1, 3);

        Assert.Equal("the model server could not load the model (ModelNotFound): no such key s3://b/m.onnx", result[0].Message);
    }

    public static TheoryData<Verdict[], Verdict, int> CombineCases => new()
    {
        { [Verdict.Successful], Verdict.Successful, 0 },
        { [Verdict.Successful, Verdict.Successful], Verdict.Successful, 0 },      // decided by the first
        { [Verdict.Successful, Verdict.Inconclusive, Verdict.Failed], Verdict.Failed, 2 },
        { [Verdict.Error, Verdict.Inconclusive], Verdict.Error, 0 },
        { [Verdict.Inconclusive, Verdict.Error], Verdict.Error, 1 },
        { [Verdict.Failed, Verdict.Error], Verdict.Failed, 0 },
        { [Verdict.Inconclusive, Verdict.Successful, Verdict.Inconclusive], Verdict.Inconclusive, 0 },
        { [Verdict.Successful, Verdict.Failed, Verdict.Failed], Verdict.Failed, 1 }, // the first of equals decides
    };

    [Theory]
    [MemberData(nameof(CombineCases))]
    public void The_worst_verdict_wins_and_the_first_of_the_worst_decides(Verdict[] verdicts, Verdict expected, int decidingIndex)
    {
        var metrics = verdicts.Select((v, i) => new MetricVerdict($"m{i}", v, "R", null, null, null, null, "msg")).ToList();

        var combined = AnalysisEvaluator.Combine(metrics);

        Assert.Equal(expected, combined.Verdict);
        Assert.Same(metrics[decidingIndex], combined.Deciding);
    }

    [Fact]
    public void Combine_needs_at_least_one_verdict()
    {
        Assert.Throws<ArgumentException>(() => AnalysisEvaluator.Combine([]));
    }

    private static readonly AnalysisCriteria Criteria = new()
    {
        MaxErrorRate = 0.01,
        MaxP99Latency = 0.25,
        MaxPredictionDrift = 0.25,
        MaxFeatureDrift = 0.2,
        MinSamples = 50,
    };

    private static AnalysisResult Healthy(string revision) => new()
    {
        Revision = revision,
        MeasuredAt = DateTimeOffset.UnixEpoch,
        ErrorRate = Measurement.Of(0.001, 500, Window),
        P99Latency = Measurement.Of(0.1, 500, Window),
        PredictionDrift = Measurement.Of(0.01, 500, Window),
        FeatureDrift = Measurement.Of(0.02, 500, Window),
    };

    private static readonly PodHealth Ready = new() { Pods = 2, Ready = 2 };

    [Fact]
    public void A_run_checks_health_then_every_metric_with_a_threshold_in_order()
    {
        var verdict = AnalysisEvaluator.Evaluate("md-a", Healthy("md-a"), Ready, 2, Criteria);

        Assert.Equal(Verdict.Successful, verdict.Verdict);
        Assert.Equal(
            [MetricNames.PodsReady, MetricNames.ErrorRate, MetricNames.P99Latency, MetricNames.PredictionDrift, MetricNames.FeatureDrift],
            verdict.Metrics.Select(m => m.Metric));
    }

    [Fact]
    public void A_run_fails_on_the_first_failing_metric_and_health_failures_are_immediate()
    {
        var drifting = Healthy("md-a") with { PredictionDrift = Measurement.Of(0.4, 500, Window), FeatureDrift = Measurement.Of(0.9, 500, Window) };
        var crashing = new PodHealth { Pods = 2, Ready = 1, CrashLooping = true, Restarts = 6 };

        var byDrift = AnalysisEvaluator.Evaluate("md-a", drifting, Ready, 2, Criteria);
        var byCrash = AnalysisEvaluator.Evaluate("md-a", drifting, crashing, 2, Criteria);

        Assert.Equal((Verdict.Failed, MetricNames.PredictionDrift, false), (byDrift.Verdict, byDrift.Deciding.Metric, byDrift.IsImmediateFailure));
        Assert.Equal((Verdict.Failed, MetricNames.CrashLoop, true), (byCrash.Verdict, byCrash.Deciding.Metric, byCrash.IsImmediateFailure));
    }

    [Fact]
    public void Measurements_of_another_revision_count_as_no_data()
    {
        var verdict = AnalysisEvaluator.Evaluate("md-b", Healthy("md-a"), Ready, 2, Criteria);

        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
        Assert.Equal(MetricNames.ErrorRate, verdict.Deciding.Metric);
    }

    [Fact]
    public void Without_thresholds_only_health_decides()
    {
        var verdict = AnalysisEvaluator.Evaluate("md-a", null, Ready, 2, new AnalysisCriteria());

        Assert.Equal(Verdict.Successful, verdict.Verdict);
        Assert.Equal(MetricNames.PodsReady, Assert.Single(verdict.Metrics).Metric);
    }

    [Fact]
    public void Criteria_from_the_spec_parse_durations_and_fall_back_to_the_defaults()
    {
        var criteria = AnalysisCriteria.FromSpec(new AnalysisSpec { MaxP99Latency = "250ms", Interval = "1m", MaxErrorRate = 0.02 }, 5);
        var defaults = AnalysisCriteria.FromSpec(null, 3);

        Assert.Equal(0.25, criteria.MaxP99Latency);
        Assert.Equal(TimeSpan.FromMinutes(1), criteria.Interval);
        Assert.Equal(0.02, criteria.MaxErrorRate);
        Assert.Equal(5, criteria.MaxRestarts);
        Assert.Equal(ModelDeploymentDefaults.MinSamples, defaults.MinSamples);
        Assert.Equal(ModelDeploymentDefaults.FailureLimit, defaults.FailureLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Interval);
        Assert.Null(defaults.MaxErrorRate);
    }
}

using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

public sealed class UserMetricEvaluatorTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(30);

    public static TheoryData<string, double?, double?, long?, Measurement?, Verdict, string> Cases => new()
    {
        // case, min, max, minSamples, measurement, verdict, reason
        { "within max", null, 0.01, null, Measurement.Of(0.005, 0, W), Verdict.Successful, Reasons.AnalysisPassed },
        { "at max (inclusive)", null, 0.01, null, Measurement.Of(0.01, 0, W), Verdict.Successful, Reasons.AnalysisPassed },
        { "above max", null, 0.01, null, Measurement.Of(0.02, 0, W), Verdict.Failed, Reasons.MetricOutOfRange },
        { "+Inf above max", null, 0.01, null, Measurement.Of(double.PositiveInfinity, 0, W), Verdict.Failed, Reasons.MetricOutOfRange },
        { "at min (inclusive)", 0.95, null, null, Measurement.Of(0.95, 0, W), Verdict.Successful, Reasons.AnalysisPassed },
        { "below min", 0.95, null, null, Measurement.Of(0.9, 0, W), Verdict.Failed, Reasons.MetricOutOfRange },
        { "-Inf below min", 0.95, null, null, Measurement.Of(double.NegativeInfinity, 0, W), Verdict.Failed, Reasons.MetricOutOfRange },
        { "inside a band", 10, 20, null, Measurement.Of(15, 0, W), Verdict.Successful, Reasons.AnalysisPassed },
        { "negative values are allowed for a user metric", -5, 5, null, Measurement.Of(-1, 0, W), Verdict.Successful, Reasons.AnalysisPassed },
        { "no data (empty vector) is never a pass", 0.95, null, null, Measurement.NoData(W), Verdict.Inconclusive, Reasons.AnalysisInconclusive },
        { "no measurement is never a pass", null, 1, null, null, Verdict.Inconclusive, Reasons.AnalysisInconclusive },
        { "the source failed", null, 1, null, Measurement.Failure("HTTP 500", W), Verdict.Error, Reasons.AnalysisFailed },
        { "not measured (a header's Secret is missing) is never a pass nor an error", 0.95, null, null, Measurement.NotTaken("header Authorization: Secret ml/kpi-token was not found", W), Verdict.Inconclusive, Reasons.AnalysisInconclusive },
        { "too few samples, however bad", null, 0.01, 100, Measurement.Of(0.5, 20, W), Verdict.Inconclusive, Reasons.AnalysisInconclusive },
        { "enough samples", null, 0.01, 100, Measurement.Of(0.02, 400, W), Verdict.Failed, Reasons.MetricOutOfRange },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Judges_min_max_samples_and_missing_data(string name, double? min, double? max, long? minSamples, Measurement? measurement, Verdict verdict, string reason)
    {
        var metric = new AnalysisMetric { Name = "checkout-rate", Min = min, Max = max, MinSamples = minSamples, Prometheus = new PrometheusMetricSource { Query = "x" } };

        var result = UserMetricEvaluator.Evaluate(metric, measurement);

        Assert.True((verdict, reason) == (result.Verdict, result.Reason), $"{name}: {result.Verdict} {result.Reason}: {result.Message}");
        Assert.Equal("checkout-rate", result.Metric);
    }

    [Fact]
    public void A_metric_not_measured_says_why_in_its_message()
    {
        var metric = new AnalysisMetric { Name = "conversion", Min = 0.95 };

        var verdict = UserMetricEvaluator.Evaluate(metric, Measurement.NotTaken("header Authorization: Secret ml/kpi-token was not found", W));

        Assert.Equal("conversion: not measured: header Authorization: Secret ml/kpi-token was not found", verdict.Message);
    }

    [Fact]
    public void A_breach_reports_the_bound_it_crossed_and_the_numbers()
    {
        var metric = new AnalysisMetric { Name = "conversion", Min = 0.95, Max = 1, Web = new WebMetricSource { Url = "http://kpi", JsonPath = "v" } };

        var low = UserMetricEvaluator.Evaluate(metric, Measurement.Of(0.9, 0, W));

        Assert.Equal(0.95, low.Threshold);
        Assert.Equal(0.9, low.Value);
        Assert.Equal("conversion 0.9 is below the minimum 0.95 in 30s", low.Message);
    }

    [Fact]
    public void User_metrics_are_judged_beside_the_built_in_ones_and_the_worst_wins()
    {
        var criteria = new AnalysisCriteria
        {
            MaxErrorRate = 0.01,
            MinSamples = 50,
            Metrics = [new AnalysisMetric { Name = "conversion", Min = 0.95, Prometheus = new PrometheusMetricSource { Query = "x" } }],
        };
        var result = new AnalysisResult
        {
            Revision = "churn-2",
            MeasuredAt = DateTimeOffset.UnixEpoch,
            ErrorRate = Measurement.Of(0.001, 500, W),
            Metrics = new Dictionary<string, Measurement> { ["conversion"] = Measurement.Of(0.8, 0, W) },
        };

        var verdict = AnalysisEvaluator.Evaluate("churn-2", result, new PodHealth { Pods = 2, Ready = 2 }, 2, criteria);

        Assert.Equal(Verdict.Failed, verdict.Verdict);
        Assert.Equal("conversion", verdict.Deciding.Metric);
        Assert.Equal([MetricNames.PodsReady, MetricNames.ErrorRate, "conversion"], verdict.Metrics.Select(m => m.Metric));
    }
}
